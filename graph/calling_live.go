package graph

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// callQueues returns a customer's call queues with their figures of the last completed week.
func (r *Resolver) callQueues(ctx context.Context, c *ent.Customer) ([]*calling.QueueRow, error) {
	a, err := r.callingAnalytics(ctx, nil, nil)
	if err != nil {
		return nil, err
	}
	return a.Queues(ctx, c.ID)
}

// callingUsage returns a customer's calling figures of a completed week.
func (r *Resolver) callingUsage(ctx context.Context, c *ent.Customer, w *time.Time) (*calling.CustomerRow, error) {
	a, err := r.callingAnalytics(ctx, nil, w)
	if err != nil {
		return nil, err
	}
	return a.CustomerRowOf(ctx, c)
}

// callingStream sends the calling analytics of the last completed week now, then again
// whenever a change of the partner or the completion of a week alters their figures,
// through the same shared, paced feeds as the KPIs: no message when the figures are equal.
func (r *Resolver) callingStream(ctx context.Context, region *enum.Region) (<-chan *calling.Analytics, error) {
	if err := analytics.Allowed(ctx); err != nil {
		return nil, err
	}
	return r.callingFeeds.stream(ctx, region)
}

// callingFigures are the viewer's calling analytics of the last completed week, with
// their fingerprint as their equality value.
func (r *Resolver) callingFigures(ctx context.Context, region *enum.Region) (*calling.Analytics, string, error) {
	a, err := r.callingAnalytics(ctx, region, nil)
	if err != nil {
		return nil, "", err
	}
	fp, err := a.Fingerprint(ctx)
	return a, fp, err
}

// nextWeek is when the last completed week at now changes: the start of the next week.
func nextWeek(now time.Time) time.Time { return week.Start(now).AddDate(0, 0, 7) }
