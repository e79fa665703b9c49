package analytics

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/loader"
)

// WeeklyChange is how many licenses of line were assigned and used more than at the start
// of the previous week (its snapshot then); none when it has no snapshot of then. The
// operation's loaders look the snapshots of every line asked for up at once.
func WeeklyChange(ctx context.Context, line *ent.License) (assigned, used int, err error) {
	prev, err := loader.Load(ctx, loader.For(ctx).LastWeekCounts, line.ID)
	if prev == nil {
		return 0, 0, err
	}
	return line.Assigned - prev.Assigned, line.Used - prev.Used, err
}
