// Package graph is the GraphQL boundary: the resolver root, the resolvers (each a few
// lines delegating to a sub-package), the request limits and the error presenter.
package graph

//go:generate sh -c "cd .. && go run ./graph/render/gen"

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/directory"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/live"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
	"github.com/partnerhub/partnerhub-api/graph/report"
	"github.com/partnerhub/partnerhub-api/graph/socket"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	Client *ent.Client
	// Now is the injected clock.
	Now func() time.Time
	// LaunchURLTemplate links to a customer's control hub; {orgId} is replaced.
	LaunchURLTemplate string
	// Audit runs mutations in transactions that record them.
	Audit *audit.Recorder
	// Auth mints tokens for createApiToken.
	Auth *auth.Authority
	// Broker carries change notifications; Cache keeps analytics until they come.
	Broker live.Broker
	Cache  *live.Cache
	// Limits bound live subscriptions.
	Limits *SubscriptionLimits
	// Sockets are the open websockets, to close one with a code.
	Sockets *socket.Registry
	// Reports generates, serves and schedules the CSV reports.
	Reports *report.Service
	// Rebuilds recompute quality rollups after new thresholds.
	Rebuilds *calling.Rebuilder
	// kpiFeeds and callingFeeds serve the live KPIs and calling analytics.
	kpiFeeds     *feeds[*analytics.Kpis]
	callingFeeds *feeds[*calling.Analytics]
}

// Options tune a Resolver.
type Options struct {
	// LaunchURLTemplate links to a customer's control hub; {orgId} is replaced.
	LaunchURLTemplate string
	// CacheTTL is how long analytics are reused when no change arrives; 0 disables reuse.
	CacheTTL time.Duration
	// MaxSubscriptions bounds the live subscriptions of the process.
	MaxSubscriptions int
	// Sockets accepts the websockets; nil makes a registry of its own.
	Sockets *socket.Registry
	// CallLegRetention is how long raw call legs are kept; 0 means DefaultCallLegRetention.
	CallLegRetention time.Duration
	// Reports configures the reports' storage and links.
	Reports ReportOptions
	// LiveMaxRate bounds the computations per second of each cached result of a scope
	// and region, and of its live KPIs; 0 leaves them unpaced.
	LiveMaxRate int
}

// ReportOptions configure the reports.
type ReportOptions struct {
	// Dir holds the report files; empty keeps them in the database.
	Dir string
	// Retention is how long files are kept; 0 is report.DefaultRetention.
	Retention time.Duration
	// Secret signs download links; Dialect is the database's.
	Secret  []byte
	Dialect string
	Logger  *slog.Logger
}

// DefaultCallLegRetention is how long raw call legs are kept when nothing is configured.
const DefaultCallLegRetention = 13 * 7 * 24 * time.Hour

// DefaultOptions are the options when none are configured.
var DefaultOptions = Options{LaunchURLTemplate: "https://admin.example.com/orgs/{orgId}", CacheTTL: time.Minute, MaxSubscriptions: 20000, LiveMaxRate: 4}

// NewResolver returns the resolver root; committed changes are announced through broker.
func NewResolver(client *ent.Client, now func() time.Time, authority *auth.Authority, broker live.Broker, opts Options) *Resolver {
	rec := NewRecorder(client, now, authority, broker)
	ro := opts.Reports
	reports := report.NewService(client, now, rec, broker, &report.Store{Client: client, Dir: ro.Dir}, ro.Secret, cmp.Or(ro.Logger, slog.Default()))
	reports.Retention, reports.Dialect = cmp.Or(ro.Retention, report.DefaultRetention), ro.Dialect
	r := &Resolver{
		Client: client, Now: now, LaunchURLTemplate: opts.LaunchURLTemplate,
		Audit: rec,
		Auth:  authority, Broker: broker, Cache: live.NewCache(broker, opts.CacheTTL, now),
		Limits:  &SubscriptionLimits{PerConnection: limit.SubscriptionsPerConnection, PerProcess: int64(opts.MaxSubscriptions)},
		Sockets: cmp.Or(opts.Sockets, socket.NewRegistry(InitTimeout)),
		Reports: reports,
		Rebuilds: &calling.Rebuilder{Client: client, Now: now, Retention: cmp.Or(opts.CallLegRetention, DefaultCallLegRetention),
			Done: func(partnerID int) {
				_ = rec.Notify(context.Background(), partnerID, change.Set{Kinds: []change.Kind{"CallingDay"}, Many: true})
			}},
	}
	r.kpiFeeds = newFeeds(r, opts.LiveMaxRate, r.kpiFigures)
	r.kpiFeeds.fresh = r.kpisFresh
	r.callingFeeds = newFeeds(r, opts.LiveMaxRate, r.callingFigures)
	r.callingFeeds.until = nextWeek
	r.Cache.MinInterval = r.kpiFeeds.interval
	return r
}

