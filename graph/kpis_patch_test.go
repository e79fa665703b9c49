package graph

import (
	"fmt"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub-api/graph/live"
)

// TestKpisFollowUsageCustomerByCustomer: once an ADMIN's KPIs made the partner's KPI
// members read, a usage batch brings them up to date by reading again only the customers
// it touched, and every viewer's KPIs counted from them stay what a full reading gives,
// including for a customer the batch did not touch that the moved low-assignment bar now
// counts as low.
func TestKpisFollowUsageCustomerByCustomer(t *testing.T) {
	h := newHarness(t)
	w, who := usageWorld(t, h, 6) // six Calling lines of 10 licenses, 4 assigned: the median 0.4, the bar 0.2
	full := h.as(w.full)
	h.announce(w.partner.ID)
	if got := h.kpisOf(t, h.as(w.admin), "").counts(); got != (kpiCounts{}) {
		t.Fatalf("the ADMIN's KPIs = %+v, want none: no customer is assigned", got)
	}
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{6, 0, 0, 0, 0}) {
		t.Fatalf("initial KPIs = %+v, want 6 customers and none low", got)
	}
	reasons := func() (patched, recomputed uint64) {
		n := h.resolver.Cache.Recomputations()
		return n[live.Recomputation{Reason: live.ReasonPatch, Scope: "partner"}], n[live.Recomputation{Reason: live.ReasonChange, Scope: "partner"}]
	}
	usage := func(assigned int, subs ...int) {
		t.Helper()
		var items []any
		for _, i := range subs {
			items = append(items, usageItem(fmt.Sprintf("U%d", i), "2026-03-16", assigned))
		}
		if out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", items); out.Stored != len(subs) || out.Failed != 0 {
			t.Fatalf("usage of %v = %+v", subs, out)
		}
	}
	patched0, recomputed0 := reasons()
	for _, step := range []struct {
		name     string
		assigned int
		subs     []int
		low      []string
	}{
		// u0 at 0.1: the median stays 0.4, the bar 0.2; u0 alone is low.
		{"u0 falls under the bar", 1, []int{0}, []string{"Customer u0"}},
		// u1–u4 at 1.0: the median is 1.0, the bar 0.5: u5, untouched at 0.4, is low too.
		{"the bar rises over u5", 10, []int{1, 2, 3, 4}, []string{"Customer u0", "Customer u5"}},
	} {
		usage(step.assigned, step.subs...)
		got := h.kpisOf(t, full, "")
		if low := got.counts().low; low != len(step.low) {
			t.Errorf("%s: low assignment %d, want %d", step.name, low, len(step.low))
		}
		if names := h.customerNames(t, full, got.Kpis.LowLicenseAssignment.Query); !slices.Equal(names, step.low) {
			t.Errorf("%s: the low-assignment customers are %v, want %v", step.name, names, step.low)
		}
	}
	// U5 cancelled: u5 leaves the KPIs' scope; four lines at 1.0 and u0's keep the bar at 0.5.
	cancelled := subscriptionItem("u5", "U5", 10)
	cancelled["state"] = "CANCELLED"
	if out := h.ingest(t, who, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{cancelled}); out.Failed != 0 {
		t.Fatalf("cancel U5 = %+v", out)
	}
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{5, 0, 0, 1, 0}) {
		t.Errorf("after U5 is cancelled: KPIs %+v, want 5 customers, u0 low", got)
	}
	patched, recomputed := reasons()
	if patched-patched0 != 3 || recomputed != recomputed0 {
		t.Errorf("the partner's KPI members were patched %d times and read in full %d times after the changes, want 3 and 0",
			patched-patched0, recomputed-recomputed0)
	}
}

// TestFullAdminKpisPatchAfterTheFirstChange: a FULL_ADMIN's first KPIs are counted in SQL,
// without reading the partner's KPI members; once a change makes them recomputed, the
// members are read once, and every later change brings them up to date customer by
// customer, the KPIs staying what a full reading gives.
func TestFullAdminKpisPatchAfterTheFirstChange(t *testing.T) {
	h := newHarness(t)
	w, who := usageWorld(t, h, 6) // six Calling lines of 10 licenses, 4 assigned: the bar 0.2
	full := h.as(w.full)
	h.announce(w.partner.ID)
	members := func(reason string) uint64 {
		return h.resolver.Cache.Recomputations()[live.Recomputation{Reason: reason, Scope: "partner"}]
	}
	if got := h.kpisOf(t, full, "").counts(); got != (kpiCounts{6, 0, 0, 0, 0}) {
		t.Fatalf("initial KPIs = %+v, want 6 customers and none low", got)
	}
	if n := members(live.ReasonNew); n != 0 {
		t.Errorf("the first KPIs read the KPI members %d times, want 0: counted in SQL", n)
	}
	for i, want := range []kpiCounts{{6, 0, 0, 1, 0}, {6, 0, 0, 2, 0}} {
		if out := h.ingest(t, who, "recordLicenseUsage", usageQ, "usage", []any{usageItem(fmt.Sprintf("U%d", i), "2026-03-16", 1)}); out.Stored != 1 {
			t.Fatalf("usage %d = %+v", i, out)
		}
		if got := h.kpisOf(t, full, "").counts(); got != want {
			t.Errorf("after usage %d: KPIs %+v, want %+v", i, got, want)
		}
	}
	if read, patched := members(live.ReasonNew), members(live.ReasonPatch); read != 1 || patched != 1 {
		t.Errorf("after two changes the KPI members were read %d times and patched %d times, want 1 and 1", read, patched)
	}
}
