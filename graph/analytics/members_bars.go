package analytics

import (
	"cmp"
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/graph/filter"
)

// ratios are, per KPI product (in the order of status.ScopeProducts), the assignment
// ratios of the partner's ACTIVE lines, sorted, each with its line's customer: the
// low-assignment bars are worked out from them (status.Rules.BarOf), and a patch moves
// those of the customers it reads again instead of asking the database for the medians.
type ratios [len(status.ScopeProducts)]productRatios

// productRatios are the sorted ratios of one product and, at the same index, the customer
// of each.
type productRatios struct {
	values    []float64
	customers []int
}

// readRatios reads the ratios of the lines of ids (of every customer of the partner when
// nil) in one statement.
func readRatios(ctx context.Context, c *ent.Client, env filter.Env, ids []int) (ratios, error) {
	var rows []ratioRow
	q := c.License.Query().Where(license.PartnerID(env.PartnerID), license.ProductIn(status.ScopeProducts[:]...),
		license.AssignmentRatioNotNil(), func(s *sql.Selector) { s.Where(status.ActiveLine(sql.Table(license.Table))) })
	if ids != nil {
		q.Where(license.CustomerIDIn(ids...))
	}
	var out ratios
	if err := q.Select(license.FieldCustomerID, license.FieldProduct, license.FieldAssignmentRatio).Scan(ctx, &rows); err != nil {
		return out, fmt.Errorf("read assignment ratios: %w", err)
	}
	slices.SortFunc(rows, func(a, b ratioRow) int { return cmp.Compare(a.Ratio, b.Ratio) })
	for _, r := range rows {
		p := &out[slices.Index(status.ScopeProducts[:], r.Product)]
		p.values, p.customers = append(p.values, r.Ratio), append(p.customers, r.CustomerID)
	}
	return out, nil
}

// ratioRow is a line's ratio as readRatios reads it.
type ratioRow struct {
	CustomerID int          `json:"customer_id"`
	Product    enum.Product `json:"product"`
	Ratio      float64      `json:"assignment_ratio"`
}

// moved returns rs with the ratios of customers replaced by fresh, theirs read anew; rs
// itself is left as it was. One pass over each product's ratios merges them in.
func (rs ratios) moved(customers []int, fresh ratios) ratios {
	touched := newIDSet(customers)
	var out ratios
	for i, old := range rs {
		f := fresh[i]
		n := len(old.values) + len(f.values)
		p := productRatios{values: make([]float64, 0, n), customers: make([]int, 0, n)}
		next := 0 // the first of f not merged in
		for j, v := range old.values {
			if touched.has(old.customers[j]) {
				continue
			}
			for ; next < len(f.values) && f.values[next] < v; next++ {
				p.values, p.customers = append(p.values, f.values[next]), append(p.customers, f.customers[next])
			}
			p.values, p.customers = append(p.values, v), append(p.customers, old.customers[j])
		}
		p.values, p.customers = append(p.values, f.values[next:]...), append(p.customers, f.customers[next:]...)
		out[i] = p
	}
	return out
}

// idSet is a set of IDs as bits over the range from the least to the greatest: asked once
// per ratio of the partner, it answers with a shift where a map would hash.
type idSet struct {
	least int
	bits  []uint64
}

func newIDSet(ids []int) idSet {
	if len(ids) == 0 {
		return idSet{}
	}
	s := idSet{least: slices.Min(ids)}
	s.bits = make([]uint64, (slices.Max(ids)-s.least)/64+1)
	for _, id := range ids {
		i := id - s.least
		s.bits[i/64] |= 1 << (i % 64)
	}
	return s
}

func (s idSet) has(id int) bool {
	i := id - s.least
	return i >= 0 && i/64 < len(s.bits) && s.bits[i/64]&(1<<(i%64)) != 0
}

// bars are the low-assignment bars the ratios give under rules.
func (rs ratios) bars(rules status.Rules) Bars {
	var out Bars
	for i, p := range rs {
		bar, ok := rules.BarOf(p.values)
		out[i] = stdsql.NullFloat64{Float64: bar, Valid: ok}
	}
	return out
}
