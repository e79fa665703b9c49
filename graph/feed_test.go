package graph

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
)

// TestLiveKpisCoalesce drives the live KPIs of two subscribers of one scope with a pacing
// clock the test controls: the first change is sent at once; changes during the pause that
// follows send nothing and compute nothing until it ends, and then one computation sends
// both subscribers the figures after the last; a change that leaves the figures equal
// sends nothing.
func TestLiveKpisCoalesce(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Coalesce")
	pauses := make(chan chan time.Time, 10)
	h.resolver.kpiFeeds.interval = 250 * time.Millisecond
	h.resolver.kpiFeeds.after = func(d time.Duration) <-chan time.Time {
		if d < 0 || d > 250*time.Millisecond {
			t.Errorf("paused %s, want what is left of 250ms after the computation", d)
		}
		ch := make(chan time.Time, 1)
		pauses <- ch
		return ch
	}
	customer := func(name string) {
		h.mustCustomer(w, customerSpec{name: name, subs: []subSpec{{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(365),
			lines: []lineSpec{{product: enum.ProductCalling, total: 10, assigned: 5, used: 3, used90d: 4}}}}})
		h.announce(w.partner.ID)
	}
	customer("First")
	ctx, cancel := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: w.partner.ID, AdminID: w.full.ID, Role: w.full.Role}))
	defer cancel()
	var subs []<-chan *analytics.Kpis
	for range 2 {
		ch, err := h.resolver.kpiStream(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if k := <-ch; k.Counts[status.KpiTotal] != 1 {
			t.Fatalf("first KPIs: total %d, want 1", k.Counts[status.KpiTotal])
		}
		subs = append(subs, ch)
	}
	computed := func() (n uint64) {
		for k, c := range h.resolver.Cache.Recomputations() {
			if k.Scope == "all" {
				n += c
			}
		}
		return n
	}
	expect := func(step string, total int) {
		t.Helper()
		for i, ch := range subs {
			select {
			case k := <-ch:
				if k.Counts[status.KpiTotal] != total {
					t.Errorf("%s: subscriber %d got total %d, want %d", step, i, k.Counts[status.KpiTotal], total)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: subscriber %d got nothing, want total %d", step, i, total)
			}
		}
	}
	expectNothing := func(step string) {
		t.Helper()
		for i, ch := range subs {
			select {
			case k := <-ch:
				t.Errorf("%s: subscriber %d got total %d, want no message", step, i, k.Counts[status.KpiTotal])
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	pause := func() chan time.Time {
		t.Helper()
		select {
		case p := <-pauses:
			return p
		case <-time.After(5 * time.Second):
			t.Fatal("the feed did not pause after computing")
			return nil
		}
	}

	before := computed()
	customer("Second")
	expect("FirstChangeAtOnce", 2)
	p := pause()
	if n := computed() - before; n != 1 {
		t.Errorf("first change: %d computations, want 1 for both subscribers", n)
	}

	before = computed()
	customer("Third")
	customer("Fourth")
	expectNothing("BurstDuringPause")
	if n := computed() - before; n != 0 {
		t.Errorf("burst during the pause: %d computations, want 0", n)
	}
	p <- time.Now()
	expect("LatestAfterPause", 4)
	p = pause()
	if n := computed() - before; n != 1 {
		t.Errorf("burst of 2 changes: %d computations after the pause, want 1", n)
	}

	p <- time.Now()
	h.client.Customer.Update().SetName("Renamed").ExecX(h.sys)
	h.announce(w.partner.ID)
	pause() <- time.Now()
	expectNothing("EqualFigures")
}
