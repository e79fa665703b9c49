package graph

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// operation returns a context holding an operation of kind op, as who (nil: anonymous).
func operation(ctx context.Context, op ast.Operation, who *viewer.Viewer) context.Context {
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: op}})
	if who != nil {
		ctx = viewer.NewContext(ctx, who)
	}
	return ctx
}

// TestAdmission: operations beyond the limit wait in arrival order; one whose client gives
// up while queued never runs; subscriptions are not held back; anonymous operations have a
// slot of their own; every admitted operation runs under the deadline.
func TestAdmission(t *testing.T) {
	a := NewAdmission(1, time.Hour)
	someone := &viewer.Viewer{PartnerID: 1, AdminID: 1}
	var ran atomic.Int32
	release := make(chan struct{})
	// run admits an operation that waits for release once it runs, and answers its order.
	run := func(ctx context.Context, block bool) <-chan int32 {
		out := make(chan int32, 1)
		go func() {
			h := a.around(ctx, func(ctx context.Context) graphql.ResponseHandler {
				if _, ok := ctx.Deadline(); !ok && graphql.GetOperationContext(ctx).Operation.Operation != ast.Subscription {
					t.Errorf("an operation runs without a deadline")
				}
				return func(context.Context) *graphql.Response {
					n := ran.Add(1)
					if block {
						<-release
					}
					out <- n
					return &graphql.Response{}
				}
			})
			if resp := h(ctx); len(resp.Errors) > 0 {
				out <- -1
			}
		}()
		return out
	}
	waitFor := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); a.waiting.Load() != want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting = %d, want %d", a.waiting.Load(), want)
			}
		}
	}
	query := operation(context.Background(), ast.Query, someone)
	first := run(query, true)
	for ran.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	second := run(operation(context.Background(), ast.Mutation, someone), false)
	waitFor(1)
	gone, cancel := context.WithCancel(query)
	third := run(gone, false)
	waitFor(2)
	cancel()
	if n := <-third; n != -1 {
		t.Errorf("an operation whose client left while queued ran as %d", n)
	}
	// Neither a subscription nor an anonymous operation waits for the taken slot.
	if n := <-run(operation(context.Background(), ast.Subscription, someone), false); n != 2 {
		t.Errorf("subscription ran as %d, want 2 (not queued)", n)
	}
	if n := <-run(operation(context.Background(), ast.Query, nil), false); n != 3 {
		t.Errorf("anonymous operation ran as %d, want 3 (its own slot)", n)
	}
	close(release)
	if n := <-first; n != 1 {
		t.Errorf("first ran as %d", n)
	}
	if n := <-second; n != 4 {
		t.Errorf("queued operation ran as %d, want 4", n)
	}
	waitFor(0)
	// An operation sends its result before its slot is freed: give the last one a moment.
	for deadline := time.Now().Add(5 * time.Second); a.executing() != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d slots still held", a.executing())
		}
	}
}

// TestOperationDeadline: an operation that outlives its deadline is answered TIMEOUT,
// naming the deadline, and its SQL is cancelled with it.
func TestOperationDeadline(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("deadline")
	h.mustCustomer(w, customerSpec{name: "Slow Co"})
	limits := DefaultLimits
	limits.Admission = NewAdmission(0, time.Nanosecond)
	h.gql = NewHandler(h.resolver, nil, limits, slog.New(slog.NewTextHandler(testLog{t}, nil)), nil)
	resp := h.do(t, h.as(w.full), `{ customers(first: 5) { totalCount edges { node { name } } } }`, nil)
	if resp.code() != "TIMEOUT" || !strings.Contains(resp.Errors[0].Message, "deadline of 1ns") {
		t.Errorf("errors = %+v, want TIMEOUT naming the 1ns deadline", resp.Errors)
	}
}

// TestAdmissionIsFair: a freed slot goes to the waiting admin holding the fewest slots,
// though another admin's operation waited longer; alone, an admin uses every slot.
func TestAdmissionIsFair(t *testing.T) {
	a := NewAdmission(3, time.Hour)
	release := make(chan struct{})
	ran := make(chan int, 8)
	run := func(adminID int, block bool) {
		ctx := operation(context.Background(), ast.Query, &viewer.Viewer{PartnerID: 1, AdminID: adminID})
		h := a.around(ctx, func(context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response {
				ran <- adminID
				if block {
					<-release
				}
				return &graphql.Response{}
			}
		})
		h(ctx)
	}
	waitFor := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); a.waiting.Load() != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting = %d, want %d", a.waiting.Load(), n)
			}
		}
	}
	// Alone, admin 1 takes all three slots.
	for range 3 {
		go run(1, true)
		if got := <-ran; got != 1 {
			t.Fatalf("ran admin %d", got)
		}
	}
	go run(1, false)
	waitFor(1)
	go run(2, false)
	waitFor(2)
	// One slot frees: admin 2 holds none, admin 1 two, so admin 2 runs first.
	release <- struct{}{}
	if got := <-ran; got != 2 {
		t.Errorf("the freed slot went to admin %d, want admin 2", got)
	}
	close(release)
	if got := <-ran; got != 1 {
		t.Errorf("then admin %d ran, want admin 1's queued operation", got)
	}
	waitFor(0)
}

// TestAdmissionHeavy: operations costing limit.HeavyComplexity or more run a few at a time (one of
// six slots here), while cheap ones keep running beside them.
func TestAdmissionHeavy(t *testing.T) {
	a := NewAdmission(6, time.Hour)
	release := make(chan struct{})
	ran := make(chan string, 4)
	run := func(name string, complexity int) {
		oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}
		oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: complexity, ComplexityLimit: 20000})
		ctx := viewer.NewContext(graphql.WithOperationContext(context.Background(), oc), &viewer.Viewer{PartnerID: 1, AdminID: 1})
		h := a.around(ctx, func(context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response {
				ran <- name
				if name == "heavy 1" {
					<-release
				}
				return &graphql.Response{}
			}
		})
		h(ctx)
	}
	go run("heavy 1", limit.HeavyComplexity)
	if got := <-ran; got != "heavy 1" {
		t.Fatalf("ran %s", got)
	}
	go run("heavy 2", 3*limit.HeavyComplexity/2)
	for a.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	go run("cheap", limit.HeavyComplexity-1)
	if got := <-ran; got != "cheap" {
		t.Errorf("%s ran while the heavy slot was taken, want the cheap operation", got)
	}
	close(release)
	if got := <-ran; got != "heavy 2" {
		t.Errorf("then %s ran, want heavy 2", got)
	}
}
