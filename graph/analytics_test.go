package graph

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
)

// snap is a line's figures in the week starting on the Sunday week (YYYY-MM-DD).
type snap struct {
	week                  string
	total, assigned, used int
}

// mustSnapshots records the weekly snapshots of the only line of customer c.
func (h *harness) mustSnapshots(c *ent.Customer, snaps ...snap) {
	h.t.Helper()
	l := h.client.License.Query().Where(license.CustomerID(c.ID)).OnlyX(h.sys)
	for _, s := range snaps {
		start, err := time.Parse(time.DateOnly, s.week)
		if err != nil || start.Weekday() != time.Sunday {
			h.t.Fatalf("snapshot week %q is not a Sunday", s.week)
		}
		h.client.LicenseSnapshot.Create().SetPartnerID(l.PartnerID).SetCustomerID(c.ID).SetLicenseID(l.ID).SetProduct(l.Product).
			SetWeekStart(start).SetAsOf(start.AddDate(0, 0, 6)).SetTotal(s.total).SetAssigned(s.assigned).SetUsed(s.used).ExecX(h.sys)
	}
}

// analyticsWorld is the partner of the subscription analytics tests, its customers by name.
type analyticsWorld struct {
	world
	customers map[string]*ent.Customer
}

// subscriptionID is the subscription ID of the customer's only subscription.
func (a analyticsWorld) subscriptionID(name string) string {
	return fmt.Sprintf("sub-%d-0", a.customers[name].ID)
}

// newAnalyticsWorld builds a partner whose ACTIVE Meetings lines have the assignment ratios
// 0.05 0.1 0.28 0.32 0.5 | 0.7 0.9 1.0 1.5 2.0: median 0.6, low bar 0.3. Its ADMIN is
// assigned Recent, Expiring45, TrialEnding and Renewing91.
func newAnalyticsWorld(h *harness) analyticsWorld {
	w := analyticsWorld{world: h.newWorld("analytics"), customers: map[string]*ent.Customer{}}
	m := func(total, assigned, used, used90d int) lineSpec {
		return lineSpec{product: enum.ProductMeetings, total: total, assigned: assigned, used: used, used90d: used90d}
	}
	mine := []*ent.Admin{w.admin}
	paid, trial := enum.KindPaid, enum.KindTrial
	for _, s := range []customerSpec{
		{name: "Recent", assignedTo: mine, subs: []subSpec{sub(paid, 20, 300, true, m(100, 50, 30, 40))}},
		{name: "Added90", region: enum.RegionEU, subs: []subSpec{sub(paid, 90, 300, true, m(100, 70, 60, 65))}},
		{name: "Added91", subs: []subSpec{sub(paid, 91, 300, true, m(100, 90, 80, 85))}},
		{name: "LowYoung", subs: []subSpec{sub(paid, 29, 300, true, m(100, 5, 3, 4))}},
		{name: "Expiring45", assignedTo: mine, subs: []subSpec{sub(paid, 400, 45, false, m(100, 100, 70, 90))}},
		{name: "Expiring90", subs: []subSpec{sub(paid, 30, 90, false, m(100, 28, 20, 25))}},
		{name: "Expiring91", subs: []subSpec{sub(paid, 400, 91, false, m(100, 32, 10, 20))}},
		{name: "TrialEnding", assignedTo: mine, subs: []subSpec{sub(trial, 70, 20, false, m(100, 10, 5, 5))}},
		{name: "Renewing90", subs: []subSpec{sub(paid, 400, 90, true, m(100, 200, 150, 160))}},
		{name: "Renewing91", assignedTo: mine, subs: []subSpec{sub(paid, 400, 91, true, m(100, 150, 120, 130))}},
		// Neither a SUSPENDED line nor a Calling line moves the Meetings median.
		{name: "Suspended", subs: []subSpec{{kind: paid, state: enum.StateSuspended, startedAgo: day(400), endsIn: day(100), lines: []lineSpec{m(100, 0, 0, 0)}}}},
		{name: "CallingOnly", region: enum.RegionCA, subs: []subSpec{sub(paid, 400, 45, false, lineSpec{enum.ProductCalling, 100, 150, 90, 100})}},
	} {
		w.customers[s.name] = h.mustCustomer(w.world, s)
	}
	h.mustSnapshots(w.customers["Recent"], snap{"2026-03-01", 100, 40, 20}, snap{"2026-03-08", 100, 45, 32}, snap{"2026-03-15", 100, 50, 30})
	h.mustSnapshots(w.customers["Expiring90"], snap{"2026-03-08", 100, 30, 18}, snap{"2026-03-15", 100, 28, 20})
	h.mustSnapshots(w.customers["Added90"], snap{"2026-02-22", 100, 60, 50})
	h.mustSnapshots(w.customers["CallingOnly"], snap{"2026-03-15", 100, 150, 90})
	return w
}

