package graph

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// Admission runs at most a fixed number of GraphQL queries and mutations at once, over
// HTTP and over websockets alike, and queues the others in arrival order; each admitted
// operation runs under a deadline. Executing every request at once shares the CPUs between
// all of them, so each takes as long as the slowest burst; admitting a few at a time lets
// each finish in its own share of the CPUs, which keeps latency even under load, and bounds
// the memory and database connections that operations hold. Anonymous operations (they can
// only introspect) have one slot of their own, so they never hold one an authenticated
// request needs. A subscription lives as long as its connection and is not admitted.
type Admission struct {
	slots, anonymous chan struct{}
	waiting          atomic.Int64
	timeout          time.Duration
	// Each admin holds at most perAdmin slots at once, so that one caller sending costly
	// operations in parallel leaves the others slots to run in.
	perAdmin int
	mu       sync.Mutex
	admins   map[int]*adminSlots
}

// adminSlots are the slots one admin holds, and how many operations use the entry.
type adminSlots struct {
	slots chan struct{}
	users int
}

// DefaultOperationTimeout is the deadline of an operation when none is configured.
const DefaultOperationTimeout = 10 * time.Second

// NewAdmission admits up to limit operations at once, a third of them (at least one) for any
// one admin, each for at most timeout; limit 0 means three times the CPUs the process may
// use, timeout 0 DefaultOperationTimeout.
// An operation spends part of its time waiting for the database's answers, and more so the
// more statements it runs one after another: with two per CPU, a filtered directory page
// (its IDs, then its rows, then their lines) left the CPUs idle for part of the time, and
// three per CPU served 10-20 % more of them per second, side by side.
func NewAdmission(limit int, timeout time.Duration) *Admission {
	if limit <= 0 {
		limit = 3 * runtime.GOMAXPROCS(0)
	}
	if timeout <= 0 {
		timeout = DefaultOperationTimeout
	}
	return &Admission{slots: make(chan struct{}, limit), anonymous: make(chan struct{}, 1), timeout: timeout,
		perAdmin: max(1, limit/3), admins: map[int]*adminSlots{}}
}

// Collectors are the admission's gauges, for /metrics.
func (a *Admission) Collectors() []prometheus.Collector {
	return []prometheus.Collector{prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_waiting", Help: "GraphQL queries and mutations queued for an execution slot.",
	}, func() float64 { return float64(a.waiting.Load()) }), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_executing", Help: "GraphQL queries and mutations holding an execution slot.",
	}, func() float64 { return float64(len(a.slots) + len(a.anonymous)) })}
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
	free, err := a.admit(ctx, viewer.FromContext(ctx))
	if err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message: err.Error(), Extensions: map[string]any{"code": string(gqlerr.Internal)}}}})
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
	a.mu.Lock()
	mine := a.admins[v.AdminID]
	if mine == nil {
		mine = &adminSlots{slots: make(chan struct{}, a.perAdmin)}
		a.admins[v.AdminID] = mine
	}
	mine.users++
	a.mu.Unlock()
	leave := func() {
		a.mu.Lock()
		if mine.users--; mine.users == 0 {
			delete(a.admins, v.AdminID)
		}
		a.mu.Unlock()
	}
	if err := a.acquire(ctx, mine.slots); err != nil {
		leave()
		return nil, err
	}
	if err := a.acquire(ctx, a.slots); err != nil {
		<-mine.slots
		leave()
		return nil, err
	}
	return func() {
		<-a.slots
		<-mine.slots
		leave()
	}, nil
}

// acquire waits for a slot of slots, in arrival order, unless ctx ends first.
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
