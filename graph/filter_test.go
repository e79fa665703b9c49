package graph

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// directoryWorld is a partner with five customers that differ in every filtered attribute:
//
//	name           region created     products (state)                  statuses                          tags                 managed by  external ID
//	Acme Corp      US     2025-02-11  MEETINGS (active)                 ACTIVE                            Key account          admin       EXT-ACME
//	Beta GmbH      EU     2026-03-08  CALLING (active trial, 10 days)   TRIAL, EXPIRING_SOON              Key account, Renewal -           -
//	Delta Systems  CA     2025-12-31  MESSAGING (suspended)             SUSPENDED                         -                    admin       -
//	Epsilon Labs   EU     2026-02-01  CALLING (active, overage; setup)  ACTIVE, LICENSE_OVERAGE, ORDER_…  -                    -           WHOLESALE-77
//	Gamma Telecom  UAE    2026-01-15  MEETINGS (expired)                NO_RECENT_ACTIVITY, EXPIRED       Renewal              full        -
//
// Every customer was created at 12:00 UTC; all but Gamma had admin activity yesterday.
type directoryWorld struct {
	world
	keyAccount, renewal string // tag global IDs
}

func (h *harness) newDirectoryWorld() directoryWorld {
	h.t.Helper()
	w := h.newWorld("directory")
	key, renewal := h.mustTag(w, "Key account"), h.mustTag(w, "Renewal")
	recent := ago(day(1))
	h.mustCustomer(w, customerSpec{name: "Acme Corp", region: enum.RegionUS, createdAgo: day(400), activityAgo: recent,
		orgID: "6f1c2d3e-0000-4000-8000-00000000ac3e", externalID: "EXT-ACME", assignedTo: []*ent.Admin{w.admin}, tags: []*ent.Tag{key},
		subs: []subSpec{paid(enum.StateActive, 200, true, meetings10)}})
	h.mustCustomer(w, customerSpec{name: "Beta GmbH", region: enum.RegionEU, createdAgo: day(10), activityAgo: recent, tags: []*ent.Tag{key, renewal},
		subs: []subSpec{trialSub(enum.StateActive, 10, lineSpec{enum.ProductCalling, 20, 5, 2, 3})}})
	h.mustCustomer(w, customerSpec{name: "Delta Systems", region: enum.RegionCA, createdAgo: day(77), activityAgo: recent, assignedTo: []*ent.Admin{w.admin},
		subs: []subSpec{paid(enum.StateSuspended, 100, true, lineSpec{enum.ProductMessaging, 50, 40, 30, 35})}})
	h.mustCustomer(w, customerSpec{name: "Epsilon Labs", region: enum.RegionEU, createdAgo: day(45), activityAgo: recent, externalID: "WHOLESALE-77",
		subs: []subSpec{paid(enum.StateActive, 300, true, lineSpec{enum.ProductCalling, 10, 12, 9, 11}), paid(enum.StatePendingSetup, 365, false)}})
	h.mustCustomer(w, customerSpec{name: "Gamma Telecom", region: enum.RegionUAE, createdAgo: day(62), assignedTo: []*ent.Admin{w.full}, tags: []*ent.Tag{renewal},
		subs: []subSpec{paid(enum.StateExpired, -20, false, meetings10)}})
	return directoryWorld{world: w, keyAccount: key.GlobalID(), renewal: renewal.GlobalID()}
}

var allFive = []string{"Acme Corp", "Beta GmbH", "Delta Systems", "Epsilon Labs", "Gamma Telecom"}

