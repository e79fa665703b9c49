package analytics

import (
	"cmp"
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"sort"

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

// productRatios are the sorted ratios of one product in blocks, each of blockSize ratios
// or a few more or fewer, the blocks in order: a patch copies the blocks whose ratios it
// moves and shares the others (the customers a batch touches have ratios all over the
// order, so copying every ratio would copy the whole partner's lines for each batch).
type productRatios struct {
	blocks []ratioBlock
	n      int
}

// ratioBlock is a run of sorted ratios and, at the same index, the customer of each.
type ratioBlock struct {
	values    []float64
	customers []int
}

// blockSize is the size of the blocks appendSorted makes; none holds twice as many.
const blockSize = 64

// at is the i-th smallest ratio.
func (p productRatios) at(i int) float64 {
	for _, b := range p.blocks {
		if i < len(b.values) {
			return b.values[i]
		}
		i -= len(b.values)
	}
	panic(fmt.Sprintf("analytics: ratio %d of %d", i, p.n))
}

// appendSorted appends sorted ratios (values and their customers) as new blocks.
func (p *productRatios) appendSorted(values []float64, customers []int) {
	for len(values) > 0 {
		n := min(len(values), blockSize)
		if len(values) < 2*blockSize {
			n = len(values) // a last block of up to twice the size rather than a small one
		}
		p.blocks = append(p.blocks, ratioBlock{values: values[:n:n], customers: customers[:n:n]})
		p.n += n
		values, customers = values[n:], customers[n:]
	}
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
	var values [len(out)][]float64
	var customers [len(out)][]int
	for _, r := range rows {
		i := slices.Index(status.ScopeProducts[:], r.Product)
		values[i], customers[i] = append(values[i], r.Ratio), append(customers[i], r.CustomerID)
	}
	for i := range out {
		out[i].appendSorted(values[i], customers[i])
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
// itself is left as it was, and shares with the result the blocks that neither hold a
// ratio of customers nor get one of fresh.
func (rs ratios) moved(customers []int, fresh ratios) ratios {
	touched := newIDSet(customers)
	var out ratios
	for i, old := range rs {
		out[i] = old.moved(touched, fresh[i])
	}
	return out
}

func (p productRatios) moved(touched idSet, fresh productRatios) productRatios {
	var fv []float64
	var fc []int
	for _, b := range fresh.blocks {
		fv, fc = append(fv, b.values...), append(fc, b.customers...)
	}
	out := productRatios{blocks: make([]ratioBlock, 0, len(p.blocks)+1)}
	next := 0 // the first of fresh not merged in
	for i, b := range p.blocks {
		// A fresh ratio goes into the last block whose first ratio is not above it; those
		// below the first block's go into the first.
		end := len(fv)
		if i+1 < len(p.blocks) {
			end = next + sort.SearchFloat64s(fv[next:], p.blocks[i+1].values[0])
		}
		if end == next && !b.holdsAny(touched) {
			out.blocks, out.n = append(out.blocks, b), out.n+len(b.values)
			continue
		}
		out.appendSorted(b.merged(touched, fv[next:end], fc[next:end]))
		next = end
	}
	out.appendSorted(fv[next:], fc[next:]) // with no block before, every fresh ratio
	return out
}

// holdsAny tells whether a ratio of b is of one of the customers.
func (b ratioBlock) holdsAny(customers idSet) bool {
	return slices.ContainsFunc(b.customers, customers.has)
}

// merged returns b's ratios but those of touched, with the sorted fresh ones merged in.
func (b ratioBlock) merged(touched idSet, fv []float64, fc []int) ([]float64, []int) {
	n := len(b.values) + len(fv)
	values, customers := make([]float64, 0, n), make([]int, 0, n)
	next := 0
	for j, v := range b.values {
		if touched.has(b.customers[j]) {
			continue
		}
		for ; next < len(fv) && fv[next] < v; next++ {
			values, customers = append(values, fv[next]), append(customers, fc[next])
		}
		values, customers = append(values, v), append(customers, b.customers[j])
	}
	return append(values, fv[next:]...), append(customers, fc[next:]...)
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
		bar, ok := rules.BarOf(p.n, p.at)
		out[i] = stdsql.NullFloat64{Float64: bar, Valid: ok}
	}
	return out
}
