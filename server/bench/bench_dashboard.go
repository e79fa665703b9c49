package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

// dashboardQuery is the dashboard: the KPIs and every CALLING table section's KPIs and
// first page.
var dashboardQuery = func() string {
	names := make([]string, 0, len(sectionQueries))
	for n := range sectionQueries {
		if n != "licenseTrend" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(kpisQuery, " }") + " subscriptionAnalytics(product: CALLING) {")
	for _, n := range names {
		q := strings.TrimPrefix(sectionQueries[n], "{ subscriptionAnalytics(product: CALLING) {")
		b.WriteString(strings.TrimSuffix(q, " } }"))
	}
	b.WriteString(" } }")
	return b.String()
}()

// liveKpisQuery is what the dashboard's subscribers receive.
const liveKpisQuery = `subscription { kpisUpdated { totalCustomers { count } approachingExpiration { count } upcomingRenewal { count } lowLicenseAssignment { count } overLicenseLimit { count } } }`

// dashboard measures the dashboard under continuous ingest: an integrator posts batches of
// license usage to instance A, clients read the whole dashboard from A, and subscribers
// on instance B (FULL_ADMINs and ADMINs) get live KPIs; once a second a probe moves a
// subscription of a customer every subscriber sees in or out of the expiry window, and
// the time until each subscriber hears of it is the live latency.
func (b bench) dashboard(ctx context.Context, e *app.Env, a *app.App, adm *ent.Admin, urlA, token string) error {
	instB, err := secondInstance(ctx, a, "dashboard")
	if err != nil {
		return err
	}
	defer instB.close()
	urlB := instB.url
	// The integrator and the probe are other FULL_ADMINs than the readers', so that the
	// admission control's fair queue gives each its own share of the slots: the probe's
	// change does not queue behind the integrator's batches.
	integrator, err := writerToken(ctx, a, adm, 0, "integrator")
	if err != nil {
		return err
	}
	prober, err := writerToken(ctx, a, adm, 1, "probe")
	if err != nil {
		return err
	}
	probe, err := newLiveProbe(ctx, urlA, prober)
	if err != nil {
		return err
	}
	admins, err := benchAdmins(ctx, a, adm.PartnerID, 100)
	if err != nil {
		return err
	}
	lines, err := usageLines(ctx, a, adm.PartnerID, 2000)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "connecting %d FULL_ADMIN and %d ADMIN subscribers (over %d ADMINs) to instance B...\n", b.subscribers*4/5, b.subscribers/5, len(admins))
	wsURL := "ws" + strings.TrimPrefix(urlB, "http")
	lat, batchTook := &latencies{}, &latencies{}
	var subs []*dashboardSubscriber
	for i := range b.subscribers {
		tok := token
		if i >= b.subscribers*4/5 {
			tok = admins[i%len(admins)]
		}
		s, err := newDashboardSubscriber(ctx, wsURL, tok, lat)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		defer s.sub.Close()
		subs = append(subs, s)
	}
	if err := vacuum(ctx, a, "licenses", "license_snapshots", "license_weeks", "license_trend_weeks", "subscriptions", "customers"); err != nil {
		return err
	}
	readers := newPoster(urlA, token, b.clients)
	body, _ := json.Marshal(map[string]any{"query": dashboardQuery})
	if err := readers.post(ctx, body); err != nil {
		return fmt.Errorf("dashboard query: %w", err)
	}
	fmt.Fprintf(e.Stdout, "%d readers of the dashboard on A, %d usage batches of %d lines a second on A, for %s\n", b.clients, b.batchesPerSecond, b.batchSize, b.duration)
	cpu0, err := databaseCPU(ctx, a, nil)
	if err != nil {
		return err
	}
	hits0, misses0 := cacheLookups(urlA)
	recomputed0 := recomputationsOf(urlB) + recomputationsOf(urlA)
	runCtx, endRun := context.WithTimeout(ctx, b.duration)
	defer endRun()
	var wg sync.WaitGroup
	var probeErr error
	var usage usageRun
	wg.Add(2)
	go func() {
		defer wg.Done()
		usage = ingestUsage(runCtx, urlA, integrator, lines, b.batchesPerSecond, b.batchSize, a.Now, batchTook)
	}()
	go func() {
		defer wg.Done()
		probeErr = probe.run(runCtx, subs, lat)
	}()
	start := time.Now()
	reads, readErr := readers.drive(ctx, body, b.clients, b.duration)
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range []error{readErr, probeErr} {
		if err != nil {
			return err
		}
	}
	cpu1, err := databaseCPU(ctx, a, cpu0)
	if err != nil {
		return err
	}
	hits1, misses1 := cacheLookups(urlA)
	recomputed := recomputationsOf(urlB) + recomputationsOf(urlA) - recomputed0
	hits, misses := hits1-hits0, misses1-misses0
	fmt.Fprintf(e.Stdout, "ingest: %d batches committed (%.1f/s), each %s; %d failed; %d ticks without a batch (%d still unanswered)\n",
		usage.committed, float64(usage.committed)/elapsed.Seconds(), batchTook.percentiles(), usage.failed, usage.skipped, maxInFlight)
	fmt.Fprintf(e.Stdout, "live: %s\n", probe.summary(lat, len(subs)))
	fmt.Fprintf(e.Stdout, "recomputations: %.1f/s (both instances, every cached result)\n", recomputed/elapsed.Seconds())
	fmt.Fprintf(e.Stdout, "dashboard reads: %d, p50 %s, p99 %s; cache hit rate %.1f %% (%0.f of %0.f lookups)\n", reads.requests,
		reads.percentile(0.5).Round(100*time.Microsecond), reads.percentile(0.99).Round(100*time.Microsecond), 100*hits/(hits+misses), hits, hits+misses)
	fmt.Fprintf(e.Stdout, "database CPU: %.2f s/s (backends of this database)\n", cpu1.spent/elapsed.Seconds())
	fmt.Fprintf(e.Stdout, "instance B (subscribers): peak RSS %s\n", instB.peakRSS())
	return nil
}

