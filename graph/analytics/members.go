package analytics

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/graph/filter"
)

// Members are the KPIs each customer of a partner in the KPIs' scope counts in, by
// customer ID: computed once for the whole partner, they give the KPIs of any set of its
// customers without asking the database again.
type Members map[int]Member

// Member is one customer's region and KPIs (bit i: status.Kpis[i]).
type Member struct {
	Region enum.Region
	Kpis   int
}

// KpiMembers reads the Members of the partner of env in one statement, each KPI by its
// customers query's condition (KpiPredicate), as ComputeKpis counts them. ctx must see
// every customer of the partner.
func KpiMembers(ctx context.Context, c *ent.Client, env filter.Env) (Members, error) {
	var rows []struct {
		ID     int    `json:"id"`
		Region string `json:"region"`
		Kpis   int    `json:"kpis"`
	}
	err := c.Customer.Query().Where(customer.PartnerID(env.PartnerID)).Modify(func(s *sql.Selector) {
		s.Where(env.Rules.InKpiScope(s))
		s.Select(s.C(customer.FieldID), s.C(customer.FieldRegion)).AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("0")
			for i, k := range status.Kpis {
				b.WriteString(" + CASE WHEN ").Join(env.Rules.KpiPredicate(s, env.PartnerID, k)).
					WriteString(" THEN " + strconv.Itoa(1<<i) + " ELSE 0 END")
			}
		}), "kpis")
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read KPI members: %w", err)
	}
	out := make(Members, len(rows))
	for _, r := range rows {
		out[r.ID] = Member{Region: enum.Region(r.Region), Kpis: r.Kpis}
	}
	return out, nil
}

// Count counts the KPIs of the visible customers, optionally in one region.
func (m Members) Count(visible map[int]bool, region *enum.Region) Kpis {
	out := Kpis{Region: region, Counts: map[status.Kpi]int{}}
	for _, k := range status.Kpis {
		out.Counts[k] = 0
	}
	for id := range visible {
		c, ok := m[id]
		if !ok || region != nil && c.Region != *region {
			continue
		}
		for i, k := range status.Kpis {
			if c.Kpis&(1<<i) != 0 {
				out.Counts[k]++
			}
		}
	}
	return out
}
