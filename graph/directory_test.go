package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// directoryPage is the benchmark's page of customers; %s adds fields of each customer.
const directoryPage = `query($n: Int, $q: String) { customers(first: $n, orderBy: {field: NAME, direction: ASC}, query: $q) { totalCount edges { node {
		name statuses tags { name } licenseSummary { product total assigned used }
		subscriptions { subscriptionId state endsAt licenses { product total assigned used } } %s } } } }`

// mustDirectory adds n customers "Customer 000" onwards, tagged Gold and Silver in turn,
// each with an auto-renewing paid subscription of MEETINGS and a CALLING trial ending in
// 20 days.
func (h *harness) mustDirectory(w world, n int) {
	tags := []*ent.Tag{h.mustTag(w, "Gold"), h.mustTag(w, "Silver")}
	for i := range n {
		h.mustCustomer(w, customerSpec{name: fmt.Sprintf("Customer %03d", i), tags: tags[i%2 : i%2+1],
			subs: []subSpec{paid(enum.StateActive, 100+i, true, meetings10), trialSub(enum.StateActive, 20, lineSpec{enum.ProductCalling, 5, 1, 1, 1})}})
	}
}

// TestPageStatements checks that the benchmark page query runs the same small number of
// SQL statements whatever the page size: one per kind of lookup, batched by the loaders.
func TestPageStatements(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("statements")
	h.mustDirectory(w, 100)
	query := fmt.Sprintf(directoryPage, "")
	who := h.as(w.full)
	for _, run := range []struct {
		query, extra string
		want         int64
	}{
		// list with statuses, count, tags, subscriptions, license lines
		{"", "", 5},
		// every customer has a trial of CALLING ending in 20 days, so every one matches
		{"status:expiring_soon product:calling", "", 5},
		// a column the name index does not carry: the list first finds the IDs of its page
		{"status:expiring_soon product:calling", "orgId", 6},
	} {
		for _, n := range []int{5, 25, 100} {
			t.Run(fmt.Sprintf("%q%s/%d", run.query, run.extra, n), func(t *testing.T) {
				query := fmt.Sprintf(directoryPage, run.extra)
				var got struct {
					Customers struct {
						TotalCount int
						Edges      []struct {
							Node struct {
								Name          string
								Statuses      []string
								Tags          []struct{ Name string }
								Subscriptions []struct{ Licenses []json.RawMessage }
							}
						}
					}
				}
				h.announce(w.partner.ID) // so that totalCount is counted anew, not reused
				h.mustDo(t, who, query, map[string]any{"n": n, "q": run.query}, &got)
				if len(got.Customers.Edges) != n || got.Customers.TotalCount != 100 {
					t.Fatalf("got %d edges of %d, want %d of 100", len(got.Customers.Edges), got.Customers.TotalCount, n)
				}
				first, last := got.Customers.Edges[0].Node, got.Customers.Edges[n-1].Node
				if first.Name != "Customer 000" || len(first.Tags) != 1 || first.Tags[0].Name != "Gold" || len(first.Subscriptions) != 2 || len(first.Subscriptions[0].Licenses) != 1 {
					t.Errorf("first customer = %+v, want Customer 000 tagged Gold with two subscriptions of one line each", first)
				}
				if want := fmt.Sprintf("Customer %03d", n-1); last.Name != want || !slices.Contains(last.Statuses, "EXPIRING_SOON") {
					t.Errorf("last customer = %s with %v, want %s, EXPIRING_SOON", last.Name, last.Statuses, want)
				}
				if h.lastStatements() != run.want {
					t.Errorf("page of %d ran %d SQL statements, want %d", n, h.lastStatements(), run.want)
				}
			})
		}
	}
	t.Run("CountReused", func(t *testing.T) {
		var got struct{ Customers struct{ TotalCount int } }
		h.mustDo(t, who, query, map[string]any{"n": 50}, &got)
		h.mustDo(t, who, query, map[string]any{"n": 50}, &got)
		if got.Customers.TotalCount != 100 || h.lastStatements() != 4 {
			t.Errorf("repeated page: totalCount %d in %d SQL statements, want 100 in 4", got.Customers.TotalCount, h.lastStatements())
		}
	})
}

// BenchmarkDirectoryPage serves the benchmark's page of 50 customers over a small
// database. Its allocations per request (-benchmem) do not drift with the machine's speed,
// unlike the CPU the README's benchmark measures, so they show what a change saves.
func BenchmarkDirectoryPage(b *testing.B) {
	h := newHarness(b)
	w := h.newWorld("bench")
	h.mustDirectory(w, 60)
	query, vars := fmt.Sprintf(directoryPage, ""), map[string]any{"n": 50}
	who := h.as(w.full)
	if raw := h.post(b, who, query, vars, ""); !bytes.Contains(raw, []byte("Customer 049")) {
		b.Fatalf("not the page: %s", raw)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.post(b, who, query, vars, "")
	}
}

