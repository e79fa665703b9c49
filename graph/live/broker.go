// Package live carries change notifications to every server instance — in-process on the
// embedded default, through PostgreSQL LISTEN/NOTIFY otherwise — and keeps the results
// they invalidate in a cache.
//
// A notification says what changed: the partner, the kinds of rows and the customers they
// belong to (bounded: beyond change.MaxCustomers it says "many"). A cached result names
// the scope it was computed for — the kinds of rows it reads and the customers it sees —
// and stays valid through changes that cannot alter it: an ADMIN's figures survive a
// change to another admin's customers.
package live

import (
	"context"
	"sync"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// Change is a committed change of a partner's data and what it touched. PartnerID 0 means
// every partner may have changed (after a lost connection).
type Change struct {
	PartnerID int `json:"p"`
	change.Set
}

// Everything is the change of anything of the partner.
func Everything(partnerID int) Change { return Change{PartnerID: partnerID, Set: change.Everything()} }

// Broker fans change notifications out to subscribers.
type Broker interface {
	// Publish announces a change (after it committed).
	Publish(ctx context.Context, c Change) error
	// Subscribe returns a channel that receives a value after changes of the partner;
	// notifications coalesce while one is pending. cancel stops the subscription.
	Subscribe(partnerID int) (ch <-chan struct{}, cancel func())
	// OnChange registers f to be called on every notification, before subscribers hear it.
	OnChange(f func(Change))
	Close() error
}

// Local is the in-process broker; Postgres builds on it.
type Local struct {
	mu        sync.Mutex
	subs      map[int]map[chan struct{}]struct{}
	observers []func(Change)
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{subs: map[int]map[chan struct{}]struct{}{}} }

// Publish notifies the partner's subscribers in this process.
func (l *Local) Publish(_ context.Context, c Change) error {
	l.deliver(c)
	return nil
}

// deliver notifies the subscribers of the change's partner, or of every partner when it
// is 0.
func (l *Local) deliver(c Change) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.observers {
		f(c)
	}
	for p, chans := range l.subs {
		if c.PartnerID != 0 && p != c.PartnerID {
			continue
		}
		for ch := range chans {
			select {
			case ch <- struct{}{}:
			default: // one is already pending
			}
		}
	}
}

// Subscribe implements Broker.
func (l *Local) Subscribe(partnerID int) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	l.mu.Lock()
	if l.subs[partnerID] == nil {
		l.subs[partnerID] = map[chan struct{}]struct{}{}
	}
	l.subs[partnerID][ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		delete(l.subs[partnerID], ch)
		if len(l.subs[partnerID]) == 0 {
			delete(l.subs, partnerID)
		}
		l.mu.Unlock()
	}
}

// OnChange implements Broker.
func (l *Local) OnChange(f func(Change)) {
	l.mu.Lock()
	l.observers = append(l.observers, f)
	l.mu.Unlock()
}

// Close implements Broker.
func (l *Local) Close() error { return nil }
