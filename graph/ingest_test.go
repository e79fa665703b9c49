package graph

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// ingestOut is an ingestion payload as the tests read it.
type ingestOut struct {
	Stored, Failed int
	Results        []struct {
		Index            int
		Created, Changed bool
		Error            *struct{ Code, Message string }
	}
}

// rowCounts counts what ingestion writes, for every partner.
func (h *harness) rowCounts() [6]int {
	c := h.client
	return [6]int{c.Customer.Query().CountX(h.sys), c.Subscription.Query().CountX(h.sys), c.License.Query().CountX(h.sys),
		c.Invoice.Query().CountX(h.sys), c.SubscriptionOrder.Query().CountX(h.sys), c.AuditEvent.Query().CountX(h.sys)}
}

// ingest runs an ingestion mutation with items under key and returns its payload.
func (h *harness) ingest(t *testing.T, who, field, query, key string, items []any) ingestOut {
	t.Helper()
	var out map[string]ingestOut
	h.mustDo(t, who, query, in(map[string]any{key: items}), &out)
	return out[field]
}

func customerItem(ext, country string) map[string]any {
	return map[string]any{"externalId": ext, "name": "Customer " + ext, "orgId": "org-" + ext, "region": "EU", "country": country}
}

// fullSubscriptionItem is a subscription with two lines, an invoice and an order.
func fullSubscriptionItem(customerExt, id, amount string) map[string]any {
	s := subscriptionItem(customerExt, id, 20)
	s["licenses"] = append(s["licenses"].([]any), map[string]any{"product": "MEETINGS", "total": 5, "assigned": 5, "used": 1, "usedLast90Days": 2})
	s["invoices"] = []any{map[string]any{"number": "INV-" + id, "date": "2026-01-01", "amount": amount, "currency": "EUR", "status": "PAID"}}
	s["orders"] = []any{map[string]any{"number": "ORD-" + id, "date": "2026-01-01T00:00:00Z", "action": "NEW", "product": "CALLING", "previousQuantity": 0, "newQuantity": 20}}
	return s
}

// TestIngestIdempotent: re-sending the same batches stores nothing, records no audit event
// and reports every item unchanged.
func TestIngestIdempotent(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Idempotent")
	who := h.asToken(w.full, viewer.ScopeIngest)
	batches := []struct {
		field, query, key string
		items             []any
	}{
		{"upsertCustomers", upsertCustQ, "customers", []any{customerItem("c1", "DE"), customerItem("c2", "FR")}},
		{"upsertSubscriptions", upsertSubsQ, "subscriptions", []any{fullSubscriptionItem("c1", "S1", "100.50"), fullSubscriptionItem("c2", "S2", "7")}},
		{"recordLicenseUsage", usageQ, "usage", []any{usageItem("S1", "2026-03-16", 9), usageItem("S1", "2026-03-17", 11)}},
		{"recordAdminActivity", activityQ, "activity", []any{map[string]any{"customerExternalId": "c1", "signedInAt": "2026-03-18T09:00:00Z"}}},
	}
	for _, b := range batches {
		t.Run(b.field, func(t *testing.T) {
			first := h.ingest(t, who, b.field, b.query, b.key, b.items)
			if first.Stored != len(b.items) || first.Failed != 0 {
				t.Fatalf("first send = %+v, want all %d stored", first, len(b.items))
			}
			counts := h.rowCounts()
			again := h.ingest(t, who, b.field, b.query, b.key, b.items)
			if again.Stored != 0 || again.Failed != 0 {
				t.Errorf("second send = %+v, want 0 stored, 0 failed", again)
			}
			for _, r := range again.Results {
				if r.Created || r.Changed {
					t.Errorf("re-sent item %d created %v changed %v, want neither", r.Index, r.Created, r.Changed)
				}
			}
			if got := h.rowCounts(); got != counts {
				t.Errorf("rows (customers, subscriptions, licenses, invoices, orders, audit events) = %v after re-sending, want %v", got, counts)
			}
		})
	}
	if got := h.rowCounts(); got != [6]int{2, 2, 4, 2, 2, 4} {
		t.Errorf("rows (customers, subscriptions, licenses, invoices, orders, audit events) = %v, want [2 2 4 2 2 4]", got)
	}
}