// benchAdmins returns tokens of up to n ADMINs of the benchmark partner; each is also
// assigned the live suite's customer, so that every subscriber sees the probe.
func benchAdmins(ctx context.Context, a *app.App, partnerID, n int) ([]string, error) {
	sys := viewer.SystemContext(ctx)
	probe, err := a.DB.Client.Customer.Query().Where(customer.PartnerID(partnerID), customer.ExternalID(liveCustomerID)).Only(sys)
	if err != nil {
		return nil, fmt.Errorf("find the probe customer: %w", err)
	}
	admins, err := a.DB.Client.Admin.Query().Where(admin.PartnerID(partnerID), admin.RoleEQ(enum.RoleAdmin), admin.RemovedAtIsNil()).
		Order(ent.Asc(admin.FieldID)).Limit(n).All(sys)
	if err != nil || len(admins) == 0 {
		return nil, fmt.Errorf("find the benchmark partner's ADMINs: %d found: %v", len(admins), err)
	}
	assigned, err := a.DB.Client.Customer.QueryAdmins(probe).IDs(sys)
	if err != nil {
		return nil, err
	}
	var missing []int
	tokens := make([]string, len(admins))
	for i, adm := range admins {
		if !slices.Contains(assigned, adm.ID) {
			missing = append(missing, adm.ID)
		}
		if tokens[i], _, err = a.Auth.Issue(sys, a.DB.Client, adm, auth.Grant{Name: "benchmark", Role: adm.Role, TTL: 2 * time.Hour}); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		if err := a.DB.Client.Customer.UpdateOne(probe).AddAdminIDs(missing...).Exec(sys); err != nil {
			return nil, fmt.Errorf("assign the probe customer: %w", err)
		}
	}
	return tokens, nil
}

