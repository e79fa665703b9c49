package graph

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/live"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

func regionKey(r *enum.Region) string {
	if r == nil {
		return "all"
	}
	return string(*r)
}

// kpisKey is the cache key of the KPIs of region.
func kpisKey(region *enum.Region) string { return "kpis|" + regionKey(region) }

// kpis returns the viewer's headline KPIs, cached until a change that may alter them.
func (r *Resolver) kpis(ctx context.Context, region *enum.Region) (*analytics.Kpis, error) {
	// Asked before the cache: a cached figure is analytics too.
	if err := analytics.Allowed(ctx); err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	scope, err := r.dashboardScope(ctx, v)
	if err != nil {
		return nil, err
	}
	k, err := live.Get(ctx, r.Cache, scope, kpisKey(region), func(ctx context.Context) (analytics.Kpis, error) {
		if scope.Visible == nil {
			// Counted from the members when they are at hand. Else the first KPIs are
			// counted in SQL, cheaper than reading every member; but KPIs recomputed after
			// a change read the members, once, and bring them up to date customer by
			// customer from then on, far cheaper than counting in SQL at every change.
			if members, ok, err := r.storedKpiMembers(ctx); err != nil || ok {
				return members.Count(nil, region), err
			}
			if !live.Known(r.Cache, scope, kpisKey(region)) {
				return analytics.ComputeKpis(ctx, r.Client, r.filterEnv(ctx), region)
			}
		}
		members, err := r.kpiMembers(ctx)
		return members.Count(scope.Visible, region), err
	})
	return &k, err
}

// kpiMembers returns the KPIs of each customer of the viewer's partner, read once for every
// viewer and current with every change that may alter them, so that any viewer's figures
// are counted without asking the database: a change of a few customers' rows is brought in
// by reading those customers again (and the low-assignment bars), any other by reading
// every customer.
func (r *Resolver) kpiMembers(ctx context.Context) (analytics.Members, error) {
	scope, all, patch := r.membersCache(ctx)
	return live.GetPatched(live.Strict(ctx), r.Cache, scope, "kpi-members", memberRows, func(ctx context.Context) (analytics.Members, error) {
		return analytics.KpiMembers(viewer.NewContext(ctx, all), r.Client, r.filterEnv(ctx))
	}, patch)
}

// storedKpiMembers is kpiMembers when they are stored (ok), without reading every member.
func (r *Resolver) storedKpiMembers(ctx context.Context) (m analytics.Members, ok bool, err error) {
	scope, _, patch := r.membersCache(ctx)
	return live.StoredPatched(live.Strict(ctx), r.Cache, scope, "kpi-members", memberRows, patch)
}

// membersCache returns the cache scope of the viewer's partner's KPI members, the viewer
// who sees all of them, and their patch.
func (r *Resolver) membersCache(ctx context.Context) (live.Scope, *viewer.Viewer, live.Patch[analytics.Members]) {
	v := viewer.FromContext(ctx)
	all := viewer.SystemOf(v.PartnerID)
	all.Settings = v.Settings
	return live.Scope{PartnerID: v.PartnerID, Name: "partner", Reads: memberReads}, all,
		func(ctx context.Context, old analytics.Members, customers []int) (analytics.Members, error) {
			return old.Patch(viewer.NewContext(ctx, all), r.Client, r.filterEnv(ctx), customers)
		}
}

// subscriptionAnalytics returns the viewer's analytics of a product.
func (r *Resolver) subscriptionAnalytics(ctx context.Context, product model.AnalyticsProduct, region *enum.Region) (*analytics.Subscriptions, error) {
	v := viewer.FromContext(ctx)
	cache := func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
		scope, err := r.dashboardScope(ctx, v)
		if err != nil {
			return nil, err
		}
		return live.Get(ctx, r.Cache, scope, regionKey(region)+"|"+string(product)+"|"+key, compute)
	}
	return analytics.NewSubscriptions(ctx, r.Client, r.filterEnv(ctx), product, region, cache)
}

// analyticsCache keeps the viewer's figures of a region until any change of the partner,
// under keys prefixed with the region and prefix.
func (r *Resolver) analyticsCache(v *viewer.Viewer, region *enum.Region, prefix string) analytics.CacheFunc {
	return func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
		return live.Get(ctx, r.Cache, partnerScope(v), regionKey(region)+"|"+prefix+"|"+key, compute)
	}
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