// TestCustomerFilter checks each CustomerFilter field, alone and combined, as a FULL_ADMIN.
func TestCustomerFilter(t *testing.T) {
	h := newHarness(t)
	w := h.newDirectoryWorld()
	who := h.as(w.full)
	tags := map[string]any{"tags": []string{w.keyAccount, w.renewal}}
	tests := []struct {
		name   string
		filter string
		vars   map[string]any
		want   []string
	}{
		{"None", `{}`, nil, allFive},
		{"ManagedByMe", `{managedBy: ME}`, nil, []string{"Gamma Telecom"}},
		{"ManagedByPartner", `{managedBy: PARTNER}`, nil, allFive},
		{"ProductCalling", `{products: [CALLING]}`, nil, []string{"Beta GmbH", "Epsilon Labs"}},
		{"ProductsOred", `{products: [MESSAGING, MEETINGS]}`, nil, []string{"Acme Corp", "Delta Systems"}},
		{"ProductNotOfExpired", `{products: [MEETINGS]}`, nil, []string{"Acme Corp"}},
		{"Statuses", `{statuses: [TRIAL, SUSPENDED]}`, nil, []string{"Beta GmbH", "Delta Systems"}},
		{"ExcludeStatuses", `{excludeStatuses: [NO_RECENT_ACTIVITY]}`, nil, []string{"Acme Corp", "Beta GmbH", "Delta Systems", "Epsilon Labs"}},
		{"StatusesAndExclude", `{statuses: [ACTIVE], excludeStatuses: [LICENSE_OVERAGE]}`, nil, []string{"Acme Corp"}},
		{"KindTrial", `{subscriptionKinds: [TRIAL]}`, nil, []string{"Beta GmbH"}},
		{"KindPaidIsCurrentOnly", `{subscriptionKinds: [PAID]}`, nil, []string{"Acme Corp", "Delta Systems", "Epsilon Labs"}},
		{"TagsAny", `{tagIds: $tags}`, tags, []string{"Acme Corp", "Beta GmbH", "Gamma Telecom"}},
		{"TagsAnyExplicit", `{tagIds: $tags, tagMatch: ANY}`, tags, []string{"Acme Corp", "Beta GmbH", "Gamma Telecom"}},
		{"TagsAll", `{tagIds: $tags, tagMatch: ALL}`, tags, []string{"Beta GmbH"}},
		{"OneTag", `{tagIds: $tags}`, map[string]any{"tags": []string{w.keyAccount}}, []string{"Acme Corp", "Beta GmbH"}},
		{"Regions", `{regions: [EU, UAE]}`, nil, []string{"Beta GmbH", "Epsilon Labs", "Gamma Telecom"}},
		{"CreatedAfterIsInclusive", `{createdAfter: "2026-01-15T12:00:00Z"}`, nil, []string{"Beta GmbH", "Epsilon Labs", "Gamma Telecom"}},
		{"CreatedBeforeIsExclusive", `{createdBefore: "2026-01-15T12:00:00Z"}`, nil, []string{"Acme Corp", "Delta Systems"}},
		{"CreatedBetween", `{createdAfter: "2026-01-01T00:00:00Z", createdBefore: "2026-03-01T00:00:00Z"}`, nil, []string{"Epsilon Labs", "Gamma Telecom"}},
		{"SearchNameAnyCase", `{search: "ACME"}`, nil, []string{"Acme Corp"}},
		{"SearchNamePart", `{search: "gmbh"}`, nil, []string{"Beta GmbH"}},
		{"SearchOrgID", `{search: "00000000AC3E"}`, nil, []string{"Acme Corp"}},
		{"SearchExternalID", `{search: "wholesale-77"}`, nil, []string{"Epsilon Labs"}},
		{"SearchWildcardIsLiteral", `{search: "%"}`, nil, []string{}},
		{"SearchEmpty", `{search: ""}`, nil, allFive},
		{"FieldsAnded", `{regions: [EU], statuses: [TRIAL]}`, nil, []string{"Beta GmbH"}},
		{"NothingMatches", `{regions: [US], products: [CALLING]}`, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.listCustomers(t, who, "first: 100, filter: "+tt.filter, tt.vars)
			wantNames(t, "customers", got.names(), tt.want)
			if got.TotalCount != len(tt.want) {
				t.Errorf("totalCount = %d, want %d", got.TotalCount, len(tt.want))
			}
		})
	}
	t.Run("ManagedByMeAsAdmin", func(t *testing.T) {
		got := h.listCustomers(t, h.as(w.admin), `filter: {managedBy: ME}`, nil)
		wantNames(t, "customers", got.names(), []string{"Acme Corp", "Delta Systems"})
	})
	t.Run("ErrMalformedTagID", func(t *testing.T) {
		resp := h.do(t, who, customersQuery(`filter: {tagIds: $tags}`, map[string]any{"tags": 0}), map[string]any{"tags": []string{"not-an-id"}})
		if resp.code() != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, "filter.tagIds[0]") {
			t.Errorf("errors = %+v, want BAD_USER_INPUT naming filter.tagIds[0]", resp.Errors)
		}
	})
}

