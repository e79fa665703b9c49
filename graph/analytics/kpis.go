// Package analytics computes the partner dashboard: headline KPIs (DESIGN §4.2) and the
// subscription analytics of one product (DESIGN §4.3), in SQL, for the viewer's customers.
package analytics

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/status"
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

// ComputeKpis counts the visible customers of every KPI, optionally in one region, in one
// statement once the low-assignment bars are known; each count uses the same rule as the
// kpi: filter, evaluated for all customers at once.
func ComputeKpis(ctx context.Context, c *ent.Client, env filter.Env, region *enum.Region) (Kpis, error) {
	var rows []struct {
		K0 int64 `json:"k0"`
		K1 int64 `json:"k1"`
		K2 int64 `json:"k2"`
		K3 int64 `json:"k3"`
		K4 int64 `json:"k4"`
	}
	rules, err := env.Rules.WithBars(ctx, c, env.PartnerID)
	if err != nil {
		return Kpis{}, err
	}
	q := c.Customer.Query()
	if region != nil {
		q.Where(customer.RegionEQ(*region))
	}
	err = q.Modify(func(s *sql.Selector) {
		s.Select()
		for i, flag := range rules.KpiFlags(s, env.PartnerID) {
			s.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("COALESCE(SUM(").Join(flag).WriteString("), 0)")
			}), fmt.Sprintf("k%d", i))
		}
	}).Scan(ctx, &rows)
	if err != nil {
		return Kpis{}, fmt.Errorf("compute KPIs: %w", err)
	}
	out := Kpis{Region: region, Counts: map[status.Kpi]int{}}
	if len(rows) == 1 {
		r := rows[0]
		for i, n := range []int64{r.K0, r.K1, r.K2, r.K3, r.K4} {
			out.Counts[status.Kpis[i]] = int(n)
		}
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
