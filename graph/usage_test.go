package graph

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	entfacts "github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// usageWorld is a partner with n customers u0…, each with subscription U0… of one Calling
// line of 10 licenses, and an ingest token.
func usageWorld(t *testing.T, h *harness, n int) (world, string) {
	t.Helper()
	w := h.newWorld("Usage")
	who := h.asToken(w.full, viewer.ScopeIngest)
	var customers, subs []any
	for i := range n {
		customers = append(customers, customerItem(fmt.Sprintf("u%d", i), "DE"))
		subs = append(subs, subscriptionItem(fmt.Sprintf("u%d", i), fmt.Sprintf("U%d", i), 10))
	}
	h.ingest(t, who, "upsertCustomers", upsertCustQ, "customers", customers)
	if out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", subs); out.Stored != n {
		t.Fatalf("subscriptions stored = %+v, want %d", out, n)
	}
	return w, who
}

// lineOf returns the Calling line of subscription id.
func (h *harness) lineOf(t *testing.T, id string) *ent.License {
	t.Helper()
	return h.client.License.Query().Where(license.HasSubscriptionWith(subscription.SubscriptionID(id))).OnlyX(h.sys)
}

// TestUsageBatchStatements: a usage batch runs as many SQL statements whatever its size,
// and still refreshes the facts of every line and customer it changed.
func TestUsageBatchStatements(t *testing.T) {
	h := newHarness(t)
	_, who := usageWorld(t, h, 20)
	batch := func(from, to int) int64 {
		var items []any
		for i := from; i < to; i++ {
			items = append(items, usageItem(fmt.Sprintf("U%d", i), "2026-03-16", 5+i))
		}
		if out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", items); out.Stored != to-from || out.Failed != 0 {
			t.Fatalf("batch of %d = %+v, want all stored", to-from, out)
		}
		return h.lastStatements()
	}
	small, large := batch(0, 2), batch(2, 20)
	if large != small {
		t.Errorf("a usage batch of 18 lines ran %d SQL statements, one of 2 ran %d; want as many", large, small)
	}
	// U6 now has 11 of 10 licenses assigned, U5 exactly 10.
	for id, over := range map[string]bool{"U5": false, "U6": true} {
		line := h.lineOf(t, id)
		c := h.client.Customer.Query().Where(customer.ID(line.CustomerID)).OnlyX(h.sys)
		if c.OverLimit == nil || *c.OverLimit != over || line.AssignmentRatio == nil || *line.AssignmentRatio != float64(line.Assigned)/10 {
			t.Errorf("%s: over limit %v, ratio %v after %d of 10 assigned; want over limit %v", id, c.OverLimit, line.AssignmentRatio, line.Assigned, over)
		}
	}
}

// TestUsageBatchInOrder: the items of one batch apply in order, as if sent one by one: a
// day earlier than the line's latest changes only its week's snapshot when that snapshot
// holds no later day, and the last figures of the latest day win.
func TestUsageBatchInOrder(t *testing.T) {
	h := newHarness(t)
	_, who := usageWorld(t, h, 1)
	out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", []any{
		usageItem("U0", "2026-03-17", 7),
		usageItem("U0", "2026-03-16", 3), // same week, earlier day: nothing
		usageItem("U0", "2026-03-10", 2), // the week before: its snapshot only
		usageItem("U0", "2026-03-17", 8),
		usageItem("U0", "2026-03-17", 8), // the same again: nothing
		usageItem("NOPE", "2026-03-17", 1),
	})
	want := []bool{true, false, true, true, false, false}
	if out.Stored != 3 || out.Failed != 1 || out.Results[5].Error == nil || out.Results[5].Error.Code != "NOT_FOUND" {
		t.Fatalf("payload = %+v, want 3 stored and the unknown subscription NOT_FOUND", out)
	}
	for i, r := range out.Results {
		if r.Changed != want[i] {
			t.Errorf("item %d changed = %v, want %v", i, r.Changed, want[i])
		}
	}
	line := h.lineOf(t, "U0")
	if line.Assigned != 8 || line.UsageAsOf == nil || line.UsageAsOf.Day() != 17 {
		t.Errorf("line = %d assigned as of %v, want 8 as of the 17th", line.Assigned, line.UsageAsOf)
	}
	snaps := h.client.LicenseSnapshot.Query().Where(licensesnapshot.LicenseID(line.ID)).Order(ent.Asc(licensesnapshot.FieldWeekStart)).AllX(h.sys)
	if len(snaps) != 2 || snaps[0].Assigned != 2 || snaps[1].Assigned != 8 || snaps[1].AsOf.Day() != 17 {
		t.Errorf("snapshots = %+v, want the week of the 10th at 2 and that of the 17th at 8", snaps)
	}
}

