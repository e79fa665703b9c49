package analytics

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// ErrForbidden refuses analytics to tokens without the analytics:read scope.
var ErrForbidden = gqlerr.Errorf(gqlerr.Forbidden, "your token does not allow analytics (scope analytics:read)")

// Allowed returns ErrForbidden unless the viewer of ctx may read analytics. Every path that
// computes or serves an analytics figure asks it first — the KPIs, their live feed, the
// subscription and calling analytics, and the reports made of calling figures — so no path
// can skip it; what the viewer sees within them the data layer decides.
func Allowed(ctx context.Context) error {
	if !viewer.FromContext(ctx).CanReadAnalytics() {
		return ErrForbidden
	}
	return nil
}
