package graph

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// line is a license line of product with total and assigned (used and used90d half of assigned).
func line(product enum.Product, total, assigned int) lineSpec {
	return lineSpec{product: product, total: total, assigned: assigned, used: assigned / 2, used90d: assigned / 2}
}

// sub is an ACTIVE subscription of kind added startedAgo days ago, ending in endsIn days.
func sub(kind enum.SubscriptionKind, startedAgo, endsIn int, autoRenew bool, lines ...lineSpec) subSpec {
	return subSpec{kind: kind, state: enum.StateActive, startedAgo: day(startedAgo), endsIn: day(endsIn), autoRenew: autoRenew, lines: lines}
}

// kpiCounts is the count of every headline KPI, in the order of PartnerKpis.
type kpiCounts struct{ total, approaching, renewal, low, over int }

const kpisQuery = `query($r: Region) { kpis(region: $r) {
	totalCustomers { count query } approachingExpiration { count query } upcomingRenewal { count query }
	lowLicenseAssignment { count query } overLicenseLimit { count query } } }`

type kpiJSON struct {
	Count int
	Query string
}

type kpisJSON struct {
	Kpis struct {
		TotalCustomers, ApproachingExpiration, UpcomingRenewal, LowLicenseAssignment, OverLicenseLimit kpiJSON
	}
}

func (k kpisJSON) all() []kpiJSON {
	p := k.Kpis
	return []kpiJSON{p.TotalCustomers, p.ApproachingExpiration, p.UpcomingRenewal, p.LowLicenseAssignment, p.OverLicenseLimit}
}

func (k kpisJSON) counts() kpiCounts {
	a := k.all()
	return kpiCounts{a[0].Count, a[1].Count, a[2].Count, a[3].Count, a[4].Count}
}

// kpisOf returns who's KPIs, optionally in region ("" for all).
func (h *harness) kpisOf(t *testing.T, who string, region enum.Region) kpisJSON {
	t.Helper()
	vars := map[string]any{"r": nil}
	if region != "" {
		vars["r"] = region
	}
	var got kpisJSON
	h.mustDo(t, who, kpisQuery, vars, &got)
	return got
}

// customerNames lists, sorted by name, the customers who sees through query.
func (h *harness) customerNames(t *testing.T, who, query string) []string {
	t.Helper()
	var got struct {
		Customers struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name string } }
		}
	}
	h.mustDo(t, who, `query($q: String) { customers(first: 100, query: $q, orderBy: {field: NAME}) { totalCount edges { node { name } } } }`,
		map[string]any{"q": query}, &got)
	names := []string{}
	for _, e := range got.Customers.Edges {
		names = append(names, e.Node.Name)
	}
	if got.Customers.TotalCount != len(names) {
		t.Errorf("query %q: totalCount %d, %d edges", query, got.Customers.TotalCount, len(names))
	}
	return names
}

// kpiWorld builds the partner of TestKpis; the ADMIN is assigned Expires90, AutoRenew90 and
// LowOld.
func kpiWorld(h *harness) world {
	w := h.newWorld("kpis")
	m, c := enum.ProductMeetings, enum.ProductCalling
	paidKind, trialKind := enum.KindPaid, enum.KindTrial
	specs := []customerSpec{
		{name: "Expires90", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{sub(paidKind, 200, 90, false, line(m, 10, 5))}},
		{name: "Expires91", subs: []subSpec{sub(paidKind, 200, 91, false, line(m, 10, 5))}},
		{name: "EndsNow", subs: []subSpec{sub(paidKind, 200, 0, false, line(m, 10, 5))}},
		{name: "TrialEnds30", subs: []subSpec{sub(trialKind, 60, 30, false, line(c, 10, 5))}},
		{name: "EuExpires60", region: enum.RegionEU, subs: []subSpec{sub(paidKind, 200, 60, false, line(m, 10, 5))}},
		{name: "AutoRenew90", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{sub(paidKind, 200, 90, true, line(m, 10, 5))}},
		{name: "AutoRenew91", subs: []subSpec{sub(paidKind, 200, 91, true, line(m, 10, 5))}},
		{name: "AutoRenew30", subs: []subSpec{sub(paidKind, 200, 30, true, line(c, 10, 5))}},
		{name: "Over", subs: []subSpec{sub(paidKind, 200, 200, true, line(c, 10, 12))}},
		// 8 Meetings lines: median 0.5, bar 0.25; LowOld (0.1, added 200 days ago) is low.
		{name: "LowOld", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{sub(paidKind, 200, 200, true, line(m, 10, 1))}},
		// Added 29 days ago: too new to be low.
		{name: "LowNew", subs: []subSpec{sub(paidKind, 29, 200, true, line(m, 10, 1))}},
		// 4 Calling lines: the bar is the absolute 0.25; 0.2 is low.
		{name: "LowCalling", subs: []subSpec{sub(paidKind, 200, 200, true, line(c, 10, 2))}},
		// Outside every KPI: only Messaging (expiring, over its limit), or nothing ACTIVE.
		{name: "MessagingOnly", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{sub(paidKind, 200, 30, false, line(enum.ProductMessaging, 10, 12))}},
		{name: "ExpiredMeetings", subs: []subSpec{{kind: paidKind, state: enum.StateExpired, endsIn: day(-10), lines: []lineSpec{line(m, 10, 1)}}}},
		{name: "SuspendedMeetings", subs: []subSpec{{kind: paidKind, state: enum.StateSuspended, endsIn: day(30), lines: []lineSpec{line(m, 10, 12)}}}},
	}
	for _, s := range specs {
		h.mustCustomer(w, s)
	}
	return w
}

