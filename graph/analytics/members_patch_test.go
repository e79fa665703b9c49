package analytics

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/status"
)

// ratioPair is a ratio and its customer.
type ratioPair struct {
	ratio    float64
	customer int
}

// flat lists p's ratios in order, checking the blocks' shape: none empty, none over twice
// the block size, in order across blocks, and as many as p counts.
func flat(t *testing.T, p productRatios) []ratioPair {
	t.Helper()
	var out []ratioPair
	for i, b := range p.blocks {
		if len(b.values) == 0 || len(b.values) > 2*blockSize || len(b.values) != len(b.customers) {
			t.Fatalf("block %d holds %d ratios and %d customers", i, len(b.values), len(b.customers))
		}
		for j, v := range b.values {
			if len(out) > 0 && v < out[len(out)-1].ratio {
				t.Fatalf("block %d: ratio %g after %g", i, v, out[len(out)-1].ratio)
			}
			out = append(out, ratioPair{v, b.customers[j]})
		}
	}
	if len(out) != p.n {
		t.Fatalf("%d ratios counted, %d held", p.n, len(out))
	}
	return out
}

// sortedPairs are pairs in one order whatever the order of equal ratios.
func sortedPairs(pairs []ratioPair) []ratioPair {
	out := slices.Clone(pairs)
	slices.SortFunc(out, func(a, b ratioPair) int {
		return cmp.Or(cmp.Compare(a.ratio, b.ratio), cmp.Compare(a.customer, b.customer))
	})
	return out
}

// blockOf builds productRatios from pairs as a reading does.
func blockOf(pairs []ratioPair) productRatios {
	pairs = sortedPairs(pairs)
	var p productRatios
	values, customers := make([]float64, len(pairs)), make([]int, len(pairs))
	for i, r := range pairs {
		values[i], customers[i] = r.ratio, r.customer
	}
	p.appendSorted(values, customers)
	return p
}

// TestRatiosMovedAsARereading: patch after patch of a few customers' ratios among
// thousands (ties, customers leaving, new ones, every ratio of a block moved), the blocks
// hold what reading every ratio again would, the median is the same, and the ratios
// patched from are left as they were.
func TestRatiosMovedAsARereading(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ratio := func() float64 { return float64(r.IntN(40)) / 20 } // many ties
	var all []ratioPair                                         // the reference: every customer's ratios
	for c := range 3000 {
		for range 1 + r.IntN(2) {
			all = append(all, ratioPair{ratio(), c})
		}
	}
	p := blockOf(all)
	rules := status.NewRules(now, settings.Partner{}.WithDefaults())
	for step := range 60 {
		var touched []int
		switch {
		case step%7 == 0: // every customer of the lowest ratios, a block or more of them
			for _, x := range sortedPairs(all)[:2*blockSize] {
				touched = append(touched, x.customer)
			}
		default:
			for range 1 + r.IntN(100) {
				touched = append(touched, r.IntN(3100)) // some new customers
			}
		}
		set := map[int]bool{}
		for _, c := range touched {
			set[c] = true
		}
		all = slices.DeleteFunc(all, func(x ratioPair) bool { return set[x.customer] })
		var fresh []ratioPair
		for c := range set {
			for range r.IntN(3) { // none: the customer's lines left
				fresh = append(fresh, ratioPair{ratio(), c})
			}
		}
		all = append(all, fresh...)
		before := flat(t, p)
		moved := p.moved(newIDSet(touched), blockOf(fresh))
		if got := flat(t, p); !slices.Equal(got, before) {
			t.Fatalf("step %d: the ratios patched from changed", step)
		}
		got, want := sortedPairs(flat(t, moved)), sortedPairs(all)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: %d ratios after the patch, %d on a rereading", step, len(got), len(want))
		}
		wantBar, wantOK := rules.BarOf(len(want), func(i int) float64 { return want[i].ratio })
		if bar, ok := rules.BarOf(moved.n, moved.at); bar != wantBar || ok != wantOK {
			t.Fatalf("step %d: bar %g, %v; a rereading's %g, %v", step, bar, ok, wantBar, wantOK)
		}
		p = moved
	}
}

// TestMembersPatchCopiesWhatItChanges: a patch of a few of many members counts as the
// members read anew would, leaves the members it was made from as they were, and copies
// only the chunks of rows it writes.
func TestMembersPatchCopiesWhatItChanges(t *testing.T) {
	const n = 1000
	eu := uint8(slices.Index(regions, string(enum.RegionEU)))
	rows := make([]Member, n)
	for i := range rows {
		rows[i] = Member{kpis: 1, region: eu}
	}
	m := Members{at: map[int]int32{}, rows: rowsOf(rows)}
	for i := range n {
		m.at[i] = int32(i)
	}
	count := func(m Members) int { return m.Count(nil, nil).Counts[status.Kpis[0]] }
	// Customers 3 and 500 leave their KPI, 7 leaves the scope, 1000 and 1001 come in.
	fresh := map[int]Member{3: {region: eu}, 500: {region: eu}, 1000: {kpis: 1, region: eu}, 1001: {kpis: 1, region: eu}}
	out := m.with([]int{3, 7, 500, 1000, 1001}, fresh, ratios{}, status.NewRules(now, settings.Partner{}.WithDefaults()))
	if got, want := count(out), n-3+2; got != want {
		t.Errorf("patched: %d customers in the first KPI, want %d", got, want)
	}
	if got := count(m); got != n {
		t.Errorf("the members patched from count %d customers, want %d as before", got, n)
	}
	if out.rows.len() != n+2 || out.rows.get(out.at[1001]).kpis != 1 || !out.rows.get(out.at[7]).out {
		t.Errorf("patched rows: %d, customer 1001 at %d, customer 7 %+v", out.rows.len(), out.at[1001], out.rows.get(out.at[7]))
	}
	var copied []int
	for c := range m.rows {
		if &out.rows[c][0] != &m.rows[c][0] {
			copied = append(copied, c)
		}
	}
	// Rows 3 and 7 are in chunk 0, row 500 in chunk 7, the new ones at the end (chunk 15).
	if want := []int{0, 500 / memberChunk, n / memberChunk}; fmt.Sprint(copied) != fmt.Sprint(want) {
		t.Errorf("chunks copied: %v, want %v", copied, want)
	}
}
