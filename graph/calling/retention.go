package calling

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Raw legs are kept for the retention period; the rollups are kept for good. Legs go by
// whole UTC days (those started before the day the period's start falls on), so that a
// day's rollups are either backed by all its legs or by none, which a quality rebuild
// relies on. Late legs of a day already cut are rolled up on arrival and cut at the next
// pass.

// pruneChunk bounds the legs one delete statement removes.
const pruneChunk = 10000

// RetentionCut returns the first day whose legs a retention of keep, at now, retains.
func RetentionCut(now time.Time, keep time.Duration) Day { return DayOf(now.Add(-keep)) }

// PruneLegs deletes the legs of every partner started before day cut, chunk by chunk,
// and returns how many it deleted.
func PruneLegs(ctx context.Context, c *ent.Client, cut Day) (int, error) {
	ctx = viewer.SystemContext(ctx)
	total := 0
	for {
		ids, err := c.CallLeg.Query().Where(callleg.StartedAtLT(cut.Time())).Limit(pruneChunk).IDs(ctx)
		if err != nil {
			return total, fmt.Errorf("find legs before %s: %w", cut.Time().Format(time.DateOnly), err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		n, err := c.CallLeg.Delete().Where(callleg.IDIn(ids...)).Exec(ctx)
		if err != nil {
			return total, fmt.Errorf("delete %d legs: %w", len(ids), err)
		}
		total += n
	}
}

// KeepPruning prunes the legs past retention at once and then every interval, until ctx
// ends.
func KeepPruning(ctx context.Context, c *ent.Client, now func() time.Time, keep, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := PruneLegs(ctx, c, RetentionCut(now(), keep))
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("prune call legs past retention", "err", err)
		case n > 0:
			logger.Info("pruned call legs past retention", "legs", n, "retention", keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