type ratioJSON struct {
	Numerator, Denominator float64
	Ratio                  *float64
}

// rat is the Ratio n/d, its ratio null when d is 0.
func rat(n, d float64) ratioJSON {
	if d == 0 {
		return ratioJSON{n, d, nil}
	}
	r := n / d
	return ratioJSON{n, d, &r}
}

type trendPoint struct {
	WeekStart             string
	Total, Assigned, Used int
}

// analyticsSummary is every KPI block of the subscription analytics.
type analyticsSummary struct {
	Regions       []string
	LicenseTrend  []trendPoint
	RecentlyAdded struct{ NewCustomers, TotalLicenses int }
	Expiring      struct {
		ExpiringCustomers               int
		LicenseAssignment, LicenseUsage ratioJSON
	}
	Renewing struct {
		RenewingCustomers               int
		LicenseAssignment, LicenseUsage ratioJSON
	}
	LowAssignment struct {
		LowAssignmentCustomers               int
		LicenseAssignment, UsageWhenAssigned ratioJSON
		TotalUnassigned                      int
	}
	Overage struct {
		CustomersWithOverage, TotalOverage int
		AverageOverage                     ratioJSON
	}
}

const summaryQuery = `query($p: AnalyticsProduct!, $r: Region, $weeks: Int) { subscriptionAnalytics(product: $p, region: $r) {
	regions licenseTrend(weeks: $weeks) { weekStart total assigned used }
	recentlyAdded { newCustomers totalLicenses }
	expiring { expiringCustomers licenseAssignment { ...R } licenseUsage { ...R } }
	renewing { renewingCustomers licenseAssignment { ...R } licenseUsage { ...R } }
	lowAssignment { lowAssignmentCustomers licenseAssignment { ...R } usageWhenAssigned { ...R } totalUnassigned }
	overage { customersWithOverage totalOverage averageOverage { ...R } } } }
	fragment R on Ratio { numerator denominator ratio }`

// summaryOf returns who's analytics of product in region ("" for all), with weeks of trend.
func (h *harness) summaryOf(t *testing.T, who string, product string, region enum.Region, weeks int) analyticsSummary {
	t.Helper()
	vars := map[string]any{"p": product, "r": nil, "weeks": weeks}
	if region != "" {
		vars["r"] = region
	}
	var got struct{ SubscriptionAnalytics analyticsSummary }
	h.mustDo(t, who, summaryQuery, vars, &got)
	return got.SubscriptionAnalytics
}

// zeroTrend is weeks empty weekly points ending with the week of testNow.
func zeroTrend(weeks int) []trendPoint {
	out := make([]trendPoint, weeks)
	for i := range out {
		out[i].WeekStart = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -7*(weeks-1-i)).Format(time.DateOnly)
	}
	return out
}

// summary builds an expected analyticsSummary.
func summary(regions []string, trend []trendPoint, recent [2]int, expiring, renewing [5]float64, low [6]float64, over [3]float64) analyticsSummary {
	var s analyticsSummary
	s.Regions, s.LicenseTrend = regions, trend
	s.RecentlyAdded.NewCustomers, s.RecentlyAdded.TotalLicenses = recent[0], recent[1]
	// expiring and renewing: customers, Σassigned, Σused, Σtotal (twice: assigned and usage denominators)
	s.Expiring.ExpiringCustomers = int(expiring[0])
	s.Expiring.LicenseAssignment, s.Expiring.LicenseUsage = rat(expiring[1], expiring[3]), rat(expiring[2], expiring[4])
	s.Renewing.RenewingCustomers = int(renewing[0])
	s.Renewing.LicenseAssignment, s.Renewing.LicenseUsage = rat(renewing[1], renewing[3]), rat(renewing[2], renewing[4])
	// low: customers, Σassigned, Σtotal, Σused, Σassigned, Σunassigned
	s.LowAssignment.LowAssignmentCustomers = int(low[0])
	s.LowAssignment.LicenseAssignment, s.LowAssignment.UsageWhenAssigned = rat(low[1], low[2]), rat(low[3], low[4])
	s.LowAssignment.TotalUnassigned = int(low[5])
	// overage: customers, total overage, and the average's denominator
	s.Overage.CustomersWithOverage, s.Overage.TotalOverage = int(over[0]), int(over[1])
	s.Overage.AverageOverage = rat(over[1], over[2])
	return s
}