// writerToken returns a token with every scope, ingest included, of the nth (from 0)
// FULL_ADMIN of reader's partner other than reader.
func writerToken(ctx context.Context, a *app.App, reader *ent.Admin, nth int, name string) (string, error) {
	sys := viewer.SystemContext(ctx)
	full, err := a.DB.Client.Admin.Query().Where(admin.PartnerID(reader.PartnerID), admin.RoleEQ(enum.RoleFullAdmin),
		admin.RemovedAtIsNil(), admin.IDNEQ(reader.ID)).Order(ent.Asc(admin.FieldID)).Offset(nth).First(sys)
	if err != nil {
		return "", fmt.Errorf("find a FULL_ADMIN for the %s: %w", name, err)
	}
	token, _, err := a.Auth.Issue(sys, a.DB.Client, full, auth.Grant{Name: name, Role: full.Role, TTL: 2 * time.Hour, Scopes: viewer.Scopes})
	return token, err
}

// usageLine is a license line the integrator reports usage of.
type usageLine struct {
	subscriptionID string
	product        enum.Product
	total          int
}

// usageLines picks n license lines of ACTIVE subscriptions of the benchmark partner.
func usageLines(ctx context.Context, a *app.App, partnerID, n int) ([]usageLine, error) {
	sys := viewer.SystemContext(ctx)
	ls, err := a.DB.Client.License.Query().Where(license.PartnerID(partnerID), license.Active(true), license.TotalGT(0)).
		Order(ent.Asc(license.FieldID)).Limit(n).WithSubscription().All(sys)
	if err != nil {
		return nil, fmt.Errorf("pick license lines: %w", err)
	}
	out := make([]usageLine, len(ls))
	for i, l := range ls {
		out[i] = usageLine{l.Edges.Subscription.SubscriptionID, l.Product, l.Total}
	}
	return out, nil
}

// usageRun is what the integrator did: batches committed and failed (an overloaded server
// refuses or times some out), and ticks without a batch because maxInFlight were still
// unanswered.
type usageRun struct{ committed, failed, skipped int }

// maxInFlight is how many of its batches the integrator leaves unanswered at once: it
// sends on its schedule, as an integrator pushing readings does, not only once the
// previous batch was answered.
const maxInFlight = 2

// ingestUsage posts perSecond batches of size random lines' usage until ctx ends, each on
// its tick unless maxInFlight are still unanswered.
func ingestUsage(ctx context.Context, url, token string, lines []usageLine, perSecond, size int, now func() time.Time, took *latencies) usageRun {
	p := newPoster(url, token, maxInFlight)
	r := rand.New(rand.NewPCG(7, 18))
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var run usageRun
	inFlight := make(chan struct{}, maxInFlight)
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return run
		case <-tick.C:
		}
		select {
		case inFlight <- struct{}{}:
		default:
			run.skipped++
			continue
		}
		items := make([]map[string]any, size)
		for i := range items {
			l := lines[r.IntN(len(lines))]
			assigned := r.IntN(l.total + l.total/5 + 1) // some lines over their limit
			used := r.IntN(assigned + 1)
			items[i] = map[string]any{"subscriptionId": l.subscriptionID, "product": l.product, "date": now().UTC().Format("2006-01-02"),
				"assigned": assigned, "used": used, "usedLast90Days": used}
		}
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($u: [LicenseUsageRecord!]!) { recordLicenseUsage(input: {usage: $u}) { failed } }`,
			"variables": map[string]any{"u": items},
		})
		wg.Add(1)
		go func() {
			defer func() { <-inFlight; wg.Done() }()
			start := time.Now()
			err := p.post(ctx, body)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case ctx.Err() != nil: // cut short by the end of the run: not counted
			case err != nil:
				run.failed++
			default:
				took.add(time.Since(start))
				run.committed++
			}
		}()
	}
}

// vacuum vacuums and analyzes the tables a suite's runs update: without autovacuum (a
// server counts on it; a benchmark machine may not run it) their dead row versions would
// slow every later run down.
func vacuum(ctx context.Context, a *app.App, tables ...string) error {
	if a.DB.Dialect != dialect.Postgres {
		return nil
	}
	if _, err := a.DB.SQL.ExecContext(ctx, "VACUUM (ANALYZE) "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("vacuum %s: %w", strings.Join(tables, ", "), err)
	}
	return nil
}
