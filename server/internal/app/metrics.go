package app

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/live"
	"github.com/partnerhub/partnerhub-api/graph/render"
)

// registerStateMetrics registers the metrics read from the process's state when scraped:
// SQL statements sent, the database pool (go_sql_* of database/sql's DBStats), the
// analytics cache's hits, misses and recomputations by reason, the live subscriptions served
// and the lists the one-pass writer left to gqlgen.
func (a *App) registerStateMetrics(reg prometheus.Registerer, r *graph.Resolver) {
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "partnerhub_sql_statements_total", Help: "SQL statements sent to the database.",
	}, func() float64 { return float64(counting.Statements.Load()) }))
	reg.MustRegister(collectors.NewDBStatsCollector(a.DB.SQL, a.DB.Dialect))
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
	reg.MustRegister(recomputations{r.Cache})
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnerhub_live_subscriptions", Help: "Live GraphQL subscriptions served now.",
	}, func() float64 { return float64(r.Limits.Active()) }))
	reg.MustRegister(fallbacks{})
}

// fallbacks collects partnerhub_render_fallbacks_total: the lists the one-pass writer left
// to gqlgen's executor, by the type and reason of the field it could not write.
type fallbacks struct{}

var fallbacksDesc = prometheus.NewDesc("partnerhub_render_fallbacks_total",
	"Lists the one-pass writer left to gqlgen's executor, by the type and reason of the field it could not write.",
	[]string{"type", "reason"}, nil)

func (fallbacks) Describe(ch chan<- *prometheus.Desc) { ch <- fallbacksDesc }

func (fallbacks) Collect(ch chan<- prometheus.Metric) {
	render.Fallbacks.Each(func(f render.Fallback, n int64) {
		ch <- prometheus.MustNewConstMetric(fallbacksDesc, prometheus.CounterValue, float64(n), f.Type, f.Reason)
	})
}

// recomputationsDesc describes the analytics cache's recomputations.
var recomputationsDesc = prometheus.NewDesc("partnerhub_analytics_recomputations_total",
	"Cached KPIs, analytics and counts computed, by reason (new; age: outlived the cache TTL; change: a change could alter them; shared: the partner-wide figure they depend on moved; patch: changes of a few customers brought in) and scope (all: viewers who see every customer; admin: an ADMIN's customers; partner: partner-wide figures).",
	[]string{"reason", "scope"}, nil)

// recomputations collects the cache's recomputations, whose labels come as they occur.
type recomputations struct{ cache *live.Cache }

// Describe implements prometheus.Collector.
func (m recomputations) Describe(ch chan<- *prometheus.Desc) { ch <- recomputationsDesc }

// Collect implements prometheus.Collector.
func (m recomputations) Collect(ch chan<- prometheus.Metric) {
	for k, n := range m.cache.Recomputations() {
		ch <- prometheus.MustNewConstMetric(recomputationsDesc, prometheus.CounterValue, float64(n), k.Reason, k.Scope)
	}
}