// weekly is a trend of the given total, assigned and used per week, the last one the week
// of testNow.
func weekly(points ...[3]int) []trendPoint {
	out := zeroTrend(len(points))
	for i, p := range points {
		out[i].Total, out[i].Assigned, out[i].Used = p[0], p[1], p[2]
	}
	return out
}

// TestSubscriptionAnalytics checks every KPI block of the subscription analytics and the license trend for
// each role, product and region.
func TestSubscriptionAnalytics(t *testing.T) {
	h := newHarness(t)
	w := newAnalyticsWorld(h)
	other := h.newWorld("analytics-other")
	none := summary([]string{}, zeroTrend(3), [2]int{}, [5]float64{}, [5]float64{}, [6]float64{}, [3]float64{})
	fullMeetings := summary([]string{"US", "CA", "EU"},
		weekly([3]int{1100, 717, 526}, [3]int{1100, 722, 538}, [3]int{1000, 735, 548}),
		[2]int{5, 500}, [5]float64{3, 138, 95, 300, 300}, [5]float64{1, 200, 150, 100, 100},
		[6]float64{2, 38, 200, 25, 38, 162}, [3]float64{2, 150, 2})
	tests := []struct {
		name    string
		who     string
		product string
		region  enum.Region
		weeks   int
		want    analyticsSummary
	}{
		{"FullAdminMeetings", h.as(w.full), "MEETINGS", "", 3, fullMeetings},
		{"ReadOnlyAdminSeesAll", h.as(w.readOnly), "MEETINGS", "", 3, fullMeetings},
		{"AdminSeesAssigned", h.as(w.admin), "MEETINGS", "", 3, summary([]string{"US"},
			weekly([3]int{400, 300, 215}, [3]int{400, 305, 227}, [3]int{400, 310, 225}),
			[2]int{2, 200}, [5]float64{2, 110, 75, 200, 200}, [5]float64{0, 0, 0, 0, 0},
			[6]float64{1, 10, 100, 5, 10, 90}, [3]float64{1, 50, 1})},
		{"RegionEU12Weeks", h.as(w.full), "MEETINGS", enum.RegionEU, 12, summary([]string{"US", "CA", "EU"},
			weekly(append(slices.Repeat([][3]int{{100, 60, 50}}, 11), [3]int{100, 70, 60})...),
			[2]int{1, 100}, [5]float64{}, [5]float64{}, [6]float64{}, [3]float64{})},
		{"FullAdminCalling", h.as(w.full), "CALLING", "", 3, summary([]string{"US", "CA", "EU"},
			weekly(slices.Repeat([][3]int{{100, 150, 90}}, 3)...),
			[2]int{}, [5]float64{1, 150, 90, 100, 100}, [5]float64{}, [6]float64{}, [3]float64{1, 50, 1})},
		{"OtherPartnerSeesNone", h.as(other.full), "MEETINGS", "", 3, none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := h.summaryOf(t, tt.who, tt.product, tt.region, tt.weeks); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("analytics =\n%s\nwant\n%s", asJSON(got), asJSON(tt.want))
			}
		})
	}
	t.Run("TrendDefaultsTo12Weeks", func(t *testing.T) {
		var got struct {
			SubscriptionAnalytics struct{ LicenseTrend []trendPoint }
		}
		h.mustDo(t, h.as(w.full), `{ subscriptionAnalytics(product: MEETINGS) { licenseTrend { weekStart total assigned used } } }`, nil, &got)
		// Lines join the trend in the week their subscription started (TrialEnding on
		// 2026-01-07, LowYoung and Expiring90 in the week of 2026-02-15, Recent on 2026-02-26);
		// before its first snapshot a line counts with that snapshot, without any with its
		// current figures; SUSPENDED Suspended counts in past weeks, not in the current one.
		want := weekly([3]int{700, 632, 480}, [3]int{800, 642, 485}, [3]int{800, 642, 485}, [3]int{800, 642, 485},
			[3]int{800, 642, 485}, [3]int{800, 642, 485}, [3]int{800, 642, 485}, [3]int{1000, 677, 506},
			[3]int{1100, 717, 526}, [3]int{1100, 717, 526}, [3]int{1100, 722, 538}, [3]int{1000, 735, 548})
		if want[0].WeekStart != "2025-12-28" || !slices.Equal(got.SubscriptionAnalytics.LicenseTrend, want) {
			t.Errorf("trend = %+v, want %+v", got.SubscriptionAnalytics.LicenseTrend, want)
		}
	})
	for _, weeks := range []int{0, 53} {
		t.Run(fmt.Sprintf("Trend%dWeeksRefused", weeks), func(t *testing.T) {
			resp := h.do(t, h.as(w.full), `query($n: Int) { subscriptionAnalytics(product: MEETINGS) { licenseTrend(weeks: $n) { total } } }`, map[string]any{"n": weeks})
			if resp.code() != "BAD_USER_INPUT" {
				t.Errorf("weeks %d: code %q, want BAD_USER_INPUT", weeks, resp.code())
			}
		})
	}
	t.Run("MaxTrendWeeks", func(t *testing.T) {
		if got := h.summaryOf(t, h.as(w.full), "MEETINGS", "", 52).LicenseTrend; len(got) != 52 || got[0].WeekStart != "2025-03-23" {
			t.Errorf("52-week trend has %d points starting %+v", len(got), got[0])
		}
	})
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// TestLowAssignmentBar checks the bar of a low line: the absolute 0.25 with fewer than 5
// ACTIVE lines of the product, 0.5 × their median with 5 or more.
func TestLowAssignmentBar(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		ratios []int // assigned of 10 licenses, each line its own customer added 400 days ago
		// low customers, Σ(total − assigned) of the low lines
		wantLow, wantUnassigned int
	}{
		{"FourLinesAbsoluteBar", []int{2, 3, 10, 10}, 1, 8},
		{"FiveLinesHalfTheMedian", []int{2, 3, 10, 10, 10}, 2, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := h.newWorld("bar")
			for i, a := range tt.ratios {
				h.mustCustomer(w, customerSpec{name: fmt.Sprintf("Line%d", i), subs: []subSpec{sub(enum.KindPaid, 400, 300, true, line(enum.ProductMeetings, 10, a))}})
			}
			got := h.summaryOf(t, h.as(w.full), "MEETINGS", "", 1).LowAssignment
			if got.LowAssignmentCustomers != tt.wantLow || got.TotalUnassigned != tt.wantUnassigned {
				t.Errorf("low customers %d, unassigned %d; want %d, %d", got.LowAssignmentCustomers, got.TotalUnassigned, tt.wantLow, tt.wantUnassigned)
			}
			if k := h.kpisOf(t, h.as(w.full), "").counts().low; k != tt.wantLow {
				t.Errorf("lowLicenseAssignment KPI %d, want %d", k, tt.wantLow)
			}
		})
	}
}

