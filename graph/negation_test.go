package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// newNegationWorld builds customers whose facts are empty or unusual in every way a
// negated filter can trip on: no subscription at all, only an EXPIRED, CANCELLED,
// auto-renewing, PENDING_SETUP or SUSPENDED one, an ACTIVE one past its end, no external
// ID, no admin activity, Messaging only, and ordinary ones beside them.
func newNegationWorld(h *harness) world {
	w := h.newWorld("negation")
	key := h.mustTag(w, "Key account")
	recent := ago(day(2))
	calling := func(total, assigned int) lineSpec { return lineSpec{enum.ProductCalling, total, assigned, 1, 1} }
	messaging := lineSpec{enum.ProductMessaging, 10, 2, 1, 1}
	for _, s := range []customerSpec{
		{name: "No Subscription", region: enum.RegionEU, createdAgo: day(3)},
		{name: "Only Expired", activityAgo: recent, subs: []subSpec{paid(enum.StateExpired, -10, false, meetings10)}},
		{name: "Only Cancelled", region: enum.RegionCA, subs: []subSpec{paid(enum.StateCancelled, 50, false, calling(10, 20))}},
		{name: "Only Auto-renewing", activityAgo: recent, assignedTo: []*ent.Admin{nil}, subs: []subSpec{paid(enum.StateActive, 20, true, meetings10)}},
		{name: "Only Pending Setup", region: enum.RegionUAE, createdAgo: day(20), subs: []subSpec{paid(enum.StatePendingSetup, 365, false)}},
		{name: "Only Suspended", externalID: "EXT-SUSP", subs: []subSpec{paid(enum.StateSuspended, 100, false, messaging)}},
		{name: "Acme Expiring", activityAgo: recent, externalID: "EXT-ACME", tags: []*ent.Tag{key},
			subs: []subSpec{paid(enum.StateActive, 10, false, calling(10, 12))}},
		{name: "Past End Still Active", subs: []subSpec{paid(enum.StateActive, -3, false, meetings10)}},
		{name: "Trial Customer", region: enum.RegionEU, activityAgo: recent, tags: []*ent.Tag{key},
			subs: []subSpec{trialSub(enum.StateActive, 60, lineSpec{enum.ProductMeetings, 100, 5, 1, 2})}},
		{name: "Mixed", activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 200, true, meetings10), paid(enum.StateExpired, -100, false, calling(5, 5))}},
		{name: "Messaging Only", activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 300, false, messaging)}},
	} {
		if len(s.assignedTo) == 1 && s.assignedTo[0] == nil {
			s.assignedTo = []*ent.Admin{w.admin}
		}
		h.mustCustomer(w, s)
	}
	return w
}

// TestNegationIsTheComplement checks, for every qualifier and value, that X and -X split
// the viewer's customers in two: disjoint, and together all of them.
func TestNegationIsTheComplement(t *testing.T) {
	h := newHarness(t)
	w := newNegationWorld(h)
	var terms []string
	for q, vs := range map[string][]string{
		"status": enum.CustomerStatus("").Values(), "product": enum.Product("").Values(),
		"type": enum.SubscriptionKind("").Values(), "region": enum.Region("").Values(),
		"kpi": {"total", "approaching_expiration", "upcoming_renewal", "low_assignment", "over_limit"},
	} {
		for _, v := range vs {
			terms = append(terms, q+":"+strings.ToLower(v))
		}
	}
	terms = append(terms, `tag:"Key account"`, "managed:me", "managed:partner", "created:>=2026-03-01",
		"created:<2026-03-01", "acme", "ext-", "status:active,expired", "kpi:over_limit,upcoming_renewal")
	slices.Sort(terms)
	// Within a filtered set too: a b and a -b split the customers of a.
	pairs := [][2]string{{"status:active", "status:expiring_soon"}, {"product:meetings", "status:license_overage"},
		{"region:us", "kpi:total"}, {"status:active", "kpi:approaching_expiration"}}
	for _, who := range []struct {
		name string
		id   string
		all  int
	}{{"FullAdmin", h.as(w.full), 11}, {"Admin", h.as(w.admin), 1}, {"ReadOnlyAdmin", h.as(w.readOnly), 11}} {
		t.Run(who.name, func(t *testing.T) {
			list := func(q string) customerPage {
				return h.listCustomers(t, who.id, "first: 100, query: $query", map[string]any{"query": q})
			}
			all := h.listCustomers(t, who.id, "first: 100", nil)
			if all.TotalCount != who.all {
				t.Fatalf("totalCount = %d, want %d", all.TotalCount, who.all)
			}
			for _, term := range terms {
				checkSplit(t, term, list(term), list("-"+term), all.names())
			}
			for _, p := range pairs {
				a, b := p[0], p[1]
				checkSplit(t, a+" "+b, list(a+" "+b), list(a+" -"+b), list(a).names())
			}
			for _, st := range enum.CustomerStatus("").Values() {
				var in, out struct{ Customers customerPage }
				q := `query { customers(first: 100, filter: {%s: [` + st + `]}) { totalCount edges { node { name orgId } } } }`
				h.mustDo(t, who.id, strings.Replace(q, "%s", "statuses", 1), nil, &in)
				h.mustDo(t, who.id, strings.Replace(q, "%s", "excludeStatuses", 1), nil, &out)
				checkSplit(t, "statuses: "+st, in.Customers, out.Customers, all.names())
			}
		})
	}
}

// checkSplit fails t unless in and out are disjoint, their counts add up to the total
// and together they list every customer of all.
func checkSplit(t *testing.T, what string, in, out customerPage, all []string) {
	t.Helper()
	if in.TotalCount+out.TotalCount != len(all) {
		t.Errorf("%s: %d match and %d do not, of %d customers (matching %q, not %q)", what, in.TotalCount, out.TotalCount, len(all), in.names(), out.names())
		return
	}
	both := append(in.names(), out.names()...)
	slices.Sort(both)
	all = slices.Sorted(slices.Values(all))
	if !slices.Equal(both, all) {
		t.Errorf("%s: matching %q and not matching %q do not split %q", what, in.names(), out.names(), all)
	}
}
