package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// TestRecentlyAddedWhateverState: recently added counts every subscription and trial
// started in the last 90 days, the EXPIRED and CANCELLED ones too, and nothing older.
func TestRecentlyAddedWhateverState(t *testing.T) {
	h := newHarness(t)
	w := analyticsWorld{world: h.newWorld("recent"), customers: map[string]*ent.Customer{}}
	m := func(total int) lineSpec { return lineSpec{enum.ProductMeetings, total, 1, 1, 1} }
	paid, trial := enum.KindPaid, enum.KindTrial
	for _, s := range []customerSpec{
		{name: "Expired Since", subs: []subSpec{{kind: paid, state: enum.StateExpired, startedAgo: day(30), endsIn: -day(2), lines: []lineSpec{m(10)}}}},
		{name: "Cancelled Since", assignedTo: []*ent.Admin{w.admin}, subs: []subSpec{{kind: paid, state: enum.StateCancelled, startedAgo: day(10), endsIn: day(300), lines: []lineSpec{m(20)}}}},
		{name: "Trial Expired", subs: []subSpec{{kind: trial, state: enum.StateExpired, startedAgo: day(89), endsIn: -day(59), lines: []lineSpec{m(30)}}}},
		{name: "Active", subs: []subSpec{sub(paid, 5, 300, true, m(40))}},
		{name: "Too Old", subs: []subSpec{{kind: paid, state: enum.StateExpired, startedAgo: day(91), endsIn: -day(1), lines: []lineSpec{m(50)}}}},
	} {
		w.customers[s.name] = h.mustCustomer(w.world, s)
	}
	for _, tt := range []struct {
		name            string
		who             string
		customers, lics int
	}{
		{"FullAdmin", h.as(w.full), 4, 100},
		{"ReadOnlyAdmin", h.as(w.readOnly), 4, 100},
		{"Admin", h.as(w.admin), 1, 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := h.summaryOf(t, tt.who, "MEETINGS", "", 1).RecentlyAdded
			if got.NewCustomers != tt.customers || got.TotalLicenses != tt.lics {
				t.Errorf("recentlyAdded = %+v, want %d customers, %d licenses", got, tt.customers, tt.lics)
			}
			if _, total, _, _ := h.sectionRows(t, w, tt.who, "recentlyAdded", "total", map[string]any{"first": 10}); total != tt.customers {
				t.Errorf("recentlyAdded rows: totalCount %d, want %d", total, tt.customers)
			}
		})
	}
}
