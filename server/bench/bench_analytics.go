package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/server/internal/app"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

const kpisQuery = `{ kpis { totalCustomers { count } approachingExpiration { count } upcomingRenewal { count } lowLicenseAssignment { count } overLicenseLimit { count } } }`

// sectionQueries are the CALLING analytics sections, each with its KPIs and a first page.
var sectionQueries = map[string]string{
	"licenseTrend":  `{ subscriptionAnalytics(product: CALLING) { licenseTrend(weeks: 12) { weekStart total assigned used } } }`,
	"recentlyAdded": `{ subscriptionAnalytics(product: CALLING) { recentlyAdded { newCustomers totalLicenses rows(first: 25) { totalCount edges { node { customer { name } subscriptionId daysSinceAdded total used assigned available weeklyAssignmentChange weeklyUsageChange } } } } } }`,
	"expiring":      `{ subscriptionAnalytics(product: CALLING) { expiring { expiringCustomers licenseAssignment { ratio } licenseUsage { ratio } rows(first: 25) { totalCount edges { node { customer { name } subscriptionId daysToExpiry total used assigned available usedLast3Months } } } } } }`,
	"renewing":      `{ subscriptionAnalytics(product: CALLING) { renewing { renewingCustomers licenseAssignment { ratio } licenseUsage { ratio } rows(first: 25) { totalCount edges { node { customer { name } subscriptionId daysToRenewal total used assigned available usedLast3Months } } } } } }`,
	"lowAssignment": `{ subscriptionAnalytics(product: CALLING) { lowAssignment { lowAssignmentCustomers licenseAssignment { ratio } usageWhenAssigned { ratio } totalUnassigned rows(first: 25) { totalCount edges { node { customer { name } subscriptionId monthsSinceAdded assigned assignedRatio { ratio } total used available weeklyAssignmentChange } } } } } }`,
	"overage":       `{ subscriptionAnalytics(product: CALLING) { overage { customersWithOverage totalOverage averageOverage { ratio } rows(first: 25) { totalCount edges { node { customer { name } subscriptionId monthsRemaining autoRenew total assigned assignedRatio { ratio } used usedRatio { ratio } } } } } } }`,
}

// callingQueries are callingAnalytics with every field, and each of its connections' first page.
var callingQueries = []namedQuery{
	{"callingAnalytics, every field", `{ callingAnalytics { week region regions callQualityThresholds { jitterMs latencyMs packetLossPercent } qualityRebuilding
  usageTrend { weekStart activeUsers users1To5Calls users6To20Calls usersOver20Calls calls legs }
  qualityTrend { weekStart legs measuredLegs poorLegs poorRatio { numerator denominator ratio } }
  qualityByEndpoint { endpointType legs measuredLegs poorLegs poorRatio { ratio } }
  featureUsage { huntGroupCalls autoAttendantCalls callQueueCalls }
  queueInsights { queueCalls averageTimeToAnswerSeconds averageWaitBeforeAbandonSeconds abandonedRate { ratio } answered abandoned timedOut overflow transferred }
  customerUsage(first: 25) { totalCount edges { node { customer { name } calls legs minutes videoMinutes activeUsers callsChange legsChange minutesChange activeUsersChange } } }
  customerQuality(first: 25) { totalCount edges { node { customer { name } legs measuredLegs poorLegs poorRatio { ratio } poorLegsChange } } }
  customerQueues(first: 25) { totalCount edges { node { customer { name } queueCalls averageTimeToAnswerSeconds abandonedRate { ratio } answered abandoned } } } } }`},
	{"customerUsage(first: 25)", `{ callingAnalytics { customerUsage(first: 25) { totalCount edges { node { customer { name } calls legs minutes videoMinutes activeUsers callsChange } } } } }`},
	{"customerQuality(first: 25)", `{ callingAnalytics { customerQuality(first: 25) { totalCount edges { node { customer { name } legs measuredLegs poorLegs poorRatio { ratio } poorLegsChange } } } } }`},
	{"customerQueues(first: 25)", `{ callingAnalytics { customerQueues(first: 25) { totalCount edges { node { customer { name } queueCalls averageTimeToAnswerSeconds abandonedRate { ratio } } } } } }`},
}

// namedQuery is a query the analytics suites measure.
type namedQuery struct{ name, query string }

