package graph

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/live"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// errNoAnalytics refuses analytics to tokens without the analytics:read scope.
var errNoAnalytics = gqlerr.Errorf(gqlerr.Forbidden, "your token does not allow analytics (scope analytics:read)")

func regionKey(r *enum.Region) string {
	if r == nil {
		return "all"
	}
	return string(*r)
}

// kpis returns the viewer's headline KPIs, cached until a change that may alter them.
func (r *Resolver) kpis(ctx context.Context, region *enum.Region) (*analytics.Kpis, error) {
	v := viewer.FromContext(ctx)
	if !v.CanReadAnalytics() {
		return nil, errNoAnalytics
	}
	scope, err := r.dashboardScope(ctx, v)
	if err != nil {
		return nil, err
	}
	k, err := live.Get(ctx, r.Cache, scope, "kpis|"+regionKey(region), func(ctx context.Context) (analytics.Kpis, error) {
		return analytics.ComputeKpis(ctx, r.Client, r.filterEnv(ctx), region)
	})
	return &k, err
}

// subscriptionAnalytics returns the viewer's analytics of a product.
func (r *Resolver) subscriptionAnalytics(ctx context.Context, product model.AnalyticsProduct, region *enum.Region) (*analytics.Subscriptions, error) {
	v := viewer.FromContext(ctx)
	if !v.CanReadAnalytics() {
		return nil, errNoAnalytics
	}
	cache := func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
		scope, err := r.dashboardScope(ctx, v)
		if err != nil {
			return nil, err
		}
		return live.Get(ctx, r.Cache, scope, regionKey(region)+"|"+string(product)+"|"+key, compute)
	}
	return analytics.NewSubscriptions(r.Client, r.filterEnv(ctx), product, region, cache), nil
}

// analyticsCache keeps the viewer's figures of a region until any change of the partner,
// under keys prefixed with the region and prefix.
func (r *Resolver) analyticsCache(v *viewer.Viewer, region *enum.Region, prefix string) analytics.CacheFunc {
	return func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
		return live.Get(ctx, r.Cache, partnerScope(v), regionKey(region)+"|"+prefix+"|"+key, compute)
	}
}

// kpiStream sends the viewer's KPIs now, then again whenever a committed change alters them.
func (r *Resolver) kpiStream(ctx context.Context, region *enum.Region) (<-chan *analytics.Kpis, error) {
	release, err := r.Limits.acquire(ctx)
	if err != nil {
		return nil, err
	}
	current, err := r.kpis(ctx, region)
	if err != nil {
		release()
		return nil, err
	}
	changes, unsubscribe := r.Broker.Subscribe(viewer.FromContext(ctx).PartnerID)
	cancel := func() { unsubscribe(); release() }
	out := make(chan *analytics.Kpis, 1)
	out <- current
	go func() {
		defer cancel()
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case <-changes:
			}
			next, err := r.kpis(ctx, region)
			if err != nil || maps.Equal(next.Counts, current.Counts) {
				continue
			}
			current = next
			select {
			case out <- next:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// SubscriptionLimits bound live subscriptions per websocket connection and per process.
type SubscriptionLimits struct {
	PerConnection int
	PerProcess    int64
	active        atomic.Int64
}

// Active returns how many live subscriptions the process serves now.
func (l *SubscriptionLimits) Active() int64 { return l.active.Load() }

type connCounterKey struct{}

// withConnectionCounter gives a websocket connection its own subscription counter.
func withConnectionCounter(ctx context.Context) context.Context {
	return context.WithValue(ctx, connCounterKey{}, new(atomic.Int64))
}

// acquire reserves a subscription slot, or refuses when a limit is reached.
func (l *SubscriptionLimits) acquire(ctx context.Context) (func(), error) {
	conn, _ := ctx.Value(connCounterKey{}).(*atomic.Int64)
	if conn != nil && conn.Add(1) > int64(l.PerConnection) {
		conn.Add(-1)
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "at most %d subscriptions per connection", l.PerConnection)
	}
	if l.active.Add(1) > l.PerProcess {
		l.active.Add(-1)
		if conn != nil {
			conn.Add(-1)
		}
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "the server has reached its limit of %d live subscriptions; retry later", l.PerProcess)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.active.Add(-1)
			if conn != nil {
				conn.Add(-1)
			}
		})
	}, nil
}
