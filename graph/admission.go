package graph

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// Admission runs at most a fixed number of GraphQL queries and mutations at once, over
// HTTP and over websockets alike, and queues the others; each admitted operation runs under
// a deadline. Executing every request at once shares the CPUs between all of them, so each
// takes as long as the slowest burst; admitting a few at a time lets each finish in its own
// share of the CPUs, which keeps latency even under load, and bounds the memory and database
// connections that operations hold.
//
// The queue is fair between admins and never leaves a slot idle: a freed slot goes to the
// longest-waiting operation of the admin holding the fewest slots. Admins with operations
// waiting thus converge on equal shares, so one caller sending costly operations in
// parallel cannot take the slots another admin's requests need, while a lone caller still
// uses them all. Operations costing limit.HeavyComplexity or more also take one of a few heavy
// slots first (a sixth of all, at least one), so that costly searches queue among
// themselves rather than fill the CPUs. Anonymous operations (they can only introspect) have
// one slot of their own. A subscription lives as long as its connection and is not
// admitted.
type Admission struct {
	timeout   time.Duration
	anonymous chan struct{}
	// heavy are the slots of operations costing limit.HeavyComplexity or more (searches, several
	// analytics sections): a few at once, so that they leave the CPUs and the database to
	// the cheap requests that queue behind them.
	heavy   chan struct{}
	waiting atomic.Int64

	mu      sync.Mutex
	free    int
	running map[int]int // slots held, by admin
	queue   []*waiter   // in arrival order
}

// waiter is a queued operation of an admin; ready is closed when it is given a slot.
type waiter struct {
	admin   int
	ready   chan struct{}
	granted bool
}

// NewAdmission admits up to slots operations at once, each for at most timeout; slots 0
// means three times the CPUs the process may use, timeout 0 limit.OperationTimeout.
// An operation spends part of its time waiting for the database's answers, and more so the
// more statements it runs one after another: with two per CPU, a filtered directory page
// (its IDs, then its rows, then their lines) left the CPUs idle for part of the time, and
// three per CPU served 10-20 % more of them per second, side by side.
func NewAdmission(slots int, timeout time.Duration) *Admission {
	if slots <= 0 {
		slots = 3 * runtime.GOMAXPROCS(0)
	}
	if timeout <= 0 {
		timeout = limit.OperationTimeout
	}
	return &Admission{timeout: timeout, anonymous: make(chan struct{}, 1), heavy: make(chan struct{}, max(1, slots/6)),
		free: slots, running: map[int]int{}}
}

// Collectors are the admission's gauges, for /metrics.
func (a *Admission) Collectors() []prometheus.Collector {
	return []prometheus.Collector{prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_waiting", Help: "GraphQL queries and mutations queued for an execution slot.",
	}, func() float64 { return float64(a.waiting.Load()) }), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_executing", Help: "GraphQL queries and mutations holding an execution slot.",
	}, func() float64 { return float64(a.executing()) })}
}

// executing counts the slots held.
func (a *Admission) executing() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := len(a.anonymous)
	for _, r := range a.running {
		n += r
	}
	return n
}

// errWaitCancelled answers an operation whose client gave up while it was queued.
var errWaitCancelled = errors.New("the request was cancelled while waiting to execute")

// around is the operation middleware: it queues the operation for a slot, runs it under
// its deadline and frees the slot once its response is written.
func (a *Admission) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	refuse := func(err error) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message: err.Error(), Extensions: map[string]any{"code": string(gqlerr.Internal)}}}})
	}
	leaveHeavy := func() {}
	if stats := extension.GetComplexityStats(ctx); stats != nil && stats.Complexity >= limit.HeavyComplexity {
		if err := a.acquire(ctx, a.heavy); err != nil {
			return refuse(err)
		}
		leaveHeavy = func() { <-a.heavy }
	}
	admitted, err := a.admit(ctx, viewer.FromContext(ctx))
	if err != nil {
		leaveHeavy()
		return refuse(err)
	}
	free := func() {
		admitted()
		leaveHeavy()
	}
	ctx, cancel := context.WithTimeoutCause(ctx, a.timeout, gqlerr.Errorf(gqlerr.Timeout,
		"the operation did not finish within its deadline of %s", a.timeout))
	// The slot is freed once the response is written, or at the deadline should the
	// transport never ask for it (a websocket closed meanwhile).
	var once sync.Once
	release := func() { once.Do(func() { free(); cancel() }) }
	stop := context.AfterFunc(ctx, release)
	responses := next(ctx)
	answered := false
	return func(ctx context.Context) *graphql.Response {
		defer func() {
			stop()
			release()
		}()
		resp := responses(ctx)
		if resp == nil && !answered && ctx.Err() != nil {
			// gqlgen answers nothing for an operation whose context ended before it ran.
			code, msg, _ := gqlerr.Classify(ctx, ctx.Err())
			resp = &graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": string(code)}}}}
		}
		answered = true
		return resp
	}
}

// admit waits for a slot for v (nil: anonymous) and returns the function that frees it.
func (a *Admission) admit(ctx context.Context, v *viewer.Viewer) (func(), error) {
	if v == nil {
		if err := a.acquire(ctx, a.anonymous); err != nil {
			return nil, err
		}
		return func() { <-a.anonymous }, nil
	}
	admin := v.AdminID
	a.mu.Lock()
	if a.free > 0 {
		a.take(admin)
		a.mu.Unlock()
		return func() { a.release(admin) }, nil
	}
	w := &waiter{admin: admin, ready: make(chan struct{})}
	a.queue = append(a.queue, w)
	a.waiting.Add(1)
	a.mu.Unlock()
	select {
	case <-w.ready:
		return func() { a.release(admin) }, nil
	case <-ctx.Done():
	}
	a.mu.Lock()
	if w.granted { // given a slot just as its client left: hand it on
		a.mu.Unlock()
		a.release(admin)
		return nil, errWaitCancelled
	}
	for i, q := range a.queue {
		if q == w {
			a.queue = append(a.queue[:i], a.queue[i+1:]...)
			break
		}
	}
	a.waiting.Add(-1)
	a.mu.Unlock()
	return nil, errWaitCancelled
}

// take gives admin a free slot; a.mu is held.
func (a *Admission) take(admin int) {
	a.free--
	a.running[admin]++
}

// release frees admin's slot and gives it to the next waiter (see Admission).
func (a *Admission) release(admin int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.free++
	if a.running[admin]--; a.running[admin] == 0 {
		delete(a.running, admin)
	}
	if len(a.queue) == 0 {
		return
	}
	next := 0
	for i, w := range a.queue {
		if a.running[w.admin] < a.running[a.queue[next].admin] {
			next = i
		}
	}
	w := a.queue[next]
	a.queue = append(a.queue[:next], a.queue[next+1:]...)
	a.waiting.Add(-1)
	a.take(w.admin)
	w.granted = true
	close(w.ready)
}

// acquire waits for a slot of slots unless ctx ends first.
func (a *Admission) acquire(ctx context.Context, slots chan struct{}) error {
	select {
	case slots <- struct{}{}:
		return nil
	default:
	}
	a.waiting.Add(1)
	defer a.waiting.Add(-1)
	select {
	case slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return errWaitCancelled
	}
}

// Enter waits for a slot for the viewer of ctx, as an operation does, and returns the
// function that frees it: a streamed ingest takes one for each batch it writes.
func (a *Admission) Enter(ctx context.Context) (func(), error) {
	return a.admit(ctx, viewer.FromContext(ctx))
}
