package analytics

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/graph/filter"
)

// Members are the KPIs each customer of a partner in the KPIs' scope counts in, with the
// partner's low-assignment bars and the assignment ratios they are worked out from: read
// once for the whole partner, they give the KPIs of any set of its customers without asking
// the database again, and a change of a few customers is brought in by reading those
// customers alone (Patch), the bars included. A patch copies only the chunks of rows and
// the blocks of ratios it changes and shares the rest with the members it was made from: a
// batch touching a hundred customers of a hundred thousand allocates a few hundred
// kilobytes, not the whole partner's members. The rows hold no pointers: the collector
// does not walk them.
type Members struct {
	at     map[int]int32 // row of each customer ID; shared by patches that add no customer
	rows   memberRows
	ratios ratios
	bars   Bars
}

// memberRows are the members in chunks of memberChunk, the last one possibly shorter;
// a chunk is never written once a Members holds it.
type memberRows [][]Member

// memberChunk is the members of a chunk.
const memberChunk = 64

// get returns row i.
func (r memberRows) get(i int32) Member { return r[i/memberChunk][i%memberChunk] }

// len counts the rows.
func (r memberRows) len() int {
	if len(r) == 0 {
		return 0
	}
	return (len(r)-1)*memberChunk + len(r[len(r)-1])
}

// rowsOf cuts rows into chunks.
func rowsOf(rows []Member) memberRows {
	var out memberRows
	for c := range slices.Chunk(rows, memberChunk) {
		out = append(out, c[:len(c):len(c)])
	}
	return out
}

// rowWriter writes the rows of a patch, copying each chunk it writes first, once.
type rowWriter struct {
	rows   memberRows
	copied map[int32]bool
}

// own returns chunk c, copied for the patch.
func (w *rowWriter) own(c int32) []Member {
	if !w.copied[c] {
		w.rows[c] = append(make([]Member, 0, memberChunk), w.rows[c]...)
		w.copied[c] = true
	}
	return w.rows[c]
}

// set writes row i.
func (w *rowWriter) set(i int32, m Member) { w.own(i / memberChunk)[i%memberChunk] = m }

// add appends a row and returns its index.
func (w *rowWriter) add(m Member) int32 {
	i := int32(w.rows.len())
	if i%memberChunk == 0 {
		w.rows = append(w.rows, make([]Member, 0, memberChunk))
		w.copied[i/memberChunk] = true
	}
	c := i / memberChunk
	w.rows[c] = append(w.own(c), m)
	return i
}

// Member is one customer's region (its index in enum.Region's values), the KPIs it counts
// in but low assignment (bit i: status.Kpis[i]), and, per KPI product, the lowest
// assignment ratio of its lines measured against the bar (status.LowCandidateOf; +Inf for
// none): it counts in low assignment when one of them is below its product's bar, which
// lines of any customer move. A customer that left the KPIs' scope keeps a row, out.
type Member struct {
	region uint8
	out    bool
	kpis   int32
	lowest [len(status.ScopeProducts)]float64
}

// regions are enum.Region's values, in the order of Member.region.
var regions = enum.Region("").Values()

// Bars are the partner's low-assignment bars of the KPI products (status.Bar), in the
// order of status.ScopeProducts; a bar is null when no line is measured against it.
type Bars [len(status.ScopeProducts)]stdsql.NullFloat64

// The rows of readMembers and lowBars have a column per KPI product: two.
var _ [2]struct{} = [len(status.ScopeProducts)]struct{}{}

// lowBit is the bit of low assignment in Member.Kpis' numbering.
var lowBit = func() int {
	for i, k := range status.Kpis {
		if k == status.KpiLowAssignment {
			return 1 << i
		}
	}
	panic("analytics: no low-assignment KPI")
}()

// KpiMembers reads the Members of the partner of env in two statements (the customers, the
// ratios of the lines), each KPI by its customers query's condition (KpiPredicate), as
// ComputeKpis counts them. ctx must see every customer of the partner.
func KpiMembers(ctx context.Context, c *ent.Client, env filter.Env) (Members, error) {
	fresh, err := readMembers(ctx, c, env, nil)
	if err != nil {
		return Members{}, err
	}
	rs, err := readRatios(ctx, c, env, nil)
	if err != nil {
		return Members{}, err
	}
	m := Members{at: make(map[int]int32, len(fresh)), ratios: rs, bars: rs.bars(env.Rules)}
	rows := make([]Member, 0, len(fresh))
	for id, row := range fresh {
		m.at[id] = int32(len(rows))
		rows = append(rows, row)
	}
	m.rows = rowsOf(rows)
	return m, nil
}

// Patch returns m with the members of customers and the ratios of their lines read anew
// (two statements), and the bars worked out again, as KpiMembers would read them now; m
// itself is left as it was. ctx must see every customer of the partner.
func (m Members) Patch(ctx context.Context, c *ent.Client, env filter.Env, customers []int) (Members, error) {
	fresh, rs := map[int]Member{}, m.ratios
	if len(customers) > 0 {
		var err error
		if fresh, err = readMembers(ctx, c, env, customers); err != nil {
			return Members{}, err
		}
		moved, err := readRatios(ctx, c, env, customers)
		if err != nil {
			return Members{}, err
		}
		rs = rs.moved(customers, moved)
	}
	return m.with(customers, fresh, rs, env.Rules), nil
}

