// Package live carries change notifications (partner IDs only) to every server instance —
// in-process on the embedded default, through PostgreSQL LISTEN/NOTIFY otherwise — and
// keeps the results they invalidate in a cache.
package live

import (
	"context"
	"sync"
)

// Broker fans change notifications out to subscribers.
type Broker interface {
	// Publish announces that data of the partner changed (after the change committed).
	Publish(ctx context.Context, partnerID int) error
	// Subscribe returns a channel that receives a value after changes of the partner;
	// notifications coalesce while one is pending. cancel stops the subscription.
	Subscribe(partnerID int) (ch <-chan struct{}, cancel func())
	// OnChange registers f to be called on every notification; partnerID is 0 when every
	// partner may have changed (after a lost connection).
	OnChange(f func(partnerID int))
	Close() error
}

// Local is the in-process broker; Postgres builds on it.
type Local struct {
	mu        sync.Mutex
	subs      map[int]map[chan struct{}]struct{}
	observers []func(int)
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{subs: map[int]map[chan struct{}]struct{}{}} }

// Publish notifies the partner's subscribers in this process.
func (l *Local) Publish(_ context.Context, partnerID int) error {
	l.deliver(partnerID)
	return nil
}

// deliver notifies the subscribers of partnerID, or of every partner when it is 0.
func (l *Local) deliver(partnerID int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.observers {
		f(partnerID)
	}
	for p, chans := range l.subs {
		if partnerID != 0 && p != partnerID {
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
func (l *Local) OnChange(f func(int)) {
	l.mu.Lock()
	l.observers = append(l.observers, f)
	l.mu.Unlock()
}

// Close implements Broker.
func (l *Local) Close() error { return nil }