// TestCustomerDetail checks every detail field of one customer: launch URL, products,
// license summary, subscriptions with their kinds/states arguments, trials, tags, admins,
// and a subscription's licenses (with weekly changes), invoices and orders.
func TestCustomerDetail(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("detail")
	c := h.mustCustomer(w, customerSpec{name: "Detail Co", orgID: "0b7e-org", assignedTo: []*ent.Admin{w.full, w.admin},
		tags: []*ent.Tag{h.mustTag(w, "Zeta"), h.mustTag(w, "Alpha")},
		subs: []subSpec{
			{kind: enum.KindPaid, state: enum.StateActive, startedAgo: day(300), endsIn: day(65), lines: []lineSpec{{enum.ProductMeetings, 100, 80, 60, 70}, {enum.ProductCalling, 10, 12, 9, 11}}},
			{kind: enum.KindTrial, state: enum.StateActive, startedAgo: day(5), endsIn: day(25), lines: []lineSpec{{enum.ProductMeetings, 20, 5, 2, 3}}},
			{kind: enum.KindPaid, state: enum.StateExpired, startedAgo: day(700), endsIn: day(-300), lines: []lineSpec{{enum.ProductMessaging, 50, 50, 50, 50}}},
		}})
	paidSub := h.client.Subscription.Query().Where(subscription.SubscriptionID(fmt.Sprintf("sub-%d-0", c.ID))).OnlyX(h.sys)
	meetings := h.client.License.Query().Where(license.SubscriptionID(paidSub.ID), license.ProductEQ(enum.ProductMeetings)).OnlyX(h.sys)
	lastWeek := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	h.client.LicenseSnapshot.Create().SetPartnerID(w.partner.ID).SetCustomerID(c.ID).SetLicenseID(meetings.ID).SetProduct(enum.ProductMeetings).
		SetWeekStart(lastWeek).SetTotal(100).SetAssigned(70).SetUsed(65).SaveX(h.sys)
	for i, on := range []string{"2026-01-05", "2026-02-05"} {
		day, _ := time.Parse(time.DateOnly, on)
		h.client.Invoice.Create().SetPartnerID(w.partner.ID).SetCustomerID(c.ID).SetSubscriptionID(paidSub.ID).SetNumber(fmt.Sprintf("INV-%d", i+1)).
			SetIssuedOn(day).SetAmountCents(123450).SetCurrency("EUR").SetStatus(enum.InvoiceStatus([]string{"PAID", "DUE"}[i])).SaveX(h.sys)
		h.client.SubscriptionOrder.Create().SetPartnerID(w.partner.ID).SetCustomerID(c.ID).SetSubscriptionID(paidSub.ID).SetNumber(fmt.Sprintf("ORD-%d", i+1)).
			SetOrderedAt(day).SetAction(enum.OrderAction([]string{"NEW", "ADD"}[i])).SetProduct(enum.ProductMeetings).
			SetPreviousQuantity(i * 50).SetNewQuantity(50 + i*50).SaveX(h.sys)
	}
	const query = `query($id: ID!) { customer(id: $id) {
		launchUrl products licenseSummary { product total assigned used available overage }
		subscriptions { kind state licenses { product available overage usedLast90Days weeklyAssignmentChange weeklyUsageChange }
			invoices { number date amount currency status } orders { number date action product previousQuantity newQuantity } }
		expired: subscriptions(states: [EXPIRED]) { state } paidActive: subscriptions(kinds: [PAID], states: [ACTIVE]) { kind state }
		trials { kind endsAt } tags { name } admins { email } } }`
	resp := h.do(t, h.as(w.full), query, map[string]any{"id": c.GlobalID()})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	want := `{"customer":{"launchUrl":"https://hub.example/orgs/0b7e-org","products":["MEETINGS","CALLING"],` +
		`"licenseSummary":[{"product":"MEETINGS","total":120,"assigned":85,"used":62,"available":35,"overage":0},{"product":"CALLING","total":10,"assigned":12,"used":9,"available":0,"overage":2}],` +
		`"subscriptions":[` +
		`{"kind":"TRIAL","state":"ACTIVE","licenses":[{"product":"MEETINGS","available":15,"overage":0,"usedLast90Days":3,"weeklyAssignmentChange":0,"weeklyUsageChange":0}],"invoices":[],"orders":[]},` +
		`{"kind":"PAID","state":"ACTIVE","licenses":[{"product":"CALLING","available":0,"overage":2,"usedLast90Days":11,"weeklyAssignmentChange":0,"weeklyUsageChange":0},{"product":"MEETINGS","available":20,"overage":0,"usedLast90Days":70,"weeklyAssignmentChange":10,"weeklyUsageChange":-5}],` +
		`"invoices":[{"number":"INV-2","date":"2026-02-05","amount":"1234.50","currency":"EUR","status":"DUE"},{"number":"INV-1","date":"2026-01-05","amount":"1234.50","currency":"EUR","status":"PAID"}],` +
		`"orders":[{"number":"ORD-2","date":"2026-02-05T00:00:00Z","action":"ADD","product":"MEETINGS","previousQuantity":50,"newQuantity":100},{"number":"ORD-1","date":"2026-01-05T00:00:00Z","action":"NEW","product":"MEETINGS","previousQuantity":0,"newQuantity":50}]},` +
		`{"kind":"PAID","state":"EXPIRED","licenses":[{"product":"MESSAGING","available":0,"overage":0,"usedLast90Days":50,"weeklyAssignmentChange":0,"weeklyUsageChange":0}],"invoices":[],"orders":[]}],` +
		`"expired":[{"state":"EXPIRED"}],"paidActive":[{"kind":"PAID","state":"ACTIVE"}],` +
		`"trials":[{"kind":"TRIAL","endsAt":"2026-04-12T12:00:00Z"}],"tags":[{"name":"Alpha"},{"name":"Zeta"}],` +
		`"admins":[{"email":"` + w.admin.Email + `"},{"email":"` + w.full.Email + `"}]}}`
	if string(resp.Data) != want {
		t.Errorf("customer =\n%s\nwant\n%s", resp.Data, want)
	}
}

