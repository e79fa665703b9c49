package graph

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// feeds serve one live figure, the KPIs or the calling analytics: the subscribers of one
// scope and region on this instance share one feed, which recomputes after changes that may
// alter their figures (and, when the figures change with time, once that time comes), at
// most once per interval, and sends them only figures that differ from the last they got.
// A change that arrives while the feed waits out its interval is taken up when it ends, so
// a burst of changes costs two computations and ends with the latest figures.
type feeds[T any] struct {
	r        *Resolver
	interval time.Duration // 0: no pacing
	after    func(time.Duration) <-chan time.Time

	// compute returns the figures of region, with a value that is equal for equal figures.
	compute func(ctx context.Context, region *enum.Region) (T, string, error)
	// fresh reports, without computing anything, that the figures of region are known to be
	// current (nil: never known).
	fresh func(ctx context.Context, region *enum.Region) bool
	// until returns when figures computed at now change by themselves (nil: never).
	until func(now time.Time) time.Time

	mu    sync.Mutex
	feeds map[string]*feed[T]
}

// feed is the feed of one scope and region.
type feed[T any] struct {
	key    string
	region *enum.Region
	cancel func()

	mu      sync.Mutex
	subs    map[chan T]struct{}
	current T
	seen    string    // the equality value of current
	expires time.Time // when current changes by itself (zero: never)
	err     error     // why it could not start
	closed  bool
}

func newFeeds[T any](r *Resolver, maxRate int, compute func(context.Context, *enum.Region) (T, string, error)) *feeds[T] {
	f := &feeds[T]{r: r, after: time.After, compute: compute, feeds: map[string]*feed[T]{}}
	if maxRate > 0 {
		f.interval = time.Second / time.Duration(maxRate)
	}
	return f
}

// stream subscribes the viewer of ctx until ctx ends, within the subscription limits.
func (fs *feeds[T]) stream(ctx context.Context, region *enum.Region) (<-chan T, error) {
	release, err := fs.r.Limits.acquire(ctx)
	if err != nil {
		return nil, err
	}
	out, leave, err := fs.join(ctx, region)
	if err != nil {
		release()
		return nil, err
	}
	go func() {
		<-ctx.Done()
		leave()
		release()
	}()
	return out, nil
}

// join subscribes the viewer of ctx to the feed of its scope and region, starting it when
// it is the first: the returned channel receives the current figures at once and the
// feed's later figures, and leave ends the subscription and closes it.
func (fs *feeds[T]) join(ctx context.Context, region *enum.Region) (<-chan T, func(), error) {
	v := viewer.FromContext(ctx)
	key := fmt.Sprintf("%d|%s|%s", v.PartnerID, scopeKey(v), regionKey(region))
	for {
		fs.mu.Lock()
		f := fs.feeds[key]
		if f == nil {
			f = &feed[T]{key: key, region: region, subs: map[chan T]struct{}{}}
			f.mu.Lock() // held while it starts: joiners wait for the first figures
			fs.feeds[key] = f
			fs.mu.Unlock()
			if f.err = fs.start(ctx, f); f.err != nil {
				f.closed = true
				fs.drop(f)
			}
		} else {
			fs.mu.Unlock()
			f.mu.Lock()
		}
		if f.err != nil {
			f.mu.Unlock()
			return nil, nil, f.err
		}
		if f.closed { // its last subscriber left meanwhile
			f.mu.Unlock()
			continue
		}
		out := make(chan T, 1)
		out <- f.current
		f.subs[out] = struct{}{}
		f.mu.Unlock()
		return out, func() { fs.leave(f, out) }, nil
	}
}

// start computes the feed's first figures and runs it; changes are listened to before the
// figures are computed, so none committed after them is missed.
func (fs *feeds[T]) start(ctx context.Context, f *feed[T]) error {
	ctx, f.cancel = context.WithCancel(live.Strict(context.WithoutCancel(ctx)))
	changes, unsubscribe := fs.r.Broker.Subscribe(viewer.FromContext(ctx).PartnerID)
	now := fs.r.Now()
	current, seen, err := fs.compute(ctx, f.region)
	if err != nil {
		unsubscribe()
		f.cancel()
		return err
	}
	f.current, f.seen, f.expires = current, seen, fs.expiry(now)
	go func() {
		defer unsubscribe()
		fs.run(ctx, f, changes)
	}()
	return nil
}

