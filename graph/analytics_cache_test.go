package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// sectionKpiBlocks is every section's KPI block.
const sectionKpiBlocks = `{ subscriptionAnalytics(product: CALLING) {
  recentlyAdded { newCustomers totalLicenses }
  expiring { expiringCustomers licenseAssignment { ratio } licenseUsage { ratio } }
  renewing { renewingCustomers licenseAssignment { ratio } licenseUsage { ratio } }
  lowAssignment { lowAssignmentCustomers licenseAssignment { ratio } usageWhenAssigned { ratio } totalUnassigned }
  overage { customersWithOverage totalOverage averageOverage { ratio } } } }`

// TestCachedSectionKpisRunNoSQL checks, for a viewer who sees every customer and for an
// ADMIN, that the sections' KPI blocks asked again with nothing changed run no statement,
// and that a change to the viewer's customers makes them computed again.
func TestCachedSectionKpisRunNoSQL(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Cached sections")
	for i := range 6 {
		h.mustCustomer(w, customerSpec{name: "C", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{{kind: enum.KindPaid, state: enum.StateActive,
			startedAgo: day(10 + 20*i), endsIn: day(30 + 20*i), autoRenew: i%2 == 0,
			lines: []lineSpec{{product: enum.ProductCalling, total: 10, assigned: 2 + 2*i, used: 1, used90d: 2}}}}})
	}
	for _, who := range []struct {
		name   string
		viewer string
	}{{"FullAdmin", h.as(w.full)}, {"Admin", h.as(w.admin)}} {
		t.Run(who.name, func(t *testing.T) {
			var first, again map[string]any
			h.mustDo(t, who.viewer, sectionKpiBlocks, nil, &first)
			if h.lastStatements() == 0 {
				t.Fatalf("the first request ran no statement: nothing was computed")
			}
			h.mustDo(t, who.viewer, sectionKpiBlocks, nil, &again)
			if n := h.lastStatements(); n != 0 {
				t.Errorf("cached section KPIs ran %d SQL statements, want 0", n)
			}
			h.announce(w.partner.ID)
			h.mustDo(t, who.viewer, sectionKpiBlocks, nil, &again)
			if h.lastStatements() == 0 {
				t.Errorf("after a change the section KPIs ran no statement, want them computed again")
			}
		})
	}
}

// TestAdminKpisShareOneReading checks that the KPIs of the partner's ADMINs come from one
// reading of its customers' KPIs: once one ADMIN's are computed, another ADMIN's cost only
// the listing of the customers they see.
func TestAdminKpisShareOneReading(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Shared admin KPIs")
	other := h.client.Admin.Create().SetPartnerID(w.partner.ID).SetRole(enum.RoleAdmin).SetDisplayName("Other").
		SetEmail("other@shared.example").SaveX(h.sys)
	for i, a := range []*ent.Admin{w.admin, other, other} {
		h.mustCustomer(w, customerSpec{name: "C", assignedTo: []*ent.Admin{a}, subs: []subSpec{{kind: enum.KindPaid, state: enum.StateActive,
			startedAgo: day(100), endsIn: day(30 + 100*i), lines: []lineSpec{{product: enum.ProductCalling, total: 10, assigned: 5, used: 1, used90d: 2}}}}})
	}
	h.announce(w.partner.ID)
	read := func(a *ent.Admin) (total, expiring int) {
		var out struct {
			Kpis struct{ TotalCustomers, ApproachingExpiration struct{ Count int } }
		}
		h.mustDo(t, h.as(a), `{ kpis { totalCustomers { count } approachingExpiration { count } } }`, nil, &out)
		return out.Kpis.TotalCustomers.Count, out.Kpis.ApproachingExpiration.Count
	}
	if total, expiring := read(w.admin); total != 1 || expiring != 1 {
		t.Errorf("first ADMIN's KPIs: total %d, approaching %d; want 1, 1", total, expiring)
	}
	total, expiring := read(other)
	if total != 2 || expiring != 0 {
		t.Errorf("second ADMIN's KPIs: total %d, approaching %d; want 2, 0", total, expiring)
	}
	if n := h.lastStatements(); n != 1 {
		t.Errorf("the second ADMIN's KPIs ran %d SQL statements, want 1 (the list of their customers)", n)
	}
}
