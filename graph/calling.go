package graph

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// callingAnalytics returns the viewer's calling analytics of a week, cached until a change
// of the partner.
func (r *Resolver) callingAnalytics(ctx context.Context, region *enum.Region, week *time.Time) (*calling.Analytics, error) {
	if err := analytics.Allowed(ctx); err != nil {
		return nil, err
	}
	v := viewer.FromContext(ctx)
	// The thresholds as stored now, not as the viewer's token lookup last read them.
	p, err := r.Client.Partner.Get(ctx, v.PartnerID)
	if err != nil {
		return nil, err
	}
	cache := r.analyticsCache(v, region, "calling")
	if live.IsStrict(ctx) {
		// Analytics sent live have their fields read later, by each subscriber: they must
		// be as current as the feed that sent them, not a paced earlier result.
		base := cache
		cache = func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
			return base(live.Strict(ctx), key, compute)
		}
	}
	return calling.New(ctx, r.Client, calling.ThresholdsOf(p.Settings), r.Now(), region, week, cache)
}

// qualityRebuilding reports whether the viewer's partner has its quality rollups recomputed.
func (r *Resolver) qualityRebuilding(ctx context.Context) (bool, error) {
	p, err := r.Client.Partner.Get(ctx, viewer.FromContext(ctx).PartnerID)
	if err != nil {
		return false, err
	}
	return p.QualityRebuilding, nil
}

// partnerSettings returns the viewer's partner's settings, defaults applied.
func (r *Resolver) partnerSettings(ctx context.Context) (*settings.Partner, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, gqlerr.ErrUnauthenticated
	}
	p, err := r.Client.Partner.Get(ctx, v.PartnerID)
	if err != nil {
		return nil, err
	}
	s := p.Settings.WithDefaults()
	return &s, nil
}
