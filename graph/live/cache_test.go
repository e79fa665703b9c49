package live

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// TestCacheCollapsesIdenticalComputations checks that callers asking for the same key at
// once share one computation, and that a change notification makes the next caller
// compute afresh.
func TestCacheCollapsesIdenticalComputations(t *testing.T) {
	broker := NewLocal()
	// MaxAge 0: nothing stored is reused, so only the collapsing of concurrent calls
	// can keep the computations down to one.
	c := NewCache(broker, 0, time.Now)
	var computed, waiting atomic.Int32
	release := make(chan struct{})
	compute := func(context.Context) (int, error) {
		computed.Add(1)
		<-release
		return 42, nil
	}
	const callers = 10
	var wg sync.WaitGroup
	results := make([]int, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			waiting.Add(1)
			v, err := Get(context.Background(), c, Scope{PartnerID: 7}, "kpis", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		}()
	}
	for waiting.Load() < callers {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the last callers reach the computation
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("%d computations for %d concurrent callers, want 1", n, callers)
	}
	for i, v := range results {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
}

// TestCacheInvalidation checks that a stored result is reused until a change that may
// alter it: of its partner, of a kind of row it reads and, for a scope that sees some
// customers, of one of them, or of the partner-wide figure it depends on.
func TestCacheInvalidation(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	var computed atomic.Int32
	bar := "0.25"
	scopes := map[string]Scope{
		"all": {PartnerID: 7, Name: "all", Reads: []change.Kind{"License", "Partner"}},
		"admin": {PartnerID: 7, Name: "admin:1", Reads: []change.Kind{"License", "Partner"}, Visible: map[int]bool{10: true},
			Global: []change.Kind{"Partner"}, Shared: []change.Kind{"License"},
			Check: func(context.Context) (any, error) { return bar, nil }},
	}
	results := map[string]int32{}
	get := func(name string) int32 {
		v, err := Get(context.Background(), c, scopes[name], "kpis", func(context.Context) (int32, error) { return computed.Add(1), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lines := func(customers ...int) Change {
		return Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License"}, Customers: customers}}
	}
	steps := []struct {
		name   string
		change *Change
		bar    string
		fresh  []string // scopes whose result is computed afresh
	}{
		{name: "FirstComputes", fresh: []string{"all", "admin"}},
		{name: "SecondReuses"},
		{name: "OtherPartnerKeeps", change: &Change{PartnerID: 8, Set: change.Everything()}},
		{name: "UnreadKindKeeps", change: &Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"CallLeg"}, Many: true}}},
		{name: "OtherCustomerKeepsAdmin", change: ptr(lines(20)), fresh: []string{"all"}},
		{name: "OtherCustomerMovingBarRecomputesAdmin", change: ptr(lines(20)), bar: "0.3", fresh: []string{"all", "admin"}},
		{name: "VisibleCustomerRecomputes", change: ptr(lines(10, 20)), fresh: []string{"all", "admin"}},
		{name: "ManyRecomputes", change: &Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"License"}, Many: true}}, fresh: []string{"all", "admin"}},
		{name: "GlobalKindRecomputes", change: &Change{PartnerID: 7, Set: change.Set{Kinds: []change.Kind{"Partner"}, Customers: []int{20}}}, fresh: []string{"all", "admin"}},
		{name: "LostConnectionRecomputes", change: ptr(Everything(0)), fresh: []string{"all", "admin"}},
	}
	for _, s := range steps {
		if s.bar != "" {
			bar = s.bar
		}
		if s.change != nil {
			broker.deliver(*s.change)
		}
		for _, name := range []string{"all", "admin"} {
			before := computed.Load()
			got := get(name)
			if fresh := got > before; fresh != slices.Contains(s.fresh, name) {
				t.Errorf("%s: %s computed afresh: %v, want %v", s.name, name, fresh, !fresh)
			}
			if !slices.Contains(s.fresh, name) && got != results[name] {
				t.Errorf("%s: %s got computation %d, want the stored %d", s.name, name, got, results[name])
			}
			results[name] = got
		}
	}
	if n := c.Recomputations()[Recomputation{ReasonShared, "admin"}]; n != 1 {
		t.Errorf("%d recomputations for a moved partner-wide figure, want 1", n)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCachePacesRecomputations checks that a result a change may have altered is served as
// it is within MinInterval of its computation, served as it is and renewed in the
// background on the first lookup after, or recomputed at once under a Strict context.
func TestCachePacesRecomputations(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	c.MinInterval = 250 * time.Millisecond
	var tick atomic.Int64 // the tick clock, in nanoseconds: a background renewal reads it
	c.SetTick(func() time.Time { return time.Unix(0, tick.Load()) })
	var computed atomic.Int32
	get := func(ctx context.Context) int32 {
		v, err := Get(ctx, c, Scope{PartnerID: 7, Name: "all"}, "kpis", func(context.Context) (int32, error) { return computed.Add(1), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	bg := context.Background()
	steps := []struct {
		name    string
		advance time.Duration
		change  bool
		ctx     context.Context
		want    int32
	}{
		{"FirstComputes", 0, false, bg, 1},
		{"ChangeWithinIntervalServesStored", 100 * time.Millisecond, true, bg, 1},
		{"StillWithinInterval", 100 * time.Millisecond, true, bg, 1},
		{"AfterIntervalServesStoredAndRenews", 50 * time.Millisecond, false, bg, 1},
		{"RenewedInTheBackground", 0, false, bg, 2},
		{"StrictRecomputesWithinInterval", 10 * time.Millisecond, true, Strict(bg), 3},
		{"UnchangedWithinIntervalKeeps", 10 * time.Millisecond, false, Strict(bg), 3},
	}
	for _, s := range steps {
		tick.Add(int64(s.advance))
		if s.change {
			broker.deliver(Everything(7))
		}
		if s.name == "RenewedInTheBackground" {
			waitFor(t, func() bool { return Fresh(c, Scope{PartnerID: 7, Name: "all"}, "kpis") })
		}
		if got := get(s.ctx); got != s.want {
			t.Errorf("%s: got computation %d, want %d", s.name, got, s.want)
		}
	}
}

// waitFor waits up to 5 s for done.
func waitFor(t *testing.T, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !done(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// TestCacheCoalescesAcrossChanges checks that changes arriving while a result is computed
// do not start computations beside it: the callers who heard of them wait, and then share
// one computation that follows every change.
func TestCacheCoalescesAcrossChanges(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	var computed, running, most atomic.Int32
	started := make(chan struct{}, 10)
	release := make(chan struct{})
	compute := func(context.Context) (int32, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		v := computed.Add(1)
		started <- struct{}{}
		<-release
		return v, nil
	}
	scope := Scope{PartnerID: 7, Name: "all"}
	var wg sync.WaitGroup
	results := make([]int32, 3)
	get := func(i int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := Get(Strict(context.Background()), c, scope, "kpis", compute)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		}()
	}
	get(0)
	<-started
	for i := 1; i < 3; i++ {
		broker.Publish(context.Background(), Everything(7))
		get(i)
	}
	time.Sleep(50 * time.Millisecond) // let the later callers wait
	release <- struct{}{}
	<-started // the one computation after both changes
	close(release)
	wg.Wait()
	if n, m := computed.Load(), most.Load(); n != 2 || m != 1 {
		t.Errorf("%d computations, at most %d at once, for a caller and two changes during its computation; want 2, one at a time", n, m)
	}
	if !slices.Equal(results, []int32{1, 2, 2}) {
		t.Errorf("results = %v, want [1 2 2]: the callers after the changes get the computation that followed them", results)
	}
}

// TestCacheServesWhileRecomputing checks that, with pacing, the reader who finds a result
// a change made stale and the readers while it is renewed get the stored one at once
// instead of waiting, and that the readers after the renewal get the new one.
func TestCacheServesWhileRecomputing(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	c.MinInterval = 250 * time.Millisecond
	var tick atomic.Int64 // the tick clock, in nanoseconds: a background renewal reads it
	c.SetTick(func() time.Time { return time.Unix(0, tick.Load()) })
	var computed atomic.Int32
	started, release := make(chan struct{}, 1), make(chan struct{})
	compute := func(context.Context) (int32, error) {
		n := computed.Add(1)
		if n > 1 {
			started <- struct{}{}
			<-release
		}
		return n, nil
	}
	get := func() int32 {
		v, err := Get(context.Background(), c, Scope{PartnerID: 7, Name: "all"}, "kpis", compute)
		if err != nil {
			t.Error(err)
		}
		return v
	}
	get()
	tick.Add(int64(time.Second))
	broker.deliver(Everything(7))
	if got := get(); got != 1 {
		t.Errorf("the reader after the change got computation %d, want the stored 1", got)
	}
	<-started
	during := make(chan int32, 1)
	go func() { during <- get() }()
	select {
	case got := <-during:
		if got != 1 {
			t.Errorf("during the recomputation got computation %d, want the stored 1", got)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("a reader during the recomputation waited for it, want the stored result at once")
	}
	close(release)
	waitFor(t, func() bool { return Fresh(c, Scope{PartnerID: 7, Name: "all"}, "kpis") })
	if got := get(); got != 2 {
		t.Errorf("after the renewal got computation %d, want 2", got)
	}
}