// TestUsageKeepsOtherAdminsFigures: usage of a customer an ADMIN does not see leaves their
// KPIs cached, recomputing nothing for them; usage of one of theirs recomputes them.
func TestUsageKeepsOtherAdminsFigures(t *testing.T) {
	h := newHarness(t)
	w, who := usageWorld(t, h, 2)
	mine := h.lineOf(t, "U0")
	h.client.Customer.UpdateOneID(mine.CustomerID).AddAdmins(w.admin).ExecX(h.sys)
	h.announce(w.partner.ID)
	admin := h.as(w.admin)
	computed := func() (n uint64) {
		for k, c := range h.resolver.Cache.Recomputations() {
			if k.Scope == "admin" {
				n += c
			}
		}
		return n
	}
	read := func() int {
		var out struct {
			Kpis struct{ OverLicenseLimit struct{ Count int } }
		}
		h.mustDo(t, admin, `{ kpis { overLicenseLimit { count } } }`, nil, &out)
		return out.Kpis.OverLicenseLimit.Count
	}
	read()
	before := computed()
	h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", []any{usageItem("U1", "2026-03-16", 12)})
	if n := read(); n != 0 || computed() != before {
		t.Errorf("after usage of another customer: over limit %d, %d recomputations; want 0 and none", n, computed()-before)
	}
	h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", []any{usageItem("U0", "2026-03-16", 12)})
	if n := read(); n != 1 || computed() == before {
		t.Errorf("after usage of the ADMIN's customer: over limit %d, recomputed %v; want 1, recomputed", n, computed() != before)
	}
}

// TestUsageFactsAsAFullRefresh: usage batches recompute only the facts usage figures
// decide (the lines' ratios, their customers' over-limit flags), and every
// fact of every line and customer stays what a full refresh of them all gives, over lines
// going over their limit and back.
func TestUsageFactsAsAFullRefresh(t *testing.T) {
	h := newHarness(t)
	w, who := usageWorld(t, h, 8)
	facts := func(q interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	}) string {
		t.Helper()
		var out strings.Builder
		for _, query := range []string{
			"SELECT id, active, started_at, assignment_ratio, ending_at, renews_at FROM licenses ORDER BY id",
			"SELECT id, kpi_scope, over_limit, expires_at, current_products, subscription_statuses FROM customers ORDER BY id",
		} {
			rows, err := q.QueryContext(h.sys, query)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&out, vals...)
			}
			rows.Close()
		}
		return out.String()
	}
	var ids []int
	for _, c := range h.client.Customer.Query().Where(customer.PartnerID(w.partner.ID)).AllX(h.sys) {
		ids = append(ids, c.ID)
	}
	for step, assigned := range [][]int{{12, 3, 10, 0}, {4, 11, 10, 15}, {10, 10, 2, 9}} {
		var items []any
		for i, n := range assigned {
			items = append(items, usageItem(fmt.Sprintf("U%d", (step+i)%8), fmt.Sprintf("2026-03-%d", 10+step), n))
		}
		if out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", items); out.Stored != len(items) || out.Failed != 0 {
			t.Fatalf("step %d: %+v", step, out)
		}
		tx, err := h.db.SQL.BeginTx(h.sys, nil)
		if err != nil {
			t.Fatal(err)
		}
		stored := facts(tx)
		if err := entfacts.Refresh(h.sys, tx, h.db.Dialect, ids...); err != nil {
			t.Fatal(err)
		}
		if full := facts(tx); full != stored {
			t.Errorf("step %d: facts after the batch\n%s\nafter a full refresh\n%s", step, stored, full)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
}
