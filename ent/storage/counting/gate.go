package counting

import (
	"context"
	"fmt"
	"time"
)

// writerGate lets one transaction of the process run at a time. SQLite has one writer,
// and every transaction of ours begins IMMEDIATE, taking the write lock; a transaction
// that finds it taken waits only for the file's busy timeout and then fails, so a write
// queued behind a long one (a batch of a large call-leg stream, a rebuild of the quality
// rollups) would fail with "database is locked". Behind the gate it waits its turn, in
// the order of arrival, for as long as its context allows, up to maxGateWait.
type writerGate struct{ turn chan struct{} }

// maxGateWait bounds the wait of a context without deadline: a transaction begun while
// the same goroutine holds another would otherwise wait for ever.
const maxGateWait = 2 * time.Minute

func newWriterGate() *writerGate { return &writerGate{turn: make(chan struct{}, 1)} }

// enter waits for g's turn and returns the function that gives it up. A nil gate lets
// everyone in at once.
func (g *writerGate) enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.turn <- struct{}{}:
		return func() { <-g.turn }, nil
	default:
	}
	timer := time.NewTimer(maxGateWait)
	defer timer.Stop()
	select {
	case g.turn <- struct{}{}:
		return func() { <-g.turn }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the database's other transaction: %w", context.Cause(ctx))
	case <-timer.C:
		return nil, fmt.Errorf("waited %s for the database's other transaction", maxGateWait)
	}
}
