package graph

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
)

// TestMutationsRetryDeadlocks: two mutations writing the same two customers in opposite
// orders at once both succeed. On PostgreSQL the database aborts one of them to break the
// deadlock, and it runs again once the other committed (three runs in all); SQLite runs
// one transaction at a time, so they run one after the other (two runs).
func TestMutationsRetryDeadlocks(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Deadlock")
	customer := func(name string) *ent.Customer {
		return h.client.Customer.Create().SetPartnerID(w.partner.ID).SetName(name).SetOrgID("org-" + name).
			SetRegion(enum.RegionEU).SetCountry("DE").SaveX(h.sys)
	}
	a, b := customer("A"), customer("B")
	ctx := viewer.NewContext(context.Background(), viewer.SystemOf(w.partner.ID))
	var firstWrites sync.WaitGroup // each mutation's first write, in its first run
	firstWrites.Add(2)
	var runs atomic.Int32
	rename := func(first, second *ent.Customer, to string) error {
		run := 0
		_, err := audit.Run(ctx, h.resolver.Audit, "rename", func(*viewer.Viewer) bool { return true },
			func(ctx context.Context, tx *ent.Tx) (int, audit.Change, error) {
				runs.Add(1)
				run++
				if err := tx.Customer.UpdateOne(first).SetName(to).Exec(ctx); err != nil {
					return 0, audit.Change{}, err
				}
				if run == 1 {
					// Wait for the other's first write (on SQLite it waits for this
					// transaction to end: go on after a while).
					firstWrites.Done()
					waited := make(chan struct{})
					go func() { firstWrites.Wait(); close(waited) }()
					select {
					case <-waited:
					case <-time.After(300 * time.Millisecond):
					}
				}
				if err := tx.Customer.UpdateOne(second).SetName(to).Exec(ctx); err != nil {
					return 0, audit.Change{}, err
				}
				return 1, audit.Change{Targets: []string{first.GlobalID(), second.GlobalID()}, Summary: "renamed to " + to}, nil
			})
		return err
	}
	errs := make(chan error, 2)
	go func() { errs <- rename(a, b, "One") }()
	go func() { errs <- rename(b, a, "Two") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a mutation failed: %v", err)
		}
	}
	want := int32(2)
	if h.db.Dialect == dialect.Postgres {
		want = 3
	}
	if got := runs.Load(); got != want {
		t.Errorf("%d runs of the two mutations, want %d", got, want)
	}
	names := map[string]bool{}
	for _, c := range []*ent.Customer{a, b} {
		names[h.client.Customer.GetX(h.sys, c.ID).Name] = true
	}
	if len(names) != 1 {
		t.Errorf("the customers are named %v, want both by the mutation that committed last", names)
	}
}
