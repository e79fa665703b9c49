package graph

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// callingAnalytics returns the viewer's calling analytics of a week, cached until a change
// of the partner.
func (r *Resolver) callingAnalytics(ctx context.Context, region *enum.Region, week *time.Time) (*calling.Analytics, error) {
	v := viewer.FromContext(ctx)
	if !v.CanReadAnalytics() {
		return nil, errNoAnalytics
	}
	return calling.New(r.Client, v.PartnerID, calling.ThresholdsOf(v.Settings), r.Now(), region, week, r.analyticsCache(v, region, "calling"))
}
