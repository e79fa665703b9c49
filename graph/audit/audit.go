// Package audit runs every mutation in one transaction that also appends its audit event,
// so a change and its record commit or vanish together.
package audit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Change is what a mutation did: the global IDs it changed and a summary in words. A change
// with no targets is not recorded (nothing changed).
type Change struct {
	Targets []string
	Summary string
}

// Recorder runs mutations and records them.
type Recorder struct {
	Client *ent.Client
	Now    func() time.Time
	// Notify, when set, announces a committed change of the partner and what it touched
	// (live updates, caches).
	Notify func(ctx context.Context, partnerID int, touched change.Set) error
}

// Run checks that the viewer may do action, runs fn in a transaction and, when fn changed
// something, appends the audit event of action in the same transaction before committing.
// The privacy rules check the same capability again on every row written. The snapshots
// it writes recompute the trend's weeks once, as it commits (facts.NewContext). A
// transaction the database aborted to break a deadlock with concurrent ones (two batches
// writing the same lines in different orders), or for a serialization conflict, is run
// again from the start, up to maxAttempts times in all: fn must change nothing but tx.
func Run[T any](ctx context.Context, r *Recorder, action string, can viewer.Can, fn func(ctx context.Context, tx *ent.Tx) (T, Change, error)) (T, error) {
	var zero T
	if !can(viewer.FromContext(ctx)) {
		return zero, gqlerr.Errorf(gqlerr.Forbidden, "your role or token does not allow %s", action)
	}
	for attempt := 1; ; attempt++ {
		out, err := runOnce(ctx, r, action, fn)
		if err == nil || attempt == maxAttempts || !storage.Retryable(err) {
			return out, err
		}
		// Concurrent transactions that deadlocked would meet again at once: a pause that
		// grows and differs between them lets one through first.
		select {
		case <-time.After(time.Duration(attempt)*retryPause + rand.N(retryPause)):
		case <-ctx.Done():
			return zero, err
		}
	}
}

// maxAttempts bounds the runs of a mutation aborted by concurrent ones; retryPause is the
// unit of the pause between two runs.
const (
	maxAttempts = 4
	retryPause  = 10 * time.Millisecond
)

// runOnce is one run of Run's transaction.
func runOnce[T any](ctx context.Context, r *Recorder, action string, fn func(ctx context.Context, tx *ent.Tx) (T, Change, error)) (T, error) {
	var zero T
	ctx, touched := change.NewContext(facts.NewContext(ctx))
	tx, err := r.Client.Tx(ctx)
	if err != nil {
		return zero, fmt.Errorf("begin %s: %w", action, err)
	}
	out, change, err := fn(ctx, tx)
	if err != nil {
		return zero, errors.Join(err, tx.Rollback())
	}
	if len(change.Targets) > 0 {
		if err := r.record(ctx, tx.Client(), action, change); err != nil {
			return zero, errors.Join(err, tx.Rollback())
		}
	}
	if err := tx.Commit(); err != nil {
		return zero, fmt.Errorf("commit %s: %w", action, err)
	}
	if len(change.Targets) > 0 && r.Notify != nil {
		// The change is committed; a lost notification only delays live updates.
		_ = r.Notify(ctx, viewer.FromContext(ctx).PartnerID, touched.Set())
	}
	return out, nil
}

func (r *Recorder) record(ctx context.Context, c *ent.Client, action string, ch Change) error {
	v := viewer.FromContext(ctx)
	ev := c.AuditEvent.Create().
		SetPartnerID(v.PartnerID).
		SetAction(action).
		SetTargetIds(ch.Targets).
		SetSummary(ch.Summary).
		SetCreatedAt(r.Now().UTC())
	if v != nil && !v.IsSystem() {
		ev.SetActorID(v.AdminID).SetTokenID(v.TokenID)
	}
	if err := ev.Exec(ctx); err != nil {
		return fmt.Errorf("record %s: %w", action, err)
	}
	return nil
}

// Item runs fn inside a savepoint of tx: when fn fails, what it wrote is undone and the
// transaction goes on with the next item.
func Item(ctx context.Context, tx *ent.Tx, fn func() error) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT batch_item"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT batch_item"); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT batch_item")
	return err
}

// Summarize joins parts into a summary.
func Summarize(parts ...string) string { return strings.Join(parts, "; ") }

// ItemError turns one batch item's failure into its result, or nil for failures that must
// abort the whole mutation (internal errors).
func ItemError(ctx context.Context, err error) *model.ItemError {
	code, msg, internal := gqlerr.Classify(ctx, err)
	if internal {
		return nil
	}
	return &model.ItemError{Code: string(code), Message: msg}
}

// Record appends, in tx, the audit event of a change an internal job made outside Run (a
// scheduled report); ctx's viewer names the partner.
func Record(ctx context.Context, r *Recorder, tx *ent.Tx, action string, ch Change) error {
	return r.record(ctx, tx.Client(), action, ch)
}