// with returns m with the members of customers replaced by fresh (a customer missing
// from it has left the KPIs' scope), and with the ratios rs and the bars they give under
// rules; m itself is left as it was.
func (m Members) with(customers []int, fresh map[int]Member, rs ratios, rules status.Rules) Members {
	out := Members{at: m.at, ratios: rs, bars: rs.bars(rules)}
	w := rowWriter{rows: slices.Clone(m.rows), copied: map[int32]bool{}}
	shared := true // out.at is m.at
	for _, id := range customers {
		row, ok := fresh[id]
		if !ok {
			row.out = true
		}
		i, known := out.at[id]
		switch {
		case known:
			w.set(i, row)
		case ok:
			if shared {
				out.at, shared = maps.Clone(m.at), false
			}
			out.at[id] = w.add(row)
		}
	}
	out.rows = w.rows
	return out
}

// readMembers reads the members among ids (every customer of the partner when nil) in one
// statement; the lowest ratios come from one aggregate of the lines per KPI product.
func readMembers(ctx context.Context, c *ent.Client, env filter.Env, ids []int) (map[int]Member, error) {
	var rows []struct {
		ID     int                `json:"id"`
		Region string             `json:"region"`
		Kpis   int                `json:"kpis"`
		Low0   stdsql.NullFloat64 `json:"low0"`
		Low1   stdsql.NullFloat64 `json:"low1"`
	}
	q := c.Customer.Query().Where(customer.PartnerID(env.PartnerID))
	if ids != nil {
		q.Where(customer.IDIn(ids...))
	}
	err := q.Modify(func(s *sql.Selector) {
		s.Where(env.Rules.InKpiScope(s))
		s.Select(s.C(customer.FieldID), s.C(customer.FieldRegion)).AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("0")
			for i, k := range status.Kpis {
				if k == status.KpiLowAssignment {
					continue
				}
				b.WriteString(" + CASE WHEN ").Join(env.Rules.KpiPredicateAmong(s, env.PartnerID, k, ids)).
					WriteString(" THEN " + strconv.Itoa(1<<i) + " ELSE 0 END")
			}
		}), "kpis")
		for i, p := range status.ScopeProducts {
			t := sql.Table(license.Table).As("low_l" + strconv.Itoa(i))
			lowest := sql.Select(t.C(license.FieldCustomerID), sql.As(sql.Min(t.C(license.FieldAssignmentRatio)), "lowest")).From(t).
				Where(sql.And(append(env.Rules.LowCandidateOf(t, p), sql.EQ(t.C(license.FieldPartnerID), env.PartnerID))...)).
				GroupBy(t.C(license.FieldCustomerID))
			if ids != nil {
				lowest.Where(sql.InInts(t.C(license.FieldCustomerID), ids...))
			}
			as := "low" + strconv.Itoa(i)
			lowest.As(as)
			s.LeftJoin(lowest).On(s.C(customer.FieldID), lowest.C(license.FieldCustomerID))
			s.AppendSelectAs(lowest.C("lowest"), as)
		}
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read KPI members: %w", err)
	}
	out := make(map[int]Member, len(rows))
	for _, r := range rows {
		m := Member{region: uint8(slices.Index(regions, r.Region)), kpis: int32(r.Kpis)}
		for i, low := range [...]stdsql.NullFloat64{r.Low0, r.Low1} {
			m.lowest[i] = math.Inf(1)
			if low.Valid {
				m.lowest[i] = low.Float64
			}
		}
		out[r.ID] = m
	}
	return out, nil
}

// Bars are the low-assignment bars the members were counted with.
func (m Members) Bars() Bars { return m.bars }

// counted returns the KPIs m counts in under bars (bit i: status.Kpis[i]).
func (m Member) counted(bars Bars) int {
	for i, bar := range bars {
		if bar.Valid && m.lowest[i] < bar.Float64 {
			return int(m.kpis) | lowBit
		}
	}
	return int(m.kpis)
}

// Count counts the KPIs of the visible customers (every member when nil), optionally in
// one region.
func (m Members) Count(visible map[int]bool, region *enum.Region) Kpis {
	counts := make([]int, len(status.Kpis))
	want := -1
	if region != nil {
		want = slices.Index(regions, string(*region))
	}
	count := func(c Member) {
		if c.out || want >= 0 && int(c.region) != want {
			return
		}
		bits := c.counted(m.bars)
		for i := range status.Kpis {
			if bits&(1<<i) != 0 {
				counts[i]++
			}
		}
	}
	if visible == nil {
		for _, chunk := range m.rows {
			for _, c := range chunk {
				count(c)
			}
		}
	} else {
		for id := range visible {
			if i, ok := m.at[id]; ok {
				count(m.rows.get(i))
			}
		}
	}
	out := Kpis{Region: region, Counts: map[status.Kpi]int{}}
	for i, k := range status.Kpis {
		out.Counts[k] = counts[i]
	}
	return out
}
