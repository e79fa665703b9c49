package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// testNow is the fixed instant every rule is evaluated at: a Wednesday.
var testNow = time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)

// harness serves the GraphQL handler over a fresh database at a fixed clock; requests act
// as the viewer named in the X-Test-Viewer header (registered with as).
type harness struct {
	t       testing.TB
	client  *ent.Client
	db      *storage.DB
	srv     *httptest.Server
	sys     context.Context
	mu      sync.Mutex
	viewers map[string]*viewer.Viewer
	broker  *live.Local
	// gql is the handler under test; ref is the same without plain lists (writer "gqlgen").
	gql, ref *handler.Server
	// legs serves POST /ingest/call-legs.
	legs http.Handler
	// resolver is the handlers' resolver, for tests that build a handler of their own.
	resolver *Resolver
	// limits and logger are the handlers', for tests that build a handler of their own.
	limits Limits
	logger *slog.Logger
	// statements counts the SQL statements of the last request.
	statements int64
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	db := storagetest.MustOpen(t)
	h := &harness{t: t, client: db.Client, db: db, sys: viewer.SystemContext(context.Background()), viewers: map[string]*viewer.Viewer{}}
	now := func() time.Time { return testNow }
	authority, err := auth.New(auth.Config{Secret: []byte("harness-secret-0123456789abcdef0123"), Issuer: "test", Audience: "test", TTL: time.Hour}, db.Client, now)
	if err != nil {
		t.Fatal(err)
	}
	h.broker = live.NewLocal()
	r := NewResolver(db.Client, now, authority, h.broker, Options{LaunchURLTemplate: "https://hub.example/orgs/{orgId}", CacheTTL: time.Minute, MaxSubscriptions: 100})
	logger := slog.New(slog.NewTextHandler(testLog{t}, nil))
	h.resolver = r
	// The race detector slows the embedded database down tenfold: tests get a minute per
	// operation (TestOperationDeadline checks the deadline itself).
	limits := DefaultLimits
	limits.Admission = NewAdmission(0, time.Minute)
	h.limits, h.logger = limits, logger
	h.gql, h.ref = NewHandler(r, nil, limits, logger, nil), newServer(r, r, false, nil, limits, logger, nil)
	h.legs = r.CallLegsHandler(limits.Admission, time.Minute, logger)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, n := counting.WithCounter(req.Context())
		h.mu.Lock()
		v := h.viewers[req.Header.Get("X-Test-Viewer")]
		h.mu.Unlock()
		if v != nil {
			ctx = viewer.NewContext(ctx, v)
		}
		// The answer is held back until the count is stored, so the client never reads
		// the count of an earlier request.
		rec := httptest.NewRecorder()
		var gql http.Handler = h.gql
		switch {
		case req.URL.Path == CallLegsPath:
			gql = h.legs
		case req.Header.Get("X-Test-Writer") == "gqlgen":
			gql = h.ref
		}
		gql.ServeHTTP(rec, req.WithContext(ctx))
		h.mu.Lock()
		h.statements = n.Load()
		h.mu.Unlock()
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// lastStatements returns the number of SQL statements the last request ran.
func (h *harness) lastStatements() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.statements
}

// announce tells the server that a partner's data changed, as every mutation does once it
// commits; data written straight through the ent client needs it before results the server
// reuses (counts, KPIs) reflect it.
func (h *harness) announce(partnerID int) {
	if err := h.broker.Publish(context.Background(), live.Everything(partnerID)); err != nil {
		h.t.Error(err) // not Fatal: announce may run in a subtest, whose goroutine is not h.t's
	}
}

// as registers a viewer for admin and returns its name for do.
func (h *harness) as(a *ent.Admin) string {
	name := strconv.Itoa(a.ID)
	h.mu.Lock()
	h.viewers[name] = &viewer.Viewer{PartnerID: a.PartnerID, AdminID: a.ID, Role: a.Role}
	h.mu.Unlock()
	return name
}

