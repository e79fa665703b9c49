package calling

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// QueueRow is a call queue with its figures of the week analysed.
type QueueRow struct {
	*ent.CallQueue
	LastWeek *Figures
}

// Queues returns the call queues of customer customerID, by name, with their figures of
// the week analysed (summed from the day rollups of each queue).
func (a *Analytics) Queues(ctx context.Context, customerID int) ([]*QueueRow, error) {
	queues, err := a.client.CallQueue.Query().Where(callqueue.CustomerID(customerID)).Order(callqueue.ByName(), callqueue.ByID()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list call queues: %w", err)
	}
	out := make([]*QueueRow, len(queues))
	byID := map[int]*QueueRow{}
	for i, q := range queues {
		out[i] = &QueueRow{CallQueue: q, LastWeek: &Figures{}}
		byID[q.ID] = out[i]
	}
	if len(queues) == 0 {
		return out, nil
	}
	days, err := a.client.CallingDay.Query().
		Where(callingday.CustomerID(customerID), callingday.Week(int(a.week)), callingday.QueueIDGT(0)).
		Modify(func(s *sql.Selector) {
			s.Select(s.C(callingday.FieldQueueID)).GroupBy(s.C(callingday.FieldQueueID))
			selectCounterSums(s, AllCounters)
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("sum queue rollups: %w", err)
	}
	for _, d := range days {
		if r := byID[d.QueueID]; r != nil {
			if err := readCounterSums(d.Value, &r.LastWeek.c, AllCounters); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// CustomerRowOf returns the figures of customer c in the week analysed and the week before.
func (a *Analytics) CustomerRowOf(ctx context.Context, c *ent.Customer) (*CustomerRow, error) {
	sums, err := a.sums(ctx, a.week-7, []int{c.ID}, AllCounters)
	if err != nil {
		return nil, err
	}
	return &CustomerRow{Figures: sums[sumKey{c.ID, a.week}], Customer: c, prev: sums[sumKey{c.ID, a.week - 7}]}, nil
}

// Fingerprint identifies every figure the analytics can show: the week, the thresholds and
// the totals of the longest trend; two equal fingerprints show the same figures.
func (a *Analytics) Fingerprint(ctx context.Context) (string, error) {
	sums, err := a.totals(ctx, a.week-Day(7*(limit.TrendWeeks-1)))
	if err != nil {
		return "", err
	}
	week, err := a.weekFigures(ctx)
	if err != nil {
		return "", err
	}
	out := fmt.Sprintf("%d|%v|%v", a.week, a.thresholds, *week)
	for w := a.week - Day(7*(limit.TrendWeeks-1)); w <= a.week; w += 7 {
		out += fmt.Sprintf("|%v", *sums[sumKey{week: w}])
	}
	return out, nil
}
