package graph

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// lineFigures is what a partner sees of its customers' lines: statuses, the product
// filter, the KPIs and the analytics of both products.
type lineFigures struct {
	statuses        map[string][]string
	calling, meet   []string
	over, total     int
	callingOverage  int
	meetingsTrend   int // the current week's purchased Meetings licenses
	callingTrendNow int
}

func (h *harness) lineFigures(t *testing.T, who string) lineFigures {
	t.Helper()
	var dir struct {
		Customers struct {
			Edges []struct {
				Node struct {
					Name     string
					Statuses []string
				}
			}
		}
	}
	h.mustDo(t, who, `{ customers(first: 100) { edges { node { name statuses } } } }`, nil, &dir)
	f := lineFigures{statuses: map[string][]string{}}
	for _, e := range dir.Customers.Edges {
		f.statuses[e.Node.Name] = e.Node.Statuses
	}
	f.calling = h.listCustomers(t, who, `first: 100, query: "product:calling"`, nil).names()
	f.meet = h.listCustomers(t, who, `first: 100, query: "product:meetings"`, nil).names()
	var k kpisJSON
	h.mustDo(t, who, kpisQuery, map[string]any{"r": nil}, &k)
	f.over, f.total = k.Kpis.OverLicenseLimit.Count, k.Kpis.TotalCustomers.Count
	f.callingOverage = h.summaryOf(t, who, "CALLING", "", 1).Overage.CustomersWithOverage
	f.callingTrendNow = h.summaryOf(t, who, "CALLING", "", 1).LicenseTrend[0].Total
	f.meetingsTrend = h.summaryOf(t, who, "MEETINGS", "", 1).LicenseTrend[0].Total
	return f
}

// TestUpsertRemovesLines: re-sending a subscription with a line fewer, or with its Calling
// line replaced by a Meetings line, removes the lines it no longer lists, and statuses,
// filters, KPIs and analytics follow at once.
func TestUpsertRemovesLines(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("lines")
	who := h.asToken(w.full, viewer.ScopeIngest)
	h.ingest(t, who, "upsertCustomers", upsertCustQ, "customers", []any{customerItem("two", "DE"), customerItem("swap", "FR"), customerItem("gone", "FR")})
	calling := map[string]any{"product": "CALLING", "total": 10, "assigned": 12, "used": 3, "usedLast90Days": 4}
	meetings := map[string]any{"product": "MEETINGS", "total": 5, "assigned": 5, "used": 1, "usedLast90Days": 2}
	send := func(customer, id string, lines ...any) {
		t.Helper()
		s := subscriptionItem(customer, id, 0)
		s["licenses"] = lines
		out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{s})
		if out.Stored != 1 || out.Failed != 0 {
			t.Fatalf("upsert %s = %+v, want stored", id, out)
		}
	}
	send("two", "S-TWO", calling, meetings)
	send("swap", "S-SWAP", calling)
	// Neither a CANCELLED subscription's line nor a PENDING_SETUP one's counts in the trend,
	// with usage recorded this week or not.
	for id, state := range map[string]string{"S-GONE": "CANCELLED", "S-SOON": "PENDING_SETUP"} {
		s := subscriptionItem("gone", id, 7)
		s["state"], s["autoRenew"] = state, false
		if out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{s}); out.Stored != 1 {
			t.Fatalf("upsert %s = %+v", id, out)
		}
	}
	if out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", []any{usageItem("S-GONE", "2026-03-16", 5)}); out.Stored != 1 {
		t.Fatalf("usage of S-GONE = %+v", out)
	}
	before := h.lineFigures(t, h.as(w.full))
	if want := []string{"Customer gone", "Customer swap", "Customer two"}; !slices.Equal(before.calling, want) || before.over != 2 || before.callingOverage != 2 || before.callingTrendNow != 20 || before.meetingsTrend != 5 {
		t.Fatalf("before = %+v, want both on Calling, over the limit, 20 Calling and 5 Meetings licenses", before)
	}

	send("two", "S-TWO", meetings)
	send("swap", "S-SWAP", meetings)
	if n := h.client.License.Query().CountX(h.sys); n != 4 {
		t.Errorf("%d license lines stored, want 4 (2 Meetings, the CANCELLED and PENDING_SETUP ones)", n)
	}
	for _, who := range []string{h.as(w.full), h.as(w.readOnly)} {
		after := h.lineFigures(t, who)
		if !slices.Equal(after.calling, []string{"Customer gone"}) || !slices.Equal(after.meet, []string{"Customer swap", "Customer two"}) {
			t.Errorf("product:calling = %q, product:meetings = %q, want gone's pending line, and swap and two", after.calling, after.meet)
		}
		for _, name := range []string{"Customer swap", "Customer two"} {
			if sts := after.statuses[name]; !slices.Equal(sts, []string{"ACTIVE", "NO_RECENT_ACTIVITY"}) {
				t.Errorf("%s statuses = %q, want ACTIVE and NO_RECENT_ACTIVITY", name, sts)
			}
		}
		if after.over != 0 || after.total != 2 || after.callingOverage != 0 || after.callingTrendNow != 0 || after.meetingsTrend != 10 {
			t.Errorf("after = %+v, want none over the limit, 2 in scope, 0 Calling and 10 Meetings licenses", after)
		}
	}
}
