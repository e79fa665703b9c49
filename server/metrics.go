package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/graph"
)

// registerStateMetrics registers the metrics read from the process's state when scraped:
// SQL statements sent, the database pool (go_sql_* of database/sql's DBStats), the
// analytics cache's hits and misses and the live subscriptions served.
func (a *app) registerStateMetrics(reg prometheus.Registerer, r *graph.Resolver) {
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "partnerhub_sql_statements_total", Help: "SQL statements sent to the database.",
	}, func() float64 { return float64(storage.Statements.Load()) }))
	reg.MustRegister(collectors.NewDBStatsCollector(a.db.SQL, a.db.Dialect))
	for _, result := range []string{"hit", "miss"} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "partnerhub_analytics_cache_lookups_total", Help: "Lookups of cached KPIs, analytics and counts, by result.",
			ConstLabels: prometheus.Labels{"result": result},
		}, func() float64 {
			hits, misses := r.Cache.Stats()
			if result == "hit" {
				return float64(hits)
			}
			return float64(misses)
		}))
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_live_subscriptions", Help: "Live GraphQL subscriptions served now.",
	}, func() float64 { return float64(r.Limits.Active()) }))
}
