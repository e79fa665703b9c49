// Package analytics computes the partner dashboard: headline KPIs and the
// subscription analytics of one product, in SQL, for the viewer's customers.
package analytics

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/graph/filter"
)

// Kpis are the headline KPIs, each the number of visible customers counted in it.
type Kpis struct {
	Region *enum.Region
	Counts map[status.Kpi]int
}

// Query returns the customers(query:) string that lists the customers counted in k.
func (k Kpis) Query(kpi status.Kpi) string {
	q := "kpi:" + strings.ToLower(string(kpi))
	if k.Region != nil {
		q += " region:" + strings.ToLower(string(*k.Region))
	}
	return q
}

// ComputeKpis counts the visible customers of every KPI, optionally in one region. Each
// count is the customers query of the kpi: filter, so the two always agree; the counts run
// side by side on their own connections.
func ComputeKpis(ctx context.Context, c *ent.Client, env filter.Env, region *enum.Region) (Kpis, error) {
	if err := Allowed(ctx); err != nil {
		return Kpis{}, err
	}
	counts := make([]int, len(status.Kpis))
	g, gctx := errgroup.WithContext(ctx)
	for i, k := range status.Kpis {
		g.Go(func() error {
			q := c.Customer.Query().Where(func(s *sql.Selector) { s.Where(env.Rules.KpiPredicate(s, env.PartnerID, k)) })
			if region != nil {
				q.Where(customer.RegionEQ(*region))
			}
			n, err := q.Count(gctx)
			counts[i] = n
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Kpis{}, fmt.Errorf("compute KPIs: %w", err)
	}
	out := Kpis{Region: region, Counts: map[status.Kpi]int{}}
	for i, k := range status.Kpis {
		out.Counts[k] = counts[i]
	}
	return out, nil
}

// Kpi is one KPI: its count and the customers(query:) string listing its customers.
type Kpi struct {
	Count int
	Query string
}

func (k Kpis) kpi(kpi status.Kpi) *Kpi { return &Kpi{Count: k.Counts[kpi], Query: k.Query(kpi)} }

// TotalCustomers is the customers in scope.
func (k Kpis) TotalCustomers() *Kpi { return k.kpi(status.KpiTotal) }

// ApproachingExpiration is the customers with an expiring, non-renewing subscription.
func (k Kpis) ApproachingExpiration() *Kpi { return k.kpi(status.KpiApproachingExpiration) }

// UpcomingRenewal is the customers with a renewal coming up.
func (k Kpis) UpcomingRenewal() *Kpi { return k.kpi(status.KpiUpcomingRenewal) }

// LowLicenseAssignment is the customers with a low-assignment line.
func (k Kpis) LowLicenseAssignment() *Kpi { return k.kpi(status.KpiLowAssignment) }

// OverLicenseLimit is the customers with a line over its limit.
func (k Kpis) OverLicenseLimit() *Kpi { return k.kpi(status.KpiOverLimit) }