// TestQueryString checks each qualifier of the query-string language, negation, lists,
// quotes and free text, and that query and filter are AND-ed.
func TestQueryString(t *testing.T) {
	h := newHarness(t)
	w := h.newDirectoryWorld()
	full, admin := h.as(w.full), h.as(w.admin)
	tests := []struct {
		name, query string
		who         string
		want        []string
	}{
		{"Empty", ``, full, allFive},
		{"Blank", `   `, full, allFive},
		{"Status", `status:trial`, full, []string{"Beta GmbH"}},
		{"StatusList", `status:trial,suspended`, full, []string{"Beta GmbH", "Delta Systems"}},
		{"StatusAnyCaseWithDash", `STATUS:Expiring-Soon`, full, []string{"Beta GmbH"}},
		{"StatusUnderscore", `status:order_setup_pending`, full, []string{"Epsilon Labs"}},
		{"NegatedStatus", `-status:no-recent-activity`, full, []string{"Acme Corp", "Beta GmbH", "Delta Systems", "Epsilon Labs"}},
		{"Product", `product:calling`, full, []string{"Beta GmbH", "Epsilon Labs"}},
		{"NegatedProduct", `-product:calling`, full, []string{"Acme Corp", "Delta Systems", "Gamma Telecom"}},
		{"TypeTrial", `type:trial`, full, []string{"Beta GmbH"}},
		{"TypePaid", `type:paid`, full, []string{"Acme Corp", "Delta Systems", "Epsilon Labs"}},
		{"TagQuotedAnyCase", `tag:"key account"`, full, []string{"Acme Corp", "Beta GmbH"}},
		{"TagList", `tag:"Key account",renewal`, full, []string{"Acme Corp", "Beta GmbH", "Gamma Telecom"}},
		{"TwoTagsAnded", `tag:"Key account" tag:Renewal`, full, []string{"Beta GmbH"}},
		{"NegatedTag", `-tag:renewal`, full, []string{"Acme Corp", "Delta Systems", "Epsilon Labs"}},
		{"UnknownTag", `tag:nosuchtag`, full, []string{}},
		{"Region", `region:eu,uae`, full, []string{"Beta GmbH", "Epsilon Labs", "Gamma Telecom"}},
		{"ManagedMeFull", `managed:me`, full, []string{"Gamma Telecom"}},
		{"ManagedMeAdmin", `managed:me`, admin, []string{"Acme Corp", "Delta Systems"}},
		{"ManagedPartner", `managed:partner`, full, allFive},
		{"CreatedAfterDay", `created:>2026-01-15`, full, []string{"Beta GmbH", "Epsilon Labs"}},
		{"CreatedFromDay", `created:>=2026-01-15`, full, []string{"Beta GmbH", "Epsilon Labs", "Gamma Telecom"}},
		{"CreatedBeforeDay", `created:<2026-01-15`, full, []string{"Acme Corp", "Delta Systems"}},
		{"CreatedUpToDay", `created:<=2026-01-15`, full, []string{"Acme Corp", "Delta Systems", "Gamma Telecom"}},
		{"CreatedOnDay", `created:2026-01-15`, full, []string{"Gamma Telecom"}},
		{"CreatedRange", `created:2025-12-31..2026-01-15`, full, []string{"Delta Systems", "Gamma Telecom"}},
		{"NegatedCreated", `-created:2025-12-31..2026-01-15`, full, []string{"Acme Corp", "Beta GmbH", "Epsilon Labs"}},
		{"Word", `acme`, full, []string{"Acme Corp"}},
		{"WordExternalID", `wholesale`, full, []string{"Epsilon Labs"}},
		{"QuotedWords", `"beta gmbh"`, full, []string{"Beta GmbH"}},
		{"NegatedWord", `-acme`, full, []string{"Beta GmbH", "Delta Systems", "Epsilon Labs", "Gamma Telecom"}},
		{"NegatedQuotedWords", `-"beta gmbh"`, full, []string{"Acme Corp", "Delta Systems", "Epsilon Labs", "Gamma Telecom"}},
		{"TermsAnded", `region:eu type:paid`, full, []string{"Epsilon Labs"}},
		// Statuses whose rule is a disjunction stay whole when ANDed with other terms.
		{"InactiveAndedWithRegion", `status:no_recent_activity region:us`, full, []string{}},
		{"ExpiringAndedWithOtherProduct", `status:expiring_soon product:meetings`, full, []string{}},
		{"ExpiringAndedWithProduct", `status:expiring_soon product:calling`, full, []string{"Beta GmbH"}},
		{"NegatedInactiveAndedWithRegion", `-status:no_recent_activity region:uae`, full, []string{}},
		{"Everything", `status:active product:meetings tag:"Key account" region:us -status:suspended type:paid managed:partner created:<2026-01-01 acme`, full, []string{"Acme Corp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.listCustomers(t, tt.who, "first: 100, query: $query", map[string]any{"query": tt.query})
			wantNames(t, "customers", got.names(), tt.want)
			if got.TotalCount != len(tt.want) {
				t.Errorf("totalCount = %d, want %d", got.TotalCount, len(tt.want))
			}
		})
	}
	t.Run("AndedWithFilter", func(t *testing.T) {
		got := h.listCustomers(t, full, `filter: {regions: [EU]}, query: $query`, map[string]any{"query": "type:paid"})
		wantNames(t, "customers", got.names(), []string{"Epsilon Labs"})
	})
}

