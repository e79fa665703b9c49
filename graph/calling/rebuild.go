package calling

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// When a partner's poor-leg thresholds change, the legs ingested from then on are judged by
// the new ones (ingest reads them inside its transaction, after locking its customers), and
// the poor counters of the day rollups are recomputed from the retained legs: customer chunk
// by customer chunk, each chunk's counters from the retention cut on set anew, under the
// same customer locks as ingest, so that no leg is judged twice or missed. Days before the
// cut (whose legs are gone) keep the figures they had. The partner is marked
// quality_rebuilding meanwhile; a mark left by a stopped process is resumed at start.

// ThresholdsIn reads partnerID's thresholds in tx, defaults applied.
func ThresholdsIn(ctx context.Context, tx *ent.Tx, partnerID int) (Thresholds, error) {
	p, err := tx.Partner.Get(viewer.NewContext(ctx, viewer.SystemOf(partnerID)), partnerID)
	if err != nil {
		return Thresholds{}, fmt.Errorf("read the thresholds of partner %d: %w", partnerID, err)
	}
	return ThresholdsOf(p.Settings), nil
}

// LockCustomers makes writers of the same customers' calling figures run one after the
// other (ingest reads a call's known legs to update the rollups); SQLite runs writers one
// at a time already. The IDs come sorted, so that writers lock customers in the same order.
func LockCustomers(ctx context.Context, tx *ent.Tx, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Customer.Query().Where(func(s *sql.Selector) { s.Where(sql.InInts(s.C("id"), ids...)) }).
		Select(customer.FieldID).Modify(func(s *sql.Selector) {
		s.OrderBy(s.C("id"))
		if s.Dialect() == dialect.Postgres {
			s.For(sql.LockNoKeyUpdate)
		}
	}).Ints(ctx)
	if err != nil {
		return fmt.Errorf("lock %d customers: %w", len(ids), err)
	}
	return nil
}

// poorCounters are the indexes of the counters the thresholds decide.
var poorCounters = []int{cPoor, cEndpointPoor, cEndpointPoor + 1, cEndpointPoor + 2, cEndpointPoor + 3}

// RebuildQuality recomputes the poor counters of partnerID's day rollups from day since
// on, then clears the partner's mark.
func RebuildQuality(ctx context.Context, c *ent.Client, partnerID int, since Day) error {
	ctx = viewer.NewContext(ctx, viewer.SystemOf(partnerID))
	var dialectName string
	ids, err := c.Customer.Query().Where(customer.PartnerID(partnerID), func(s *sql.Selector) { dialectName = s.Dialect() }).
		Order(customer.ByID()).IDs(ctx)
	if err != nil {
		return fmt.Errorf("list the customers of partner %d: %w", partnerID, err)
	}
	for chunk := range slices.Chunk(ids, backfillChunk) {
		if err := rebuildChunk(ctx, c, dialectName, partnerID, chunk, since); err != nil {
			return err
		}
	}
	return c.Partner.UpdateOneID(partnerID).SetQualityRebuilding(false).Exec(ctx)
}

func rebuildChunk(ctx context.Context, c *ent.Client, dialectName string, partnerID int, ids []int, since Day) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := LockCustomers(ctx, tx, ids); err != nil {
		return err
	}
	t, err := ThresholdsIn(ctx, tx, partnerID)
	if err != nil {
		return err
	}
	legs, err := tx.CallLeg.Query().Where(callleg.CustomerIDIn(ids...), callleg.StartedAtGTE(since.Time()), callleg.JitterMsNotNil()).All(ctx)
	if err != nil {
		return fmt.Errorf("read the measured legs of %d customers: %w", len(ids), err)
	}
	reset := tx.CallingDay.Update().Where(callingday.CustomerIDIn(ids...), callingday.DayGTE(int(since)))
	for _, i := range poorCounters {
		if err := reset.Mutation().SetField(Counters[i], int64(0)); err != nil {
			return err
		}
	}
	if _, err := reset.Save(ctx); err != nil {
		return fmt.Errorf("reset the poor legs of %d customers: %w", len(ids), err)
	}
	d := NewDelta()
	for _, l := range legs {
		leg := LegOf(l)
		if leg.Metrics == nil || !t.Poor(*leg.Metrics) {
			continue
		}
		ep := max(0, slices.Index(endpointOrder, string(leg.Endpoint)))
		k := d.day(DayKey{leg.CustomerID, leg.LocationID, leg.QueueID, DayOf(leg.StartedAt)})
		k[cPoor]++
		k[cEndpointPoor+ep]++
	}
	if err := Apply(ctx, tx, d); err != nil {
		return err
	}
	// The reset changed days the change may not touch: their weeks are set anew as well.
	if err := RefreshWeeks(ctx, tx, dialectName, partnerID, ids, since.Week(), LastDay); err != nil {
		return err
	}
	return tx.Commit()
}

// Rebuilder runs the rebuilds of quality rollups in the background, one at a time per
// partner; a change arriving during a partner's rebuild runs it once more afterwards.
type Rebuilder struct {
	Client *ent.Client
	Now    func() time.Time
	// Retention is how long raw legs are kept: the rebuild starts at the day it cuts.
	Retention time.Duration
	Logger    *slog.Logger
	// Done, when set, is told of each partner whose rebuild finished (live updates, caches).
	Done func(partnerID int)

	mu      sync.Mutex
	running map[int]bool // value: run again once done
	wg      sync.WaitGroup
}

// Start rebuilds partnerID's quality rollups in the background.
func (r *Rebuilder) Start(partnerID int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running == nil {
		r.running = map[int]bool{}
	}
	if _, ok := r.running[partnerID]; ok {
		r.running[partnerID] = true
		return
	}
	r.running[partnerID] = false
	r.wg.Add(1)
	go r.loop(partnerID)
}

func (r *Rebuilder) loop(partnerID int) {
	defer r.wg.Done()
	for {
		since := RetentionCut(r.Now(), r.Retention)
		if err := RebuildQuality(context.Background(), r.Client, partnerID, since); err != nil && r.Logger != nil {
			r.Logger.Error("rebuild the call-quality rollups", "partner", partnerID, "err", err)
		}
		if r.Done != nil {
			r.Done(partnerID)
		}
		r.mu.Lock()
		again := r.running[partnerID]
		if !again {
			delete(r.running, partnerID)
			r.mu.Unlock()
			return
		}
		r.running[partnerID] = false
		r.mu.Unlock()
	}
}

// Wait waits for the rebuilds started to finish.
func (r *Rebuilder) Wait() { r.wg.Wait() }

// Resume starts the rebuilds that a stopped process left marked.
func (r *Rebuilder) Resume(ctx context.Context) error {
	ids, err := r.Client.Partner.Query().Where(partner.QualityRebuilding(true)).IDs(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("find the unfinished quality rebuilds: %w", err)
	}
	for _, id := range ids {
		r.Start(id)
	}
	return nil
}
