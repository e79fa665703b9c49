package graph

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/live"
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

// weekCheck is the longest a calling subscription waits before it looks whether a new
// week has completed (the clock may be moved meanwhile).
const weekCheck = time.Minute

// callingStream sends the calling analytics of the last completed week now, then again
// whenever a change of the partner or the completion of a week alters their figures, as
// the KPI subscription does: the same notifications, the same cache, and no message when
// the figures are equal.
func (r *Resolver) callingStream(ctx context.Context, region *enum.Region) (<-chan *calling.Analytics, error) {
	release, err := r.Limits.acquire(ctx)
	if err != nil {
		return nil, err
	}
	current, err := r.callingAnalytics(ctx, region, nil)
	if err != nil {
		release()
		return nil, err
	}
	seen, err := current.Fingerprint(ctx)
	if err != nil {
		release()
		return nil, err
	}
	changes, unsubscribe := r.Broker.Subscribe(viewer.FromContext(ctx).PartnerID)
	out := make(chan *calling.Analytics, 1)
	out <- current
	go func() {
		defer release()
		defer unsubscribe()
		defer close(out)
		for {
			next := week.Start(r.Now()).AddDate(0, 0, 7)
			timer := time.NewTimer(min(max(next.Sub(r.Now()), 0), weekCheck))
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-changes:
				// Coalesce a burst: recompute at most once per the cache's pacing interval,
				// after the burst's last change, so the last message has the latest figures.
				pace := time.NewTimer(r.Cache.MinInterval)
				select {
				case <-ctx.Done():
					pace.Stop()
					timer.Stop()
					return
				case <-pace.C:
				}
				for drained := false; !drained; {
					select {
					case <-changes:
					default:
						drained = true
					}
				}
			case <-timer.C:
			}
			timer.Stop()
			a, err := r.callingAnalytics(live.Strict(ctx), region, nil)
			if err != nil {
				continue
			}
			fp, err := a.Fingerprint(ctx)
			if err != nil || fp == seen {
				continue
			}
			seen = fp
			select {
			case out <- a:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
