package facts

import (
	"context"
	"errors"
	"slices"
	"sync"

	entgo "entgo.io/ent"

	"github.com/partnerhub/partnerhub-api/ent"
)

// SnapshotHook returns the hook, for license snapshots, that recomputes the trend's weeks
// of the customers a mutation touches (see Hook). In a transaction begun in a context of
// NewContext, the weeks are recomputed once, as the transaction commits, for all its
// writes of lines, subscriptions and snapshots: a batch costs as many statements whatever
// its size.
func SnapshotHook(dialect string) entgo.Hook {
	return rowsHook(dialect, func(ctx context.Context, m customerRows, ids []int) error {
		return weeksOf(ctx, m, dialect, ids)
	})
}

// weeksOf recomputes the trend's weeks of the customers m touched: as its transaction
// commits when it has one begun in a context of NewContext, else now.
func weeksOf(ctx context.Context, m customerRows, dialect string, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	p, _ := ctx.Value(pendingKey{}).(*pending)
	if inTx, ok := m.(interface{ Tx() (*ent.Tx, error) }); ok && p != nil {
		if tx, err := inTx.Tx(); err == nil {
			p.add(tx, dialect, ids)
			return nil
		}
	}
	return refreshWeeks(ctx, m, dialect, true, inIDs(ids))
}

// pending are the customers whose weeks a transaction is to recompute as it commits.
type pending struct {
	mu         sync.Mutex
	ids        []int
	registered bool
}

type pendingKey struct{}

// NewContext returns a context in which the transaction begun recomputes the trend's
// weeks of the customers whose snapshots it wrote once, as it commits (SnapshotHook).
func NewContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, pendingKey{}, &pending{})
}

// add adds ids to the customers tx recomputes as it commits.
func (p *pending) add(tx *ent.Tx, dialect string, ids []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		if !slices.Contains(p.ids, id) {
			p.ids = append(p.ids, id)
		}
	}
	if p.registered {
		return
	}
	p.registered = true
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if ids := p.take(); len(ids) > 0 {
				if err := refreshWeeks(ctx, tx, dialect, true, inIDs(ids)); err != nil {
					return errors.Join(err, tx.Rollback())
				}
			}
			return next.Commit(ctx, tx)
		})
	})
	tx.OnRollback(func(next ent.Rollbacker) ent.Rollbacker {
		return ent.RollbackFunc(func(ctx context.Context, tx *ent.Tx) error {
			p.take()
			return next.Rollback(ctx, tx)
		})
	})
}

// take returns the customers to recompute and forgets them.
func (p *pending) take() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := p.ids
	p.ids, p.registered = nil, false
	return ids
}