// asToken registers a viewer for admin acting through a token narrowed to scopes (none:
// every scope of its role except ingest) and returns its name for do.
func (h *harness) asToken(a *ent.Admin, scopes ...string) string {
	name := fmt.Sprintf("%d:%s", a.ID, strings.Join(scopes, ","))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.viewers[name] == nil {
		// Tokens minted with this one read its record.
		tok := h.client.ApiToken.Create().SetPartnerID(a.PartnerID).SetAdminID(a.ID).SetJti("jti-" + name).SetName(name).
			SetRole(a.Role).SetScopes(scopes).SetCreatedAt(testNow).SetExpiresAt(testNow.AddDate(1, 0, 0)).SaveX(h.sys)
		h.viewers[name] = &viewer.Viewer{PartnerID: a.PartnerID, AdminID: a.ID, Role: a.Role, Scopes: scopes, TokenID: tok.Jti, ExpiresAt: tok.ExpiresAt}
	}
	return name
}

// response is a GraphQL response.
type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// testLog shows the server's logs (internal errors) in the test's output.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

// do posts query with variables as who and returns the response. Failing to reach the
// server or to read its answer fails t without stopping it, so do may be called from any
// goroutine of the test; the empty response then fails the caller's own checks.
func (h *harness) do(t testing.TB, who, query string, vars map[string]any) response {
	t.Helper()
	var out response
	if raw := h.post(t, who, query, vars, ""); raw != nil && json.Unmarshal(raw, &out) != nil {
		t.Errorf("not a GraphQL response: %s", raw)
	}
	return out
}

// post posts query with variables as who to the handler under test, or to the one
// without plain lists when writer is "gqlgen", and returns the body as it came (nil,
// failing t, when there is none).
func (h *harness) post(t testing.TB, who, query string, vars map[string]any, writer string) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Viewer", who)
	req.Header.Set("X-Test-Writer", writer)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
		return nil
	}
	return raw
}

