package main

import (
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// admission runs at most a fixed number of GraphQL operations at once and queues the
// others in arrival order. Executing every request at once shares the CPUs between all
// of them, so each takes as long as the slowest burst; admitting a few at a time lets
// each finish in its own share of the CPUs, which keeps latency even under load, and
// bounds the memory and database connections that operations hold.
type admission struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// newAdmission admits up to limit operations at once; 0 means three times the CPUs the
// process may use. An operation spends part of its time waiting for the database's
// answers, and more so the more statements it runs one after another: with two per CPU,
// a filtered directory page (its IDs, then its rows, then their lines) left the CPUs idle
// for part of the time, and three per CPU served 10-20 % more of them per second, side by
// side, with no change for the plain page.
func newAdmission(limit int, reg prometheus.Registerer) *admission {
	if limit <= 0 {
		limit = 3 * runtime.GOMAXPROCS(0)
	}
	a := &admission{slots: make(chan struct{}, limit)}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_waiting", Help: "GraphQL requests queued for an execution slot.",
	}, func() float64 { return float64(a.waiting.Load()) }), prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_graphql_requests_executing", Help: "GraphQL requests holding an execution slot.",
	}, func() float64 { return float64(len(a.slots)) }))
	return a
}

// wrap queues each query or mutation of next for a slot. Websocket upgrades go straight
// through: a subscription lives for as long as its connection and is not an execution.
// A request whose client gives up while queued is answered without executing.
func (a *admission) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case a.slots <- struct{}{}:
		default:
			a.waiting.Add(1)
			select {
			case a.slots <- struct{}{}:
				a.waiting.Add(-1)
			case <-r.Context().Done():
				a.waiting.Add(-1)
				writeGraphQLError(w, http.StatusServiceUnavailable, gqlerr.Internal, "the request was cancelled while waiting to execute")
				return
			}
		}
		defer func() { <-a.slots }()
		next.ServeHTTP(w, r)
	})
}