// TestIngestPartialBatch: a batch with invalid items stores exactly the valid ones, reports
// each failure at its index, and leaves nothing of a failed item behind.
func TestIngestPartialBatch(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Partial")
	who := h.asToken(w.admin, viewer.ScopeIngest)
	h.ingest(t, who, "upsertCustomers", upsertCustQ, "customers", []any{customerItem("p1", "DE")})
	bad := fullSubscriptionItem("p1", "BAD-INVOICE", "1.234") // the invoice fails after the subscription and lines are written
	reversed := subscriptionItem("p1", "BAD-DATES", 5)
	reversed["endsAt"] = "2025-01-01T00:00:00Z"
	out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{
		fullSubscriptionItem("p1", "OK-1", "10"), bad, subscriptionItem("nobody", "NO-CUSTOMER", 5), reversed, fullSubscriptionItem("p1", "OK-2", "20"),
	})
	want := []string{"", "BAD_USER_INPUT", "NOT_FOUND", "BAD_USER_INPUT", ""}
	if out.Stored != 2 || out.Failed != 3 || len(out.Results) != 5 {
		t.Fatalf("payload = %+v, want 2 stored, 3 failed", out)
	}
	for i, r := range out.Results {
		got := ""
		if r.Error != nil {
			got = r.Error.Code
		}
		if r.Index != i || got != want[i] {
			t.Errorf("result %d = index %d, error %q, want index %d, error %q", i, r.Index, got, i, want[i])
		}
	}
	if got := h.rowCounts(); got != [6]int{1, 2, 4, 2, 2, 2} {
		t.Errorf("rows (customers, subscriptions, licenses, invoices, orders, audit events) = %v, want [1 2 4 2 2 2]", got)
	}
	customers := h.ingest(t, who, "upsertCustomers", upsertCustQ, "customers", []any{customerItem("p2", "Germany"), customerItem("p3", "FR"), customerItem("", "FR")})
	if customers.Stored != 1 || customers.Failed != 2 || customers.Results[1].Error != nil {
		t.Errorf("customers payload = %+v, want only p3 stored", customers)
	}
}

// TestIngestLimits: ingest is never implied by a token without scopes, and batches hold at
// most 1 000 items.
func TestIngestLimits(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Ingest limits")
	if got := h.mutate(t, h.as(w.full), "upsertCustomers", upsertCustQ, in(map[string]any{"customers": []any{customerItem("x", "DE")}})); got.code != "FORBIDDEN" {
		t.Errorf("upsertCustomers without the ingest scope = %s, want FORBIDDEN", got.code)
	}
	items := make([]any, 1001)
	for i := range items {
		items[i] = customerItem(fmt.Sprintf("bulk-%d", i), "DE")
	}
	vars := in(map[string]any{"customers": items})
	if got := h.mutate(t, h.asToken(w.full, viewer.ScopeIngest), "upsertCustomers", upsertCustQ, vars); got.code != "BAD_USER_INPUT" {
		t.Errorf("a batch of 1001 = %s, want BAD_USER_INPUT", got.code)
	}
	if n := h.rowCounts()[0]; n != 0 {
		t.Errorf("%d customers stored, want 0", n)
	}
}

// TestIngestTrialNeverAutoRenews: a TRIAL item with autoRenew true is refused on its own
// with BAD_USER_INPUT, the rest of the batch is stored, and the same trial sent without
// auto-renewal counts as expiring.
func TestIngestTrialNeverAutoRenews(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Trials")
	who := h.asToken(w.full, viewer.ScopeIngest)
	h.ingest(t, who, "upsertCustomers", upsertCustQ, "customers", []any{customerItem("t1", "DE")})
	trial := subscriptionItem("t1", "TRIAL-1", 10)
	trial["kind"], trial["endsAt"] = "TRIAL", "2026-04-01T00:00:00Z"
	out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{trial, subscriptionItem("t1", "PAID-1", 5)})
	if out.Stored != 1 || out.Failed != 1 || out.Results[0].Error == nil || out.Results[0].Error.Code != "BAD_USER_INPUT" || out.Results[1].Error != nil {
		t.Fatalf("payload = %+v, want the trial refused with BAD_USER_INPUT and the paid subscription stored", out)
	}
	trial["autoRenew"] = false
	if out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{trial}); out.Stored != 1 {
		t.Fatalf("trial without auto-renewal = %+v, want stored", out)
	}
	if got := h.summaryOf(t, h.as(w.full), "CALLING", "", 1).Expiring.ExpiringCustomers; got != 1 {
		t.Errorf("expiring customers = %d, want 1 (the trial)", got)
	}
}