// TestAdminCustomersStatements checks that an admin's customers connection, like the
// directory, costs the same number of SQL statements whatever its page size.
func TestAdminCustomersStatements(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("admin-statements")
	gold := h.mustTag(w, "Gold")
	for i := range 30 {
		h.mustCustomer(w, customerSpec{name: fmt.Sprintf("Assigned %02d", i), assignedTo: []*ent.Admin{w.admin}, tags: []*ent.Tag{gold},
			subs: []subSpec{paid(enum.StateActive, 100+i, true, meetings10)}})
	}
	const query = `query($n: Int) { me { customers(first: $n) { edges { node { name statuses tags { name } licenseSummary { product total } } } } } }`
	who := h.as(w.admin)
	counts := map[int]int64{}
	for _, n := range []int{5, 25} {
		var got struct {
			Me struct {
				Customers struct{ Edges []json.RawMessage }
			}
		}
		h.mustDo(t, who, query, map[string]any{"n": n}, &got)
		if len(got.Me.Customers.Edges) != n {
			t.Fatalf("page of %d has %d edges", n, len(got.Me.Customers.Edges))
		}
		counts[n] = h.lastStatements()
	}
	// me (admin), page (managed by them) with statuses, tags, subscriptions, license lines
	if counts[5] != 5 || counts[25] != 5 {
		t.Errorf("SQL statements for pages of 5 and 25: %d and %d, want 5 and 5", counts[5], counts[25])
	}
}

// TestDirectoryFieldsMatchDetail checks that each field of a customer reads the same on a
// directory page, which selects only the columns its fields read (and, filtered, may read
// the name index alone), as on customer(id:), which reads the whole row: for each field
// alone, and for each role, unfiltered and filtered.
func TestDirectoryFieldsMatchDetail(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("directory-fields")
	active := day(3)
	h.mustCustomer(w, customerSpec{name: "Fields Alpha", region: enum.RegionEU, externalID: "ext-alpha", activityAgo: &active,
		assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{paid(enum.StateActive, 20, false, meetings10)}})
	h.mustCustomer(w, customerSpec{name: "Fields Beta", subs: []subSpec{trialSub(enum.StateActive, 40, lineSpec{enum.ProductCalling, 5, 6, 1, 1})}})
	fields := []string{"name", "orgId", "externalId", "region", "country", "createdAt", "lastAdminActivityAt", "launchUrl", "products", "statuses"}
	for _, who := range []string{h.as(w.full), h.as(w.admin), h.as(w.readOnly)} {
		for _, q := range []string{"", "status:active,trial"} {
			for _, f := range fields {
				var page struct {
					Customers struct {
						Edges []struct{ Node map[string]json.RawMessage }
					}
				}
				h.mustDo(t, who, fmt.Sprintf(`query($q: String) { customers(first: 10, query: $q) { edges { node { id %s } } } }`, f), map[string]any{"q": q}, &page)
				if len(page.Customers.Edges) == 0 {
					t.Fatalf("%s %q: no customers", who, q)
				}
				for _, e := range page.Customers.Edges {
					var detail struct{ Customer map[string]json.RawMessage }
					h.mustDo(t, who, fmt.Sprintf(`query($id: ID!) { customer(id: $id) { %s } }`, f), map[string]any{"id": json.RawMessage(e.Node["id"])}, &detail)
					if got, want := string(e.Node[f]), string(detail.Customer[f]); got != want || got == "" {
						t.Errorf("%s %q: %s on the page %s, in detail %s", who, q, f, got, want)
					}
				}
			}
		}
	}
}