// TestKpis checks every headline KPI at its boundaries, for each role and
// region, and that each KPI's query lists exactly the customers it counts.
func TestKpis(t *testing.T) {
	h := newHarness(t)
	w := kpiWorld(h)
	other := h.newWorld("kpis-other")
	h.mustCustomer(other, customerSpec{name: "OtherPartnerCo", subs: []subSpec{sub(enum.KindPaid, 200, 10, false, line(enum.ProductMeetings, 10, 20))}})
	all := []string{"AutoRenew30", "AutoRenew90", "AutoRenew91", "EndsNow", "EuExpires60", "Expires90", "Expires91", "LowCalling", "LowNew", "LowOld", "Over", "TrialEnds30"}
	tests := []struct {
		name   string
		who    string
		region enum.Region
		want   kpiCounts
		// the customers of each KPI, in PartnerKpis order
		lists [5][]string
	}{
		{"FullAdmin", h.as(w.full), "", kpiCounts{12, 3, 2, 2, 1}, [5][]string{all,
			{"EuExpires60", "Expires90", "TrialEnds30"}, {"AutoRenew30", "AutoRenew90"}, {"LowCalling", "LowOld"}, {"Over"}}},
		{"ReadOnlyAdminSeesAll", h.as(w.readOnly), "", kpiCounts{12, 3, 2, 2, 1}, [5][]string{all,
			{"EuExpires60", "Expires90", "TrialEnds30"}, {"AutoRenew30", "AutoRenew90"}, {"LowCalling", "LowOld"}, {"Over"}}},
		{"AdminSeesAssigned", h.as(w.admin), "", kpiCounts{3, 1, 1, 1, 0}, [5][]string{{"AutoRenew90", "Expires90", "LowOld"},
			{"Expires90"}, {"AutoRenew90"}, {"LowOld"}, {}}},
		{"RegionEU", h.as(w.full), enum.RegionEU, kpiCounts{1, 1, 0, 0, 0}, [5][]string{{"EuExpires60"}, {"EuExpires60"}, {}, {}, {}}},
		{"RegionUS", h.as(w.full), enum.RegionUS, kpiCounts{11, 2, 2, 2, 1}, [5][]string{slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "EuExpires60" }),
			{"Expires90", "TrialEnds30"}, {"AutoRenew30", "AutoRenew90"}, {"LowCalling", "LowOld"}, {"Over"}}},
		{"AdminRegionEU", h.as(w.admin), enum.RegionEU, kpiCounts{}, [5][]string{{}, {}, {}, {}, {}}},
		{"OtherPartnerSeesOnlyItsOwn", h.as(other.full), "", kpiCounts{1, 1, 0, 0, 1}, [5][]string{{"OtherPartnerCo"}, {"OtherPartnerCo"}, {}, {}, {"OtherPartnerCo"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.kpisOf(t, tt.who, tt.region)
			if got.counts() != tt.want {
				t.Errorf("KPIs = %+v, want %+v", got.counts(), tt.want)
			}
			// The customers the KPIs' queries leave out are those of the viewer's region.
			region := ""
			if tt.region != "" {
				region = "region:" + strings.ToLower(string(tt.region))
			}
			everyone := h.customerNames(t, tt.who, region)
			for i, k := range got.all() {
				if names := h.customerNames(t, tt.who, k.Query); !slices.Equal(names, tt.lists[i]) {
					t.Errorf("KPI %d query %q lists %v, want %v", i, k.Query, names, tt.lists[i])
				}
				// Negated, the query lists exactly the others of the region.
				neg := strings.Replace(k.Query, "kpi:", "-kpi:", 1)
				want := slices.DeleteFunc(slices.Clone(everyone), func(n string) bool { return slices.Contains(tt.lists[i], n) })
				if names := h.customerNames(t, tt.who, neg); !slices.Equal(names, want) {
					t.Errorf("KPI %d negated query %q lists %v, want %v", i, neg, names, want)
				}
			}
		})
	}
}

// TestKpisCacheInvalidation: KPIs are served from the cache until a committed change of the
// partner, and the next kpis query after one reflects it.
func TestKpisCacheInvalidation(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("kpi-cache")
	full := h.as(w.full)
	h.mustCustomer(w, customerSpec{name: "First", subs: []subSpec{sub(enum.KindPaid, 200, 200, true, line(enum.ProductMeetings, 10, 5))}})
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{1, 0, 0, 0, 0}) {
		t.Fatalf("initial KPIs = %+v", got)
	}
	// A write that announces nothing leaves the cached result in place...
	h.mustCustomer(w, customerSpec{name: "Silent", subs: []subSpec{sub(enum.KindPaid, 200, 200, true, line(enum.ProductMeetings, 10, 5))}})
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{1, 0, 0, 0, 0}) {
		t.Fatalf("KPIs after an unannounced write = %+v, want the cached total 1", got)
	}
	// ...and a committed mutation invalidates it: the 30-day trial is approaching expiration.
	var started struct {
		StartTrial struct{ Customer struct{ Name string } }
	}
	h.mustDo(t, full, `mutation { startTrial(input: {newCustomer: {name: "Trialist", region: US, country: "US", adminEmail: "it@trialist.example"},
		products: [{product: MEETINGS, licenses: 10}], durationDays: 30}) { customer { name } } }`, nil, &started)
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{3, 1, 0, 0, 0}) {
		t.Fatalf("KPIs after startTrial = %+v, want total 3, approaching 1", got)
	}
}
