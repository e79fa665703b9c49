package graph

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// kpiFeeds serve the live KPIs: the subscribers of one scope and region on this instance
// share one feed, which recomputes after changes that may alter their figures, at most
// once per interval, and sends them only figures that differ from the last they got.
// A change that arrives while the feed waits out its interval is taken up when it ends,
// so a burst of changes costs two computations and ends with the latest figures.
type kpiFeeds struct {
	r        *Resolver
	interval time.Duration // 0: no pacing
	after    func(time.Duration) <-chan time.Time

	mu    sync.Mutex
	feeds map[string]*kpiFeed
}

// kpiFeed is the feed of one scope and region.
type kpiFeed struct {
	key    string
	region *enum.Region
	cancel func()

	mu      sync.Mutex
	subs    map[chan *analytics.Kpis]struct{}
	current *analytics.Kpis
	err     error // why it could not start
	closed  bool
}

func newKpiFeeds(r *Resolver, maxRate int) *kpiFeeds {
	f := &kpiFeeds{r: r, after: time.After, feeds: map[string]*kpiFeed{}}
	if maxRate > 0 {
		f.interval = time.Second / time.Duration(maxRate)
	}
	return f
}

// join subscribes the viewer of ctx to the feed of its scope and region, starting it when
// it is the first: the returned channel receives the current figures at once and the
// feed's later figures, and leave ends the subscription and closes it.
func (fs *kpiFeeds) join(ctx context.Context, region *enum.Region) (<-chan *analytics.Kpis, func(), error) {
	v := viewer.FromContext(ctx)
	key := fmt.Sprintf("%d|%s|%s", v.PartnerID, scopeKey(v), regionKey(region))
	for {
		fs.mu.Lock()
		f := fs.feeds[key]
		if f == nil {
			f = &kpiFeed{key: key, region: region, subs: map[chan *analytics.Kpis]struct{}{}}
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
		out := make(chan *analytics.Kpis, 1)
		out <- f.current
		f.subs[out] = struct{}{}
		f.mu.Unlock()
		return out, func() { fs.leave(f, out) }, nil
	}
}

// start computes the feed's first figures and runs it; changes are listened to before the
// figures are computed, so none committed after them is missed.
func (fs *kpiFeeds) start(ctx context.Context, f *kpiFeed) error {
	ctx, f.cancel = context.WithCancel(live.Strict(context.WithoutCancel(ctx)))
	changes, unsubscribe := fs.r.Broker.Subscribe(viewer.FromContext(ctx).PartnerID)
	current, err := fs.r.kpis(ctx, f.region)
	if err != nil {
		unsubscribe()
		f.cancel()
		return err
	}
	f.current = current
	go func() {
		defer unsubscribe()
		fs.run(ctx, f, changes)
	}()
	return nil
}

// run recomputes the feed's figures after each change until ctx ends, pacing itself after
// each computation.
func (fs *kpiFeeds) run(ctx context.Context, f *kpiFeed, changes <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-changes:
		}
		if fs.r.kpisFresh(ctx, f.region) {
			continue // the change cannot alter these figures
		}
		if next, err := fs.r.kpis(ctx, f.region); err == nil {
			f.send(next)
		}
		if fs.interval > 0 {
			select {
			case <-ctx.Done():
				return
			case <-fs.after(fs.interval):
			}
		}
	}
}

// send gives every subscriber next when it differs from their current figures; a
// subscriber who has not read the previous figures gets next in their place.
func (f *kpiFeed) send(next *analytics.Kpis) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if maps.Equal(next.Counts, f.current.Counts) {
		return
	}
	f.current = next
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
func (fs *kpiFeeds) leave(f *kpiFeed, out chan *analytics.Kpis) {
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
func (fs *kpiFeeds) drop(f *kpiFeed) {
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
	release, err := r.Limits.acquire(ctx)
	if err != nil {
		return nil, err
	}
	out, leave, err := r.feeds.join(ctx, region)
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

// kpisFresh reports whether the viewer's cached KPIs of region are known to be current,
// without computing anything.
func (r *Resolver) kpisFresh(ctx context.Context, region *enum.Region) bool {
	scope, err := r.dashboardScope(ctx, viewer.FromContext(ctx))
	return err == nil && live.Fresh(r.Cache, scope, kpisKey(region))
}
