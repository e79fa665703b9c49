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