// TestQueryStringErrors checks that a malformed query string is BAD_USER_INPUT naming
// the position and what was expected there.
func TestQueryStringErrors(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("errors")
	who := h.as(w.full)
	tests := []struct{ query, message string }{
		{`foo:bar`, `query: position 1: unknown qualifier "foo:"; expected one of status:, product:, type:, tag:, region:, managed:, created:`},
		{`status:bogus`, `query: position 8: unknown value "bogus"; expected one of trial, active, expiring_soon`},
		{`acme product:calling,fax`, `query: position 22: unknown value "fax"; expected one of meetings, calling`},
		{`type:free`, `query: position 6: unknown value "free"; expected one of paid, trial`},
		{`region:mars`, `query: position 8: unknown value "mars"; expected one of us, ca, eu, uae`},
		{`region:`, `query: position 8: expected a value`},
		{`status:trial,`, `query: position 14: expected a value`},
		{`tag:"Key account`, `query: position 5: unterminated quote; expected a closing '"'`},
		{`tag:""`, `query: position 5: expected a non-empty quoted value`},
		{`- acme`, `query: position 2: expected a qualifier or word after '-'`},
		{`managed:you`, `query: position 9: expected managed:me or managed:partner`},
		{`created:2026-13-01`, `query: position 9: expected a date as YYYY-MM-DD, got "2026-13-01"`},
		{`created:>=01/02/2026`, `query: position 11: expected a date as YYYY-MM-DD`},
		{`created:2026-01-01..x`, `query: position 21: expected a date as YYYY-MM-DD, got "x"`},
		{`created:2026-01-01,2026-02-01`, `query: position 20: created: takes one date or range, not a list`},
		{`status:"trial"x`, `query: position 15: unexpected 'x'; expected a space`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp := h.do(t, who, customersQuery("query: $query", map[string]any{"query": 0}), map[string]any{"query": tt.query})
			if resp.code() != "BAD_USER_INPUT" {
				t.Fatalf("code = %q (errors %+v), want BAD_USER_INPUT", resp.code(), resp.Errors)
			}
			if msg := resp.Errors[0].Message; !strings.HasPrefix(msg, tt.message) {
				t.Errorf("message = %q, want it to start with %q", msg, tt.message)
			}
			if string(resp.Data) != "null" {
				t.Errorf("data = %s, want null", resp.Data)
			}
		})
	}
}

// TestSearchFoldsEveryLetter checks that searching ignores the case of letters outside
// ASCII too, through the typed filter and the query string, on both databases.
func TestSearchFoldsEveryLetter(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("unicode")
	h.mustNamed(w, "Émile Öztürk GmbH", "Emile Oz Co", "Ørsted Wind")
	who := h.as(w.full)
	tests := []struct{ name, args, search string }{
		{"FilterLowerMatchesUpper", `filter: {search: $query}`, "émile"},
		{"FilterUpperMatchesLower", `filter: {search: $query}`, "ÖZTÜRK"},
		{"QueryWord", `query: $query`, "öztürk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.listCustomers(t, who, tt.args, map[string]any{"query": tt.search})
			wantNames(t, tt.search, got.names(), []string{"Émile Öztürk GmbH"})
		})
	}
	t.Run("SlashedO", func(t *testing.T) {
		got := h.listCustomers(t, who, `query: $query`, map[string]any{"query": "ØRSTED"})
		wantNames(t, "ØRSTED", got.names(), []string{"Ørsted Wind"})
	})
}

// TestCreatedAcrossZones checks that times written with another zone's offset compare by
// the instant they name: 12:30 at UTC+1 is before 11:45 UTC.
func TestCreatedAcrossZones(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("zones")
	plusOne := time.FixedZone("UTC+1", 3600)
	for name, at := range map[string]time.Time{
		"Paris Office": time.Date(2026, 3, 18, 12, 30, 0, 0, plusOne), // 11:30 UTC
		"London Desk":  time.Date(2026, 3, 18, 11, 45, 0, 0, time.UTC),
	} {
		h.client.Customer.Create().SetPartnerID(w.partner.ID).SetName(name).SetOrgID(name).
			SetRegion(enum.RegionEU).SetCountry("FR").SetCreatedAt(at).ExecX(h.sys)
	}
	who := h.as(w.full)
	tests := []struct {
		name, args string
		want       []string
	}{
		{"Before", `query: "created:<2026-03-19", filter: {createdBefore: "2026-03-18T12:00:00Z"}`, []string{"London Desk", "Paris Office"}},
		{"After", `filter: {createdAfter: "2026-03-18T11:40:00Z"}`, []string{"London Desk"}},
		{"Ordered", `orderBy: {field: CREATED_AT, direction: ASC}`, []string{"Paris Office", "London Desk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantNames(t, tt.args, h.listCustomers(t, who, tt.args, nil).names(), tt.want)
		})
	}
}