// analytics measures KPIs and the CALLING subscription analytics sections.
func (b bench) analytics(ctx context.Context, e *app.Env, a *app.App, cachedURL, token string) error {
	queries := []namedQuery{{"kpis", kpisQuery}}
	names := make([]string, 0, len(sectionQueries))
	for n := range sectionQueries {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		queries = append(queries, namedQuery{"CALLING " + n, sectionQueries[n]})
	}
	return b.uncachedAndCached(ctx, e, cachedURL, token, queries)
}

// calling measures the calling analytics.
func (b bench) calling(ctx context.Context, e *app.Env, cachedURL, token string) error {
	return b.uncachedAndCached(ctx, e, cachedURL, token, callingQueries)
}

// uncachedAndCached measures each query one request at a time, on an instance with the
// analytics cache off (uncached) and on the one with it on (cached, nothing changing).
func (b bench) uncachedAndCached(ctx context.Context, e *app.Env, cachedURL, token string, queries []namedQuery) error {
	cfg := *e.Cfg
	cfg.AnalyticsCacheTTL = 0
	uncached, err := app.Open(ctx, &app.Env{Cfg: &cfg, Stdout: e.Stdout, Stderr: e.Stderr, Now: e.Now})
	if err != nil {
		return err
	}
	defer uncached.Close()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	uncachedURL, err := serveBench(sctx, uncached, otherPort(cfg.Addr))
	if err != nil {
		return err
	}
	measure := func(name, url, query string) error {
		body, _ := json.Marshal(map[string]any{"query": query})
		res, err := sequential(ctx, url, token, body, b.requests)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(e.Stdout, "%-32s %s\n", name, res)
		return nil
	}
	for _, q := range queries {
		if err := measure(q.name+" uncached", uncachedURL, q.query); err != nil {
			return err
		}
		if err := measure(q.name+" cached", cachedURL, q.query); err != nil {
			return err
		}
	}
	return nil
}

// live measures how long a committed change through instance A takes to reach every
// subscriber of instance B.
func (b bench) live(ctx context.Context, e *app.Env, a *app.App, urlA, token string) error {
	instB, err := secondInstance(ctx, a, "live")
	if err != nil {
		return err
	}
	defer instB.close()
	urlB := instB.url
	// Each mutation moves a benchmark subscription in or out of the 90-day expiry window,
	// so each one changes approachingExpiration.
	probe, err := newLiveProbe(ctx, urlA, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "connecting %d subscribers to instance B...\n", b.subscribers)
	wsURL := "ws" + strings.TrimPrefix(urlB, "http")
	subs := make([]*wsclient.Subscription, b.subscribers)
	for i := range subs {
		s, err := wsclient.Subscribe(ctx, wsURL, token, `subscription { kpisUpdated { approachingExpiration { count } } }`)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		defer s.Close()
		if _, err := s.Next(ctx); err != nil {
			return fmt.Errorf("subscriber %d first message: %w", i, err)
		}
		subs[i] = s
	}
	// One change first, unmeasured: the first change after the subscribers' first figures
	// reads every customer's KPIs on B once; later changes bring them up to date customer
	// by customer. Then one change a second, slower than a scope's live recomputations are
	// paced (PARTNERHUB_LIVE_MAX_RATE), so that each change is measured, not the pause
	// after the one before.
	var latencies []time.Duration
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := range b.requests + 1 {
		if i > 0 {
			<-tick.C
		}
		body := probe.upsert(i%2 == 0)
		start := time.Now()
		if err := probe.mutate.post(ctx, body); err != nil {
			return fmt.Errorf("mutation: %w", err)
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, s := range subs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				_, err := s.Next(wctx)
				took := time.Since(start)
				mu.Lock()
				if err == nil && i > 0 {
					latencies = append(latencies, took)
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	want := b.requests * b.subscribers
	slices.Sort(latencies)
	if len(latencies) == 0 {
		return fmt.Errorf("no update reached a subscriber")
	}
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	fmt.Fprintf(e.Stdout, "%d mutations on A, %d subscribers on B: %d of %d updates received, p50 %s, p99 %s (from sending the mutation)\n",
		b.requests, b.subscribers, len(latencies), want, pct(0.5).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond))
	fmt.Fprintf(e.Stdout, "instance B (subscribers): peak RSS %s\n", instB.peakRSS())
	return nil
}
