package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/server/internal/app"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// liveProbe moves a subscription of the live suite's customer in and out of the 90-day
// expiry window, so that each move changes approachingExpiration for every viewer who
// sees that customer.
type liveProbe struct {
	mutate poster
	sent   int
	took   latencies // of each committing mutation, answer included
}

// newLiveProbe creates the probe's customer and subscription (ending in two years) through
// the API at url, or finds them.
func newLiveProbe(ctx context.Context, url, token string) (*liveProbe, error) {
	p := &liveProbe{mutate: newPoster(url, token, 1)}
	customerBody, _ := json.Marshal(map[string]any{
		"query":     `mutation($id: String!) { upsertCustomers(input: {customers: [{externalId: $id, name: "Live Benchmark Co", orgId: "00000000-0000-0000-0000-00000000b1e5", region: US, country: "US"}]}) { failed } }`,
		"variables": map[string]any{"id": liveCustomerID},
	})
	if err := p.mutate.post(ctx, customerBody); err != nil {
		return nil, fmt.Errorf("create the benchmark customer: %w", err)
	}
	if err := p.mutate.post(ctx, p.upsert(false)); err != nil {
		return nil, fmt.Errorf("create the benchmark subscription: %w", err)
	}
	return p, nil
}

// upsert is the mutation that makes the probe's subscription end in 30 days (expiring) or
// in two years.
func (p *liveProbe) upsert(expiring bool) []byte {
	ends := time.Now().AddDate(2, 0, 0)
	if expiring {
		ends = time.Now().AddDate(0, 0, 30)
	}
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($s: [SubscriptionUpsertInput!]!) { upsertSubscriptions(input: {subscriptions: $s}) { stored failed } }`,
		"variables": map[string]any{"s": []map[string]any{{
			"customerExternalId": liveCustomerID, "subscriptionId": "BENCH-LIVE", "kind": "PAID", "state": "ACTIVE",
			"startedAt": "2025-01-01T00:00:00Z", "endsAt": ends.UTC().Format(time.RFC3339), "autoRenew": false,
			"licenses": []map[string]any{{"product": "CALLING", "total": 10, "assigned": 5, "used": 3, "usedLast90Days": 4}},
		}}},
	})
	return body
}

// run moves the probe once a second until ctx ends, each time after every subscriber
// heard of the previous move (or 10 s passed).
func (p *liveProbe) run(ctx context.Context, subs []*dashboardSubscriber, lat *latencies) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		start := time.Now()
		for _, s := range subs {
			s.expect(start)
		}
		// A probe sent is seen through, so that every update heard is of a probe counted.
		if err := p.mutate.post(context.WithoutCancel(ctx), p.upsert(p.sent%2 == 0)); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		p.took.add(time.Since(start))
		p.sent++
		// Heard of by every subscriber, even after the run's end, or given up on after 10 s.
		wait := time.After(10 * time.Second)
		for _, s := range subs {
			select {
			case <-s.received:
			case <-wait:
			}
		}
	}
}

// dashboardSubscriber is one subscriber of the live KPIs, noting the latency of each
// probe it hears of: a message whose approachingExpiration differs from the last.
type dashboardSubscriber struct {
	sub      *wsclient.Subscription
	mu       sync.Mutex
	last     int
	probeAt  time.Time // when the probe it waits for was sent; zero: none
	received chan struct{}
}

func newDashboardSubscriber(ctx context.Context, url, token string, lat *latencies) (*dashboardSubscriber, error) {
	sub, err := wsclient.Subscribe(ctx, url, token, liveKpisQuery)
	if err != nil {
		return nil, err
	}
	s := &dashboardSubscriber{sub: sub, received: make(chan struct{}, 1)}
	first, err := s.message(ctx)
	if err != nil {
		sub.Close()
		return nil, fmt.Errorf("first message: %w", err)
	}
	s.last = first
	go func() {
		for {
			n, err := s.message(context.Background())
			if err != nil {
				return
			}
			now := time.Now()
			s.mu.Lock()
			if n != s.last && !s.probeAt.IsZero() {
				lat.add(now.Sub(s.probeAt))
				s.probeAt = time.Time{}
				select {
				case s.received <- struct{}{}:
				default:
				}
			}
			s.last = n
			s.mu.Unlock()
		}
	}()
	return s, nil
}

// message reads the next message's approachingExpiration.
func (s *dashboardSubscriber) message(ctx context.Context) (int, error) {
	data, err := s.sub.Next(ctx)
	if err != nil {
		return 0, err
	}
	var k struct {
		KpisUpdated struct{ ApproachingExpiration struct{ Count int } }
	}
	err = json.Unmarshal(data, &k)
	return k.KpisUpdated.ApproachingExpiration.Count, err
}

// expect notes that a probe was sent at t.
func (s *dashboardSubscriber) expect(t time.Time) {
	s.mu.Lock()
	s.probeAt = t
	s.mu.Unlock()
	select {
	case <-s.received:
	default:
	}
}

// backendCPU is the CPU time of a database's backends: per process, and spent since an
// earlier reading.
type backendCPU struct {
	byPID map[int]float64
	spent float64
}

// databaseCPU reads the CPU time of the PostgreSQL backends serving a's database from
// /proc (the database must run on this machine); since, when given, is the earlier
// reading to count from.
func databaseCPU(ctx context.Context, a *app.App, since *backendCPU) (*backendCPU, error) {
	rows, err := a.DB.SQL.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
	if err != nil {
		return nil, fmt.Errorf("list database backends: %w", err)
	}
	defer rows.Close()
	out := &backendCPU{byPID: map[int]float64{}}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil, fmt.Errorf("read the CPU time of database backend %d (is the database on this machine?): %w", pid, err)
		}
		// Fields after the command's closing parenthesis: utime and stime are the 12th and
		// 13th, in clock ticks of 1/100 s.
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		out.byPID[pid] = (utime + stime) / 100
	}
	if since != nil {
		for pid, t := range out.byPID {
			out.spent += t - since.byPID[pid]
		}
	}
	return out, rows.Err()
}

// latencies collects durations from any goroutine.
type latencies struct {
	mu sync.Mutex
	ds []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ds = append(l.ds, d)
	l.mu.Unlock()
}

// summary tells how many of the probe updates its subscribers should have heard of
// arrived, and how soon after the committing mutation was sent; the mutation's own time
// (its answer comes once it committed) bounds how much of that the commit took.
func (p *liveProbe) summary(heard *latencies, subscribers int) string {
	heard.mu.Lock()
	n := len(heard.ds)
	heard.mu.Unlock()
	return fmt.Sprintf("%d of %d probe updates received, %s from sending the committing mutation, which was answered in %s",
		n, p.sent*subscribers, heard.percentiles(), p.took.percentiles())
}

// percentiles gives the median and 99th percentile.
func (l *latencies) percentiles() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ds) == 0 {
		return "(none completed)"
	}
	slices.Sort(l.ds)
	pct := func(p float64) time.Duration { return l.ds[int(p*float64(len(l.ds)-1))].Round(100 * time.Microsecond) }
	return fmt.Sprintf("p50 %s, p99 %s", pct(0.5), pct(0.99))
}

// metricSum sums the samples on an instance's /metrics whose line starts with prefix.
func metricSum(graphqlURL, prefix string) float64 {
	resp, err := http.Get(strings.TrimSuffix(graphqlURL, "/graphql") + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	total := 0.0
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			total += v
		}
	}
	return total
}

// cacheLookups returns an instance's analytics cache hits and misses so far.
func cacheLookups(url string) (hits, misses float64) {
	return metricSum(url, `partnerhub_analytics_cache_lookups_total{result="hit"}`), metricSum(url, `partnerhub_analytics_cache_lookups_total{result="miss"}`)
}

// recomputationsOf returns an instance's analytics recomputations so far.
func recomputationsOf(url string) float64 {
	return metricSum(url, "partnerhub_analytics_recomputations_total{")
}