// expiry is when figures computed at now change by themselves (zero: never).
func (fs *feeds[T]) expiry(now time.Time) time.Time {
	if fs.until == nil {
		return time.Time{}
	}
	return fs.until(now)
}

// timeCheck is the longest a feed whose figures change with time waits before it looks at
// the clock again (the clock may be moved meanwhile).
const timeCheck = time.Minute

// run recomputes the feed's figures after each change, and when they expire, until ctx
// ends, pacing itself so that computations begin at least an interval apart.
func (fs *feeds[T]) run(ctx context.Context, f *feed[T], changes <-chan struct{}) {
	for {
		var expired <-chan time.Time
		if !f.expires.IsZero() {
			timer := time.NewTimer(min(max(f.expires.Sub(fs.r.Now()), 0), timeCheck))
			defer timer.Stop()
			expired = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-changes:
			if fs.fresh != nil && fs.fresh(ctx, f.region) {
				continue // the change cannot alter these figures
			}
		case <-expired:
			if fs.r.Now().Before(f.expires) {
				continue
			}
		}
		now, began := fs.r.Now(), time.Now()
		if next, seen, err := fs.compute(ctx, f.region); err == nil {
			f.send(next, seen, fs.expiry(now))
		}
		// Computations begin an interval apart at least: the pause is what is left of it.
		if pause := fs.interval - time.Since(began); fs.interval > 0 {
			select {
			case <-ctx.Done():
				return
			case <-fs.after(max(pause, 0)):
			}
		}
	}
}

// send gives every subscriber next when it differs from their current figures; a
// subscriber who has not read the previous figures gets next in their place.
func (f *feed[T]) send(next T, seen string, expires time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expires = expires
	if seen == f.seen {
		return
	}
	f.current, f.seen = next, seen
	for out := range f.subs {
		select {
		case out <- next:
		default:
			select {
			case <-out:
			default:
			}
			out <- next
		}
	}
}

// leave ends a subscription, and the feed with its last.
func (fs *feeds[T]) leave(f *feed[T], out chan T) {
	f.mu.Lock()
	if _, ok := f.subs[out]; !ok {
		f.mu.Unlock()
		return
	}
	delete(f.subs, out)
	close(out)
	last := len(f.subs) == 0
	if last {
		f.closed = true
		f.cancel()
	}
	f.mu.Unlock()
	if last {
		fs.drop(f)
	}
}

// drop forgets a closed feed.
func (fs *feeds[T]) drop(f *feed[T]) {
	fs.mu.Lock()
	if fs.feeds[f.key] == f {
		delete(fs.feeds, f.key)
	}
	fs.mu.Unlock()
}

// kpiStream sends the viewer's KPIs now, then again whenever a committed change alters them.
func (r *Resolver) kpiStream(ctx context.Context, region *enum.Region) (<-chan *analytics.Kpis, error) {
	if err := analytics.Allowed(ctx); err != nil {
		return nil, err
	}
	return r.kpiFeeds.stream(ctx, region)
}

// kpiFigures are the viewer's KPIs of region, with their counts as their equality value.
func (r *Resolver) kpiFigures(ctx context.Context, region *enum.Region) (*analytics.Kpis, string, error) {
	k, err := r.kpis(ctx, region)
	if err != nil {
		return nil, "", err
	}
	return k, fmt.Sprint(k.Counts), nil // fmt prints a map's keys sorted
}

// kpisFresh reports whether the viewer's cached KPIs of region are known to be current,
// without computing anything.
func (r *Resolver) kpisFresh(ctx context.Context, region *enum.Region) bool {
	scope, err := r.dashboardScope(ctx, viewer.FromContext(ctx))
	return err == nil && live.Fresh(r.Cache, scope, kpisKey(region))
}
