package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

// benchPartner names the partner the benchmarks seed and reuse.
const benchPartner = "Benchmark Partner"

// liveCustomerID is the external ID of the customer the live suite adds to that partner
// and changes; it is not part of the seeded size.
const liveCustomerID = "bench-live"

// directoryQuery is the page of the customer directory that the benchmark requests.
const directoryQuery = `query($q: String) { customers(first: 50, orderBy: {field: NAME, direction: ASC}, query: $q) {
  totalCount edges { node { name statuses tags { name } licenseSummary { product total assigned used }
  subscriptions { subscriptionId state endsAt licenses { product total assigned used } } } } } }`

var benchCommand = command{
	usage: "Benchmarks the server at scale: seeds --customers into the configured database (reusing a\n" +
		"previous benchmark seed of that size), serves in-process and measures one --suite:\n" +
		"  directory  the customer directory page from --clients clients for --duration, unfiltered and\n" +
		"             filtered (--runs)\n" +
		"  analytics  kpis uncached and cached, and each CALLING analytics section, one request at a time\n" +
		"  live       latency from an upsertSubscriptions on instance A to --subscribers websocket\n" +
		"             subscribers of kpisUpdated on instance B (PostgreSQL)\n" +
		"  dashboard  the whole dashboard read by --clients clients from instance A while an integrator\n" +
		"             posts --batches-per-second usage batches of --batch-size lines to A and\n" +
		"             --subscribers live KPI subscribers (a fifth of them ADMINs) listen on instance B,\n" +
		"             for --duration (PostgreSQL)\n" +
		"  hostile    the directory page from --clients clients for --duration, quiet and then beside 8\n" +
		"             clients sending introspection aliases and searched totalCount aliases",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		b := bench{}
		fs.StringVar(&b.suite, "suite", "directory", "directory, analytics, live, dashboard or hostile")
		fs.IntVar(&b.customers, "customers", 100000, "customers of the benchmark partner")
		fs.IntVar(&b.callLegs, "call-legs", 200000, "call legs seeded with them")
		fs.IntVar(&b.clients, "clients", 16, "concurrent clients (directory, dashboard)")
		fs.StringVar(&b.runs, "runs", "both", "directory runs: unfiltered, filtered or both")
		fs.DurationVar(&b.duration, "duration", 30*time.Second, "how long each directory run, or the dashboard run, lasts")
		fs.DurationVar(&b.warmup, "warmup", 3*time.Second, "how long the clients run before each directory run, unmeasured")
		fs.IntVar(&b.requests, "requests", 50, "requests per measured query (analytics) or mutations (live)")
		fs.IntVar(&b.subscribers, "subscribers", 1000, "websocket subscribers (live, dashboard)")
		fs.IntVar(&b.batchesPerSecond, "batches-per-second", 10, "recordLicenseUsage batches a second (dashboard)")
		fs.IntVar(&b.batchSize, "batch-size", 100, "lines per usage batch (dashboard)")
		fs.StringVar(&b.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
		return func(ctx context.Context, e *env) error { return b.run(ctx, e) }
	},
}

// bench is one benchmark run.
type bench struct {
	suite, runs                            string
	customers, callLegs, clients, requests int
	subscribers, batchesPerSecond          int
	batchSize                              int
	duration, warmup                       time.Duration
	cpuProfile                             string
}

// serveBench serves a's routes on a loopback port until ctx ends and returns the URL.
func serveBench(ctx context.Context, a *app) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go a.serve(ctx, ln, a.routes())
	return "http://" + ln.Addr().String() + "/graphql", nil
}

