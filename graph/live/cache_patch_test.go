package live

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// TestGetPatched: a stored value that changes naming their customers made stale is patched
// with those customers, once, and keeps the changes after the patch's lookup for the next
// one; a change of many customers, of everything, or of a kind read that cannot be patched
// computes it anew; a change of a kind not read keeps it.
func TestGetPatched(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	s := Scope{PartnerID: 7, Name: "partner", Reads: []change.Kind{"License", "Partner"}}
	patchable := []change.Kind{"License"}
	var computed int
	var patches [][]int
	var during func() // runs inside the next patch
	get := func() []int {
		t.Helper()
		v, err := GetPatched(context.Background(), c, s, "members", patchable,
			func(context.Context) ([]int, error) {
				computed++
				return []int{0}, nil
			},
			func(_ context.Context, old []int, customers []int) ([]int, error) {
				slices.Sort(customers)
				patches = append(patches, customers)
				if during != nil {
					during()
					during = nil
				}
				return append(slices.Clone(old), customers...), nil
			})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	licenses := func(ids ...int) Change {
		return Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License", "AuditEvent"}, Customers: ids}}
	}
	get()
	broker.deliver(licenses(3, 1))
	broker.deliver(licenses(1, 2))
	broker.deliver(Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"Admin"}, Many: true}}) // not read
	if got := get(); !slices.Equal(got, []int{0, 1, 2, 3}) || computed != 1 || len(patches) != 1 {
		t.Fatalf("after two changes of licenses: %v, %d computations, patches %v; want [0 1 2 3], 1, one patch", got, computed, patches)
	}
	if got := get(); len(got) != 4 || len(patches) != 1 {
		t.Errorf("a second lookup patched again: %v, patches %v", got, patches)
	}
	// A change arriving while a patch runs is not counted as seen by it.
	during = func() { broker.deliver(licenses(9)) }
	broker.deliver(licenses(5))
	get()
	if got := get(); !slices.Equal(got, []int{0, 1, 2, 3, 5, 9}) || len(patches) != 3 {
		t.Errorf("after a change during a patch: %v, patches %v; want customer 9 patched in the next lookup", got, patches)
	}
	for _, ch := range []Change{
		{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License"}, Many: true}},
		Everything(7),
		{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"Partner"}}},
	} {
		before := computed
		broker.deliver(ch)
		if got := get(); !slices.Equal(got, []int{0}) || computed != before+1 {
			t.Errorf("after %+v: %v, %d computations; want [0] computed anew", ch.Set, got, computed-before)
		}
	}
}

// TestStoredPatched: StoredPatched serves a stored value, patched when changes of named
// customers made it stale, and never computes one: nothing stored, or a change it cannot
// patch, gives ok false.
func TestStoredPatched(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	s := Scope{PartnerID: 7, Name: "partner", Reads: []change.Kind{"License"}}
	patch := func(_ context.Context, old []int, customers []int) ([]int, error) {
		return append(slices.Clone(old), customers...), nil
	}
	stored := func() ([]int, bool) {
		t.Helper()
		v, ok, err := StoredPatched(context.Background(), c, s, "members", []change.Kind{"License"}, patch)
		if err != nil {
			t.Fatal(err)
		}
		return v, ok
	}
	if v, ok := stored(); ok {
		t.Fatalf("nothing stored: got %v", v)
	}
	if _, err := Get(context.Background(), c, s, "members", func(context.Context) ([]int, error) { return []int{0}, nil }); err != nil {
		t.Fatal(err)
	}
	broker.deliver(Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License"}, Customers: []int{4}}})
	if v, ok := stored(); !ok || !slices.Equal(v, []int{0, 4}) {
		t.Errorf("after a change of customer 4: %v, %v; want [0 4] patched", v, ok)
	}
	broker.deliver(Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License"}, Many: true}})
	if v, ok := stored(); ok {
		t.Errorf("after a change of many customers: got %v, want nothing", v)
	}
}

// TestKnown: a result is known once stored, and stays known when a change makes it stale,
// until it outlives MaxAge; with MaxAge 0 (the cache off) nothing is ever known.
func TestKnown(t *testing.T) {
	broker := NewLocal()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := Scope{PartnerID: 7, Name: "partner"}
	compute := func(context.Context) (int, error) { return 1, nil }
	for _, tc := range []struct {
		maxAge time.Duration
		want   []bool // before, once stored, after a change, a minute later
	}{
		{time.Minute, []bool{false, true, true, false}},
		{0, []bool{false, false, false, false}},
	} {
		c := NewCache(broker, tc.maxAge, clock)
		now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		got := []bool{Known(c, s, "k")}
		if _, err := Get(context.Background(), c, s, "k", compute); err != nil {
			t.Fatal(err)
		}
		got = append(got, Known(c, s, "k"))
		broker.deliver(Change{PartnerID: 7, Set: change.Everything()})
		got = append(got, Known(c, s, "k"))
		now = now.Add(time.Minute)
		got = append(got, Known(c, s, "k"))
		if !slices.Equal(got, tc.want) {
			t.Errorf("MaxAge %s: known %v, want %v", tc.maxAge, got, tc.want)
		}
	}
}
