// Package bench measures the server at scale: it seeds a benchmark partner once, serves the
// app in-process (the live and dashboard suites' instance B in a process of its own) and
// drives it with load generators of its own, one suite at a time.
package bench

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
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

// Command is the bench sub-command.
var Command = app.Command{
	Usage: "Benchmarks the server at scale: seeds --customers into the configured database (reusing a\n" +
		"previous benchmark seed of that size), serves in-process on --addr (else a free loopback\n" +
		"port; a second instance, a server process of its own, on another port of that host) and\n" +
		"measures one --suite:\n" +
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
		"             clients sending introspection aliases and searched totalCount aliases\n" +
		"  reports    a calling usage detail report (12 weeks) and a devices report of the largest region:\n" +
		"             time to READY, rows/s and download throughput\n" +
		"  ingest     POST /ingest/call-legs of an NDJSON file of --legs legs, beside psql's \\copy of the\n" +
		"             same rows into a bare table (PostgreSQL)\n" +
		"  calling    callingAnalytics with every field, and each of its connections' first page,\n" +
		"             uncached and cached, one request at a time",
	Flags: func(fs *flag.FlagSet) func(context.Context, *app.Env) error {
		b := bench{}
		fs.StringVar(&b.suite, "suite", "directory", "directory, analytics, live, dashboard, hostile, reports, ingest or calling")
		fs.IntVar(&b.legs, "legs", 10000000, "call legs the ingest suite streams in")
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
		return func(ctx context.Context, e *app.Env) error {
			// The benchmark listens on --addr when given, else on a free loopback port;
			// PARTNERHUB_ADDR, a server's setting, does not move it onto that server's port.
			if !flagGiven(fs, "addr") {
				e.Cfg.Addr = "127.0.0.1:0"
			}
			return b.run(ctx, e)
		}
	},
}

// otherPort is a free port on addr's host, for the instances besides the first.
func otherPort(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	return net.JoinHostPort(host, "0")
}

// bench is one benchmark run.
type bench struct {
	suite, runs                            string
	customers, callLegs, clients, requests int
	subscribers, legs, batchesPerSecond    int
	batchSize                              int
	duration, warmup                       time.Duration
	cpuProfile                             string
}

// flagGiven reports whether the command line set the flag called name.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// serveBench serves a's routes on addr until ctx ends and returns the URL.
func serveBench(ctx context.Context, a *app.App, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", addr, err)
	}
	go a.Serve(ctx, ln, a.Routes())
	return "http://" + ln.Addr().String() + "/graphql", nil
}

// check refuses counts a run cannot be made of, before anything is seeded.
func (b bench) check() error {
	for _, f := range []struct {
		name     string
		n, least int
	}{
		{"customers", b.customers, 1}, {"call-legs", b.callLegs, 0}, {"clients", b.clients, 1}, {"requests", b.requests, 1},
		{"subscribers", b.subscribers, 1}, {"legs", b.legs, 1}, {"batches-per-second", b.batchesPerSecond, 1}, {"batch-size", b.batchSize, 1},
	} {
		if f.n < f.least {
			return fmt.Errorf("--%s takes %d or more, got %d", f.name, f.least, f.n)
		}
	}
	return nil
}

func (b bench) run(ctx context.Context, e *app.Env) error {
	if err := b.check(); err != nil {
		return err
	}
	e.Cfg.LogLevel = "warn"
	a, err := app.Open(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	adm, err := benchAdmin(ctx, a, b.customers, b.callLegs, e.Stdout)
	if err != nil {
		return err
	}
	token, _, err := a.Auth.Issue(viewer.SystemContext(ctx), a.DB.Client, adm, auth.Grant{Name: "benchmark", Role: adm.Role, TTL: 2 * time.Hour, Scopes: viewer.Scopes})
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	url, err := serveBench(sctx, a, a.Cfg.Addr)
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
	fmt.Fprintf(e.Stdout, "suite %s on %s, %d customers, serving %s\n", b.suite, a.DB.Dialect, b.customers, url)
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
	case "reports":
		err = b.reports(ctx, e, url, token)
	case "ingest":
		err = b.ingest(ctx, e, a, url, token)
	case "calling":
		err = b.calling(ctx, e, url, token)
	default:
		err = fmt.Errorf("unknown suite %q: use directory, analytics, live, dashboard, hostile, reports, ingest or calling", b.suite)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "peak RSS (server and load generator in one process): %s\n", peakRSS())
	return nil
}

func (b bench) directory(ctx context.Context, e *app.Env, url, token string) error {
	if b.runs != "both" && b.runs != "unfiltered" && b.runs != "filtered" {
		return fmt.Errorf("unknown --runs %q: use unfiltered, filtered or both", b.runs)
	}
	fmt.Fprintf(e.Stdout, "%d clients, %s per run after %s unmeasured\n", b.clients, b.duration, b.warmup)
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
		fmt.Fprintf(e.Stdout, "%s\n  %s\n", run.name, res)
	}
	return nil
}

// benchAdmin returns the FULL_ADMIN of the benchmark partner of that size, seeding it first
// when there is none.
func benchAdmin(ctx context.Context, a *app.App, customers, callLegs int, out io.Writer) (*ent.Admin, error) {
	sys := viewer.SystemContext(ctx)
	name := fmt.Sprintf("%s %d", benchPartner, customers)
	p, err := a.DB.Client.Partner.Query().Where(partner.Name(name)).First(sys)
	if ent.IsNotFound(err) {
		fmt.Fprintf(out, "seeding %d customers and %d call legs...\n", customers, callLegs)
		start := time.Now()
		res, err := seed.Run(ctx, a.DB, seed.Options{Seed: 42, Customers: customers, CallLegs: callLegs, PartnerName: name, Now: a.Now(), Progress: app.SeedProgress(out, time.Now)})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "seeded in %s\n", time.Since(start).Round(time.Millisecond))
		p, err = a.DB.Client.Partner.Get(sys, res.PartnerID)
		if err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	} else if n, err := a.DB.Client.Customer.Query().Where(customer.PartnerID(p.ID), customer.Or(customer.ExternalIDIsNil(), customer.ExternalIDNEQ(liveCustomerID))).Count(sys); err != nil || n != customers {
		return nil, fmt.Errorf("partner %q has %d customers, want %d: %v", name, n, customers, err)
	} else {
		fmt.Fprintf(out, "reusing the seeded %q\n", name)
	}
	return a.DB.Client.Admin.Query().Where(admin.PartnerID(p.ID), admin.RoleEQ(enum.RoleFullAdmin)).Order(ent.Asc(admin.FieldID)).First(sys)
}