// sectionRows pages through a section's rows as who: the rows (subscriptionId checked
// against the customer's and removed), totalCount and whether a next page exists.
func (h *harness) sectionRows(t *testing.T, w analyticsWorld, who, section, columns string, args map[string]any) (rows []map[string]any, total int, next bool, end string) {
	t.Helper()
	q := fmt.Sprintf(`query($first: Int, $after: Cursor, $last: Int, $before: Cursor, $order: AnalyticsRowOrder) { subscriptionAnalytics(product: MEETINGS) {
		%s { rows(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
			totalCount pageInfo { hasNextPage endCursor } edges { node { customer { name } subscriptionId %s } } } } } }`, section, columns)
	var got struct {
		SubscriptionAnalytics map[string]struct {
			Rows struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node map[string]any }
			}
		}
	}
	h.mustDo(t, who, q, args, &got)
	conn := got.SubscriptionAnalytics[section].Rows
	for _, e := range conn.Edges {
		name := e.Node["customer"].(map[string]any)["name"].(string)
		if e.Node["subscriptionId"] != w.subscriptionID(name) {
			t.Errorf("%s row of %s: subscriptionId %v, want %s", section, name, e.Node["subscriptionId"], w.subscriptionID(name))
		}
		delete(e.Node, "subscriptionId")
		rows = append(rows, e.Node)
	}
	return rows, conn.TotalCount, conn.PageInfo.HasNextPage, conn.PageInfo.EndCursor
}

