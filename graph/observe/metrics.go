package observe

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// maxOperationNames bounds the operation-name label: names are chosen by clients, and
// each new one would otherwise add series without end.
const maxOperationNames = 200

// metrics are the series each logged request or operation feeds.
type metrics struct {
	requests   *prometheus.HistogramVec
	operations *prometheus.CounterVec
	durations  *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	ingested   *prometheus.CounterVec
	websockets prometheus.Gauge

	mu    sync.Mutex
	names map[string]bool
}

// latency returns a histogram of seconds from 1 ms to about 8 s.
func latency(name, help string, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: name, Help: help, Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	}, labels)
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: latency("partnerhub_http_request_duration_seconds", "HTTP request latency by route and status.", "route", "code"),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnerhub_graphql_operations_total", Help: "GraphQL operations by operation name and type, over HTTP and websockets.",
		}, []string{"operation", "type"}),
		durations: latency("partnerhub_graphql_operation_duration_seconds", "Latency of GraphQL queries and mutations by operation name and type.", "operation", "type"),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnerhub_graphql_errors_total", Help: "Errors sent to clients by extensions.code.",
		}, []string{"code"}),
		ingested: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnerhub_ingest_rows_total", Help: "Items stored by the ingestion mutations, by mutation.",
		}, []string{"mutation"}),
		websockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnerhub_websocket_connections", Help: "Open websocket connections.",
		}),
		names: map[string]bool{},
	}
	reg.MustRegister(m.requests, m.operations, m.durations, m.errors, m.ingested, m.websockets)
	return m
}

// operationLabel is the operation's name as a label: "anonymous" without one, "other"
// once maxOperationNames names have been seen.
func (m *metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[name] {
		if len(m.names) >= maxOperationNames {
			return "other"
		}
		m.names[name] = true
	}
	return name
}

// observe counts what s says happened; route and status are set for HTTP requests only.
func (m *metrics) observe(s snapshot, route string, status int, took time.Duration) {
	if route != "" {
		m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(took.Seconds())
	}
	if s.opType != "" {
		op := m.operationLabel(s.operation)
		m.operations.WithLabelValues(op, s.opType).Inc()
		if s.opType != "subscription" {
			m.durations.WithLabelValues(op, s.opType).Observe(took.Seconds())
		}
	}
	for _, code := range s.codes {
		m.errors.WithLabelValues(code).Inc()
	}
	for action, n := range s.ingested {
		m.ingested.WithLabelValues(action).Add(float64(n))
	}
}
