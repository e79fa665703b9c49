package live

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
			v, err := Get(context.Background(), c, 7, "kpis", compute)
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

// TestCacheInvalidation checks that a stored result is reused until a change of its
// partner, and that changes of other partners leave it alone.
func TestCacheInvalidation(t *testing.T) {
	broker := NewLocal()
	c := NewCache(broker, time.Hour, time.Now)
	var computed atomic.Int32
	get := func() int32 {
		v, err := Get(context.Background(), c, 7, "kpis", func(context.Context) (int32, error) { return computed.Add(1), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []struct {
		name    string
		publish int // partner whose change is announced before the call; 0: none
		want    int32
	}{
		{"FirstComputes", -1, 1},
		{"SecondReuses", -1, 1},
		{"OtherPartnerChangeKeeps", 8, 1},
		{"OwnChangeRecomputes", 7, 2},
		{"LostConnectionRecomputes", 0, 3},
	}
	for _, s := range steps {
		if s.publish >= 0 {
			broker.deliver(s.publish)
		}
		if got := get(); got != s.want {
			t.Errorf("%s: got computation %d, want %d", s.name, got, s.want)
		}
	}
}