// NewRecorder returns the recorder of mutations made in this process: once one commits,
// this instance forgets its cached token lookups of the partner at once when it changed
// its tokens, admins or settings (a new role or a revocation applies to the next request), and broker announces the change to every
// instance, whose authorities forget them too (see server's openApp).
func NewRecorder(client *ent.Client, now func() time.Time, authority *auth.Authority, broker live.Broker) *audit.Recorder {
	return &audit.Recorder{Client: client, Now: now, Notify: func(ctx context.Context, partnerID int, touched change.Set) error {
		if authority != nil {
			authority.Changed(partnerID, touched)
		}
		return broker.Publish(ctx, live.Change{PartnerID: partnerID, Set: touched})
	}}
}

// InitTimeout is how long a websocket may stay open without a connection_init.
const InitTimeout = 10 * time.Second

// filterEnv is what customer criteria are evaluated against for the request's viewer.
func (r *Resolver) filterEnv(ctx context.Context) filter.Env {
	v := viewer.FromContext(ctx)
	return filter.Env{Rules: status.NewRules(r.Now(), v.Settings), AdminID: v.AdminID, PartnerID: v.PartnerID}
}

// subscriptionsAndLines loads a customer's subscriptions and license lines together.
func subscriptionsAndLines(ctx context.Context, customerID int) ([]*ent.Subscription, []*ent.License, error) {
	l := loader.For(ctx)
	subsThunk, linesThunk := l.Subscriptions.Load(ctx, customerID), l.Licenses.Load(ctx, customerID)
	subs, err := subsThunk()
	if err != nil {
		return nil, nil, err
	}
	lines, err := linesThunk()
	return subs, lines, err
}

// listCustomers compiles the typed filter and query string and lists the matching page.
func (r *Resolver) listCustomers(ctx context.Context, args page.Args, order *model.CustomerOrder, in *model.CustomerFilter, query *string) (*page.Connection[*ent.Customer], error) {
	criteria, err := filter.Compile(in, query)
	if err != nil {
		return nil, err
	}
	return r.customerPage(ctx, args, order, criteria, r.customerCount(ctx, in, query))
}

// customerPage lists the page of visible customers matching criteria and loads what the
// selected fields of its customers need, one statement per kind of lookup.
func (r *Resolver) customerPage(ctx context.Context, args page.Args, order *model.CustomerOrder, criteria filter.Criteria, counts directory.CountCache) (*page.Connection[*ent.Customer], error) {
	env, needs := r.filterEnv(ctx), customerNeeds(ctx)
	var selects func(*sql.Selector)
	if needs.loaders[statusesLoader] {
		selects = env.Rules.SelectMask
	}
	conn, err := directory.List(ctx, r.Client, env, args, order, criteria, needs.columns, selects, counts)
	if err != nil {
		return nil, err
	}
	return conn, primeCustomers(ctx, conn, needs)
}

// customerCount reuses the viewer's count of customers matching the filter and query until
// a change of the partner, like the KPIs: counting 100 000 customers against status
// predicates costs far more than the page itself.
func (r *Resolver) customerCount(ctx context.Context, in *model.CustomerFilter, query *string) directory.CountCache {
	v := viewer.FromContext(ctx)
	spec, err := json.Marshal(struct {
		Filter *model.CustomerFilter
		Query  *string
	}{in, query})
	if err != nil {
		return nil
	}
	// The admin is part of the key even for viewers who see everything: managed:me differs.
	key := fmt.Sprintf("customers-count|admin:%d|%s", v.AdminID, spec)
	return func(ctx context.Context, compute func(context.Context) (int, error)) (int, error) {
		return live.Get(ctx, r.Cache, partnerScope(v), key, compute)
	}
}

// viewerOf describes the request's viewer and what it may do.
func viewerOf(ctx context.Context) (*model.Viewer, error) {
	v := viewer.FromContext(ctx)
	adm, err := loader.Load(ctx, loader.For(ctx).Admin, v.AdminID)
	if err != nil {
		return nil, err
	}
	scopes := v.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return &model.Viewer{
		Admin: adm, Role: v.Role, Scopes: scopes,
		ViewerCanEditTags: v.CanEditTags(), ViewerCanStartTrials: v.CanStartTrials(),
		ViewerCanAssignAdmins: v.CanAssignAdmins(), ViewerCanIngest: v.CanIngest(),
	}, nil
}