func (b bench) run(ctx context.Context, e *env) error {
	e.cfg.LogLevel = "warn"
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	adm, err := benchAdmin(ctx, a, b.customers, b.callLegs, e.stdout)
	if err != nil {
		return err
	}
	token, _, err := a.auth.Issue(viewer.SystemContext(ctx), a.db.Client, adm, auth.Grant{Name: "benchmark", Role: adm.Role, TTL: 2 * time.Hour, Scopes: viewer.Scopes})
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	url, err := serveBench(sctx, a)
	if err != nil {
		return err
	}
	resetPeakRSS()
	if b.cpuProfile != "" {
		f, err := os.Create(b.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(e.stdout, "suite %s on %s, %d customers\n", b.suite, a.db.Dialect, b.customers)
	switch b.suite {
	case "directory":
		err = b.directory(ctx, e, url, token)
	case "analytics":
		err = b.analytics(ctx, e, a, url, token)
	case "live":
		err = b.live(ctx, e, a, url, token)
	case "dashboard":
		err = b.dashboard(ctx, e, a, adm, url, token)
	case "hostile":
		err = b.hostile(ctx, e, a, adm, url, token)
	default:
		err = fmt.Errorf("unknown suite %q: use directory, analytics, live, dashboard or hostile", b.suite)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "peak RSS (server and load generator in one process): %s\n", peakRSS())
	return nil
}

func (b bench) directory(ctx context.Context, e *env, url, token string) error {
	if b.runs != "both" && b.runs != "unfiltered" && b.runs != "filtered" {
		return fmt.Errorf("unknown --runs %q: use unfiltered, filtered or both", b.runs)
	}
	fmt.Fprintf(e.stdout, "%d clients, %s per run after %s unmeasured\n", b.clients, b.duration, b.warmup)
	for _, run := range []struct{ name, kind, query string }{
		{"customers(first: 50, orderBy: NAME)", "unfiltered", ""},
		{`... query: "status:expiring_soon product:calling"`, "filtered", "status:expiring_soon product:calling"},
	} {
		if b.runs != "both" && b.runs != run.kind {
			continue
		}
		body, _ := json.Marshal(map[string]any{"query": directoryQuery, "variables": map[string]any{"q": run.query}})
		res, err := load(ctx, url, token, body, b.clients, b.warmup, b.duration)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n  %s\n", run.name, res)
	}
	return nil
}

// benchAdmin returns the FULL_ADMIN of the benchmark partner of that size, seeding it first
// when there is none.
func benchAdmin(ctx context.Context, a *app, customers, callLegs int, out io.Writer) (*ent.Admin, error) {
	sys := viewer.SystemContext(ctx)
	name := fmt.Sprintf("%s %d", benchPartner, customers)
	p, err := a.db.Client.Partner.Query().Where(partner.Name(name)).First(sys)
	if ent.IsNotFound(err) {
		fmt.Fprintf(out, "seeding %d customers and %d call legs...\n", customers, callLegs)
		start := time.Now()
		res, err := seed.Run(ctx, a.db, seed.Options{Seed: 42, Customers: customers, CallLegs: callLegs, PartnerName: name, Now: a.now(), Progress: seedProgress(out, time.Now)})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "seeded in %s\n", time.Since(start).Round(time.Millisecond))
		p, err = a.db.Client.Partner.Get(sys, res.PartnerID)
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	} else if n, err := a.db.Client.Customer.Query().Where(customer.PartnerID(p.ID), customer.Or(customer.ExternalIDIsNil(), customer.ExternalIDNEQ(liveCustomerID))).Count(sys); err != nil || n != customers {
		return nil, fmt.Errorf("partner %q has %d customers, want %d: %v", name, n, customers, err)
	} else {
		fmt.Fprintf(out, "reusing the seeded %q\n", name)
	}
	return a.db.Client.Admin.Query().Where(admin.PartnerID(p.ID), admin.RoleEQ(enum.RoleFullAdmin)).Order(ent.Asc(admin.FieldID)).First(sys)
}

// loadResult summarises one load run.
type loadResult struct {
	requests   int
	elapsed    time.Duration
	latencies  []time.Duration
	statements int64
}

// percentile is the latency below which the fraction p of the requests finished.
func (r loadResult) percentile(p float64) time.Duration {
	slices.Sort(r.latencies)
	return r.latencies[int(p*float64(len(r.latencies)-1))]
}

func (r loadResult) String() string {
	pct := r.percentile
	return fmt.Sprintf("requests %d, %.0f req/s, p50 %s, p99 %s, %.2f SQL statements/request",
		r.requests, float64(r.requests)/r.elapsed.Seconds(), pct(0.50).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), float64(r.statements)/float64(r.requests))
}

// poster posts GraphQL requests with a token and fails on any error in the answer.
type poster struct {
	client     *http.Client
	url, token string
}

func newPoster(url, token string, clients int) poster {
	return poster{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}, url: url, token: token}
}

func (p poster) post(ctx context.Context, body []byte) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var raw []byte
	if resp.ContentLength > 0 {
		raw = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, raw)
	} else {
		raw, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, raw)
	}
	return nil
}

// load posts body from clients goroutines for d and measures every response, after the
// same clients have run unmeasured for warmup.
func load(ctx context.Context, url, token string, body []byte, clients int, warmup, d time.Duration) (loadResult, error) {
	p := newPoster(url, token, clients)
	if err := p.post(ctx, body); err != nil { // fail fast on a broken query
		return loadResult{}, err
	}
	// At full concurrency the pool opens more connections, and each new database session
	// prepares its statements and fills its catalog caches on its first requests.
	if _, err := p.drive(ctx, body, clients, warmup); err != nil {
		return loadResult{}, err
	}
	before := storage.Statements.Load()
	res, err := p.drive(ctx, body, clients, d)
	res.statements = storage.Statements.Load() - before
	return res, err
}

// drive posts body from clients goroutines, each one request after another, for d.
func (p poster) drive(ctx context.Context, body []byte, clients int, d time.Duration) (loadResult, error) {
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
		bad error
	)
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t := time.Now()
				err := p.post(ctx, body)
				took := time.Since(t)
				mu.Lock()
				if err != nil && bad == nil {
					bad = err
				}
				res.latencies = append(res.latencies, took)
				res.requests++
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, bad
}

// sequential posts body n times, one after another, after one warm-up.
func sequential(ctx context.Context, url, token string, body []byte, n int) (loadResult, error) {
	p := newPoster(url, token, 1)
	if err := p.post(ctx, body); err != nil {
		return loadResult{}, err
	}
	res := loadResult{}
	before := storage.Statements.Load()
	start := time.Now()
	for range n {
		t := time.Now()
		if err := p.post(ctx, body); err != nil {
			return res, err
		}
		res.latencies = append(res.latencies, time.Since(t))
		res.requests++
	}
	res.elapsed = time.Since(start)
	res.statements = storage.Statements.Load() - before
	return res, nil
}

// resetPeakRSS starts the peak-RSS measurement afresh (Linux), so seeding does not count.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's peak resident set size (Linux VmHWM).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return strings.TrimSpace(rest)
			}
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "unknown"
}