// mustJSON decodes a literal JSON value of a test's expectation.
func mustJSON(t *testing.T, s string) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expectation %s: %v", s, err)
	}
	return v
}

// TestAnalyticsRows checks the columns of every section's rows (days and months from the
// fixed clock, weekly changes from last week's snapshot) in each section's default order.
func TestAnalyticsRows(t *testing.T) {
	h := newHarness(t)
	w := newAnalyticsWorld(h)
	full := h.as(w.full)
	const ratio = `{ numerator denominator ratio }`
	tests := []struct {
		section, columns, want string
	}{
		{"recentlyAdded", "daysSinceAdded total used assigned available weeklyAssignmentChange weeklyUsageChange", `[
			{"customer":{"name":"Recent"},"daysSinceAdded":20,"total":100,"used":30,"assigned":50,"available":50,"weeklyAssignmentChange":5,"weeklyUsageChange":-2},
			{"customer":{"name":"LowYoung"},"daysSinceAdded":29,"total":100,"used":3,"assigned":5,"available":95,"weeklyAssignmentChange":0,"weeklyUsageChange":0},
			{"customer":{"name":"Expiring90"},"daysSinceAdded":30,"total":100,"used":20,"assigned":28,"available":72,"weeklyAssignmentChange":-2,"weeklyUsageChange":2},
			{"customer":{"name":"TrialEnding"},"daysSinceAdded":70,"total":100,"used":5,"assigned":10,"available":90,"weeklyAssignmentChange":0,"weeklyUsageChange":0},
			{"customer":{"name":"Added90"},"daysSinceAdded":90,"total":100,"used":60,"assigned":70,"available":30,"weeklyAssignmentChange":0,"weeklyUsageChange":0}]`},
		{"expiring", "daysToExpiry total used assigned available usedLast3Months", `[
			{"customer":{"name":"TrialEnding"},"daysToExpiry":20,"total":100,"used":5,"assigned":10,"available":90,"usedLast3Months":5},
			{"customer":{"name":"Expiring45"},"daysToExpiry":45,"total":100,"used":70,"assigned":100,"available":0,"usedLast3Months":90},
			{"customer":{"name":"Expiring90"},"daysToExpiry":90,"total":100,"used":20,"assigned":28,"available":72,"usedLast3Months":25}]`},
		{"renewing", "daysToRenewal total used assigned available usedLast3Months", `[
			{"customer":{"name":"Renewing90"},"daysToRenewal":90,"total":100,"used":150,"assigned":200,"available":0,"usedLast3Months":160}]`},
		{"lowAssignment", "monthsSinceAdded assigned assignedRatio " + ratio + " total used available weeklyAssignmentChange", `[
			{"customer":{"name":"TrialEnding"},"monthsSinceAdded":2,"assigned":10,"assignedRatio":{"numerator":10,"denominator":100,"ratio":0.1},"total":100,"used":5,"available":90,"weeklyAssignmentChange":0},
			{"customer":{"name":"Expiring90"},"monthsSinceAdded":1,"assigned":28,"assignedRatio":{"numerator":28,"denominator":100,"ratio":0.28},"total":100,"used":20,"available":72,"weeklyAssignmentChange":-2}]`},
		{"overage", "monthsRemaining autoRenew total assigned assignedRatio " + ratio + " used usedRatio " + ratio, `[
			{"customer":{"name":"Renewing90"},"monthsRemaining":2,"autoRenew":true,"total":100,"assigned":200,"assignedRatio":{"numerator":200,"denominator":100,"ratio":2},"used":150,"usedRatio":{"numerator":150,"denominator":100,"ratio":1.5}},
			{"customer":{"name":"Renewing91"},"monthsRemaining":2,"autoRenew":true,"total":100,"assigned":150,"assignedRatio":{"numerator":150,"denominator":100,"ratio":1.5},"used":120,"usedRatio":{"numerator":120,"denominator":100,"ratio":1.2}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.section, func(t *testing.T) {
			rows, total, _, _ := h.sectionRows(t, w, full, tt.section, tt.columns, nil)
			if want := mustJSON(t, tt.want); !reflect.DeepEqual(rows, want) || total != len(want) {
				t.Errorf("rows (total %d) =\n%s\nwant\n%s", total, asJSON(rows), asJSON(want))
			}
		})
	}
}

// TestAnalyticsRowsPagingAndOrder pages through a section and sorts rows by each field.
func TestAnalyticsRowsPagingAndOrder(t *testing.T) {
	h := newHarness(t)
	w := newAnalyticsWorld(h)
	names := func(rows []map[string]any) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r["customer"].(map[string]any)["name"].(string))
		}
		return out
	}
	t.Run("PagesOfTwo", func(t *testing.T) {
		want := [][]string{{"Recent", "LowYoung"}, {"Expiring90", "TrialEnding"}, {"Added90"}}
		var after any
		for i, page := range want {
			rows, total, next, end := h.sectionRows(t, w, h.as(w.full), "recentlyAdded", "", map[string]any{"first": 2, "after": after})
			if got := names(rows); !slices.Equal(got, page) || total != 5 || next != (i < len(want)-1) {
				t.Fatalf("page %d = %v (total %d, next %v), want %v", i, got, total, next, page)
			}
			after = end
		}
	})
	t.Run("LastOne", func(t *testing.T) {
		if rows, _, _, _ := h.sectionRows(t, w, h.as(w.full), "expiring", "", map[string]any{"last": 1}); !slices.Equal(names(rows), []string{"Expiring90"}) {
			t.Errorf("last expiring row = %v, want Expiring90", names(rows))
		}
	})
	orders := []struct {
		section, field, direction string
		want                      []string
	}{
		{"expiring", "CUSTOMER_NAME", "DESC", []string{"TrialEnding", "Expiring90", "Expiring45"}},
		{"expiring", "ASSIGNED", "DESC", []string{"Expiring45", "Expiring90", "TrialEnding"}},
		{"recentlyAdded", "DATE", "ASC", []string{"Added90", "TrialEnding", "Expiring90", "LowYoung", "Recent"}},
		{"recentlyAdded", "USED", "ASC", []string{"LowYoung", "TrialEnding", "Expiring90", "Recent", "Added90"}},
		{"overage", "USED", "ASC", []string{"Renewing91", "Renewing90"}},
		{"lowAssignment", "USED", "DESC", []string{"Expiring90", "TrialEnding"}},
		{"renewing", "TOTAL", "ASC", []string{"Renewing90"}},
	}
	for _, o := range orders {
		t.Run(o.section+o.field+o.direction, func(t *testing.T) {
			// Pages of one row each, so the order also holds across cursors.
			var got []string
			var after any
			for range o.want {
				rows, _, _, end := h.sectionRows(t, w, h.as(w.full), o.section, "",
					map[string]any{"first": 1, "after": after, "order": map[string]any{"field": o.field, "direction": o.direction}})
				got, after = append(got, names(rows)...), end
			}
			if !slices.Equal(got, o.want) {
				t.Errorf("order = %v, want %v", got, o.want)
			}
		})
	}
	t.Run("AdminSeesAssignedRows", func(t *testing.T) {
		rows, total, _, _ := h.sectionRows(t, w, h.as(w.admin), "recentlyAdded", "", nil)
		if got := names(rows); !slices.Equal(got, []string{"Recent", "TrialEnding"}) || total != 2 {
			t.Errorf("ADMIN rows = %v (total %d), want Recent, TrialEnding", got, total)
		}
	})
}

// TestRenewingIsUpcomingRenewal: the renewing section holds the lines of the customers the
// upcoming-renewal KPI counts — paid subscriptions only; an auto-renew flag on a trial
// renews nothing.
func TestRenewingIsUpcomingRenewal(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("renewing")
	h.mustCustomer(w, customerSpec{name: "PaidRenews", subs: []subSpec{sub(enum.KindPaid, 400, 60, true, line(enum.ProductMeetings, 10, 5))}})
	h.mustCustomer(w, customerSpec{name: "TrialFlagged", subs: []subSpec{sub(enum.KindTrial, 30, 60, true, line(enum.ProductMeetings, 10, 5))}})
	full := h.as(w.full)
	if k := h.kpisOf(t, full, "").counts().renewal; k != 1 {
		t.Errorf("upcomingRenewal = %d, want 1", k)
	}
	if got := h.summaryOf(t, full, "MEETINGS", "", 1).Renewing; got.RenewingCustomers != 1 || !reflect.DeepEqual(got.LicenseAssignment, rat(5, 10)) {
		t.Errorf("renewing = %+v, want 1 customer, assignment 5/10", got)
	}
}