// mustDo is do that fails t on any error and decodes data into v.
func (h *harness) mustDo(t testing.TB, who, query string, vars map[string]any, v any) {
	t.Helper()
	resp := h.do(t, who, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
}

// world is a partner with one admin of each role.
type world struct {
	partner  *ent.Partner
	full     *ent.Admin
	admin    *ent.Admin
	readOnly *ent.Admin
}

var worlds int

func (h *harness) newWorld(name string) world {
	h.t.Helper()
	worlds++
	p := h.client.Partner.Create().SetName(name).SetOrgID(fmt.Sprintf("%s-%d", name, worlds)).SaveX(h.sys)
	mk := func(role enum.Role) *ent.Admin {
		return h.client.Admin.Create().SetPartnerID(p.ID).SetRole(role).SetDisplayName(string(role)).
			SetEmail(fmt.Sprintf("%s@%s.example", role, p.OrgID)).SaveX(h.sys)
	}
	return world{partner: p, full: mk(enum.RoleFullAdmin), admin: mk(enum.RoleAdmin), readOnly: mk(enum.RoleReadOnlyAdmin)}
}

// customerSpec describes a customer to create; times are offsets from testNow.
type customerSpec struct {
	name        string
	region      enum.Region
	createdAgo  time.Duration
	activityAgo *time.Duration // nil: never
	subs        []subSpec
	assignedTo  []*ent.Admin
	tags        []*ent.Tag
	externalID  string
	orgID       string // generated when empty
}

// subSpec describes a subscription; endsIn is from testNow.
type subSpec struct {
	kind       enum.SubscriptionKind
	state      enum.SubscriptionState
	startedAgo time.Duration
	endsIn     time.Duration
	autoRenew  bool
	lines      []lineSpec
}

type lineSpec struct {
	product                        enum.Product
	total, assigned, used, used90d int
}

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func ago(d time.Duration) *time.Duration { return &d }

var customers int

// mustCustomer creates the customer of spec in w's partner.
func (h *harness) mustCustomer(w world, spec customerSpec) *ent.Customer {
	h.t.Helper()
	customers++
	if spec.region == "" {
		spec.region = enum.RegionUS
	}
	if spec.createdAgo == 0 {
		spec.createdAgo = day(400)
	}
	if spec.orgID == "" {
		spec.orgID = fmt.Sprintf("org-%d", customers)
	}
	c := h.client.Customer.Create().SetPartnerID(w.partner.ID).SetName(spec.name).
		SetOrgID(spec.orgID).SetRegion(spec.region).SetCountry("US").
		SetCreatedAt(testNow.Add(-spec.createdAgo)).AddAdmins(spec.assignedTo...).AddTags(spec.tags...)
	if spec.activityAgo != nil {
		c.SetLastAdminActivityAt(testNow.Add(-*spec.activityAgo))
	}
	if spec.externalID != "" {
		c.SetExternalID(spec.externalID)
	}
	cust := c.SaveX(h.sys)
	for i, s := range spec.subs {
		if s.startedAgo == 0 {
			s.startedAgo = day(200)
		}
		sc := h.client.Subscription.Create().SetPartnerID(w.partner.ID).SetCustomerID(cust.ID).
			SetSubscriptionID(fmt.Sprintf("sub-%d-%d", cust.ID, i)).SetKind(s.kind).SetState(s.state).
			SetStartedAt(testNow.Add(-s.startedAgo)).SetEndsAt(testNow.Add(s.endsIn)).SetAutoRenew(s.autoRenew)
		if s.autoRenew {
			sc.SetRenewalDate(testNow.Add(s.endsIn))
		}
		sub := sc.SaveX(h.sys)
		for _, l := range s.lines {
			h.client.License.Create().SetPartnerID(w.partner.ID).SetCustomerID(cust.ID).SetSubscriptionID(sub.ID).
				SetProduct(l.product).SetTotal(l.total).SetAssigned(l.assigned).SetUsed(l.used).SetUsed90d(l.used90d).SaveX(h.sys)
		}
	}
	return cust
}

// mustTag creates a tag in w's partner.
func (h *harness) mustTag(w world, name string) *ent.Tag {
	h.t.Helper()
	return h.client.Tag.Create().SetPartnerID(w.partner.ID).SetName(name).SetNameKey(strings.ToLower(name)).SaveX(h.sys)
}

// customerPage is a page of the customers connection as the tests read it.
type customerPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   struct{ Name, OrgID string }
	}
}

func (p customerPage) names() []string {
	out := []string{}
	for _, e := range p.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

func (p customerPage) orgIDs() []string {
	out := []string{}
	for _, e := range p.Edges {
		out = append(out, e.Node.OrgID)
	}
	return out
}

// varTypes are the GraphQL types of the variables customersQuery declares.
var varTypes = map[string]string{"after": "Cursor", "before": "Cursor", "first": "Int", "last": "Int", "query": "String", "tags": "[ID!]", "id": "ID!"}

// customersQuery is customers(args) selecting what customerPage reads; args is GraphQL
// argument text that may use the variables in vars (declared with varTypes).
func customersQuery(args string, vars map[string]any) string {
	var decl []string
	for name := range vars {
		decl = append(decl, "$"+name+": "+varTypes[name])
	}
	slices.Sort(decl)
	op := "query"
	if len(decl) > 0 {
		op += "(" + strings.Join(decl, ", ") + ")"
	}
	if args != "" {
		args = "(" + args + ")"
	}
	return op + ` { customers` + args + ` { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { name orgId } } } }`
}

// listCustomers returns customers(args) as who, failing t on any error.
func (h *harness) listCustomers(t testing.TB, who, args string, vars map[string]any) customerPage {
	t.Helper()
	var got struct{ Customers customerPage }
	h.mustDo(t, who, customersQuery(args, vars), vars, &got)
	return got.Customers
}

// wantNames fails t unless got lists exactly want, in order.
func wantNames(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}
