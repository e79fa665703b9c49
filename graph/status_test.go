package graph

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

func paid(state enum.SubscriptionState, endsIn int, autoRenew bool, lines ...lineSpec) subSpec {
	return subSpec{kind: enum.KindPaid, state: state, endsIn: day(endsIn), autoRenew: autoRenew, lines: lines}
}

func trialSub(state enum.SubscriptionState, endsIn int, lines ...lineSpec) subSpec {
	return subSpec{kind: enum.KindTrial, state: state, endsIn: day(endsIn), lines: lines}
}

var meetings10 = lineSpec{product: enum.ProductMeetings, total: 10, assigned: 5, used: 3, used90d: 4}

// TestStatuses checks every status at its boundaries, through the statuses field and
// through the status filter, which must agree.
func TestStatuses(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("statuses")
	recent := ago(day(1))
	tests := []struct {
		name string
		spec customerSpec
		want []enum.CustomerStatus
	}{
		{"ActivePaid", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 200, true, meetings10)}}, []enum.CustomerStatus{"ACTIVE"}},
		{"ActiveTrial", customerSpec{activityAgo: recent, subs: []subSpec{trialSub(enum.StateActive, 60, meetings10)}}, []enum.CustomerStatus{"TRIAL"}},
		{"EndsIn29Days", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 29, false)}}, []enum.CustomerStatus{"ACTIVE", "EXPIRING_SOON"}},
		{"EndsIn30Days", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 30, false)}}, []enum.CustomerStatus{"ACTIVE", "EXPIRING_SOON"}},
		{"EndsIn31Days", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 31, false)}}, []enum.CustomerStatus{"ACTIVE"}},
		{"EndsIn10DaysAutoRenew", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 10, true)}}, []enum.CustomerStatus{"ACTIVE"}},
		{"EndedStillActiveAndEndsIn20Days", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, -3, false), paid(enum.StateActive, 20, false)}}, []enum.CustomerStatus{"ACTIVE", "EXPIRING_SOON"}},
		{"EndedStillActive", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, -3, false), paid(enum.StateActive, 40, false)}}, []enum.CustomerStatus{"ACTIVE"}},
		{"TrialEndsIn5Days", customerSpec{activityAgo: recent, subs: []subSpec{trialSub(enum.StateActive, 5)}}, []enum.CustomerStatus{"TRIAL", "EXPIRING_SOON"}},
		{"AssignedEqualsTotal", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 200, true, lineSpec{enum.ProductCalling, 10, 10, 5, 6})}}, []enum.CustomerStatus{"ACTIVE"}},
		{"AssignedTotalPlusOne", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateActive, 200, true, lineSpec{enum.ProductCalling, 10, 11, 5, 6})}}, []enum.CustomerStatus{"ACTIVE", "LICENSE_OVERAGE"}},
		{"OverageOnSuspendedIgnored", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateSuspended, 200, true, lineSpec{enum.ProductCalling, 10, 11, 5, 6})}}, []enum.CustomerStatus{"SUSPENDED"}},
		{"Activity29DaysAgo", customerSpec{activityAgo: ago(day(29)), subs: []subSpec{paid(enum.StateActive, 200, true)}}, []enum.CustomerStatus{"ACTIVE"}},
		{"Activity30DaysAgo", customerSpec{activityAgo: ago(day(30)), subs: []subSpec{paid(enum.StateActive, 200, true)}}, []enum.CustomerStatus{"ACTIVE", "NO_RECENT_ACTIVITY"}},
		{"Activity31DaysAgo", customerSpec{activityAgo: ago(day(31)), subs: []subSpec{paid(enum.StateActive, 200, true)}}, []enum.CustomerStatus{"ACTIVE", "NO_RECENT_ACTIVITY"}},
		{"NeverActive", customerSpec{subs: []subSpec{paid(enum.StateActive, 200, true)}}, []enum.CustomerStatus{"ACTIVE", "NO_RECENT_ACTIVITY"}},
		{"PendingSetup", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StatePendingSetup, 365, false)}}, []enum.CustomerStatus{"ORDER_SETUP_PENDING"}},
		{"OnlyExpired", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateExpired, -10, false)}}, []enum.CustomerStatus{"EXPIRED"}},
		{"ExpiredAndSuspended", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateExpired, -10, false), paid(enum.StateSuspended, 100, false)}}, []enum.CustomerStatus{"SUSPENDED"}},
		{"ExpiredAndCancelled", customerSpec{activityAgo: recent, subs: []subSpec{paid(enum.StateExpired, -10, false), paid(enum.StateCancelled, -5, false)}}, []enum.CustomerStatus{"EXPIRED"}},
		{"NoSubscriptions", customerSpec{activityAgo: recent}, []enum.CustomerStatus{}},
	}
	ids := map[string]string{}
	for _, tt := range tests {
		tt.spec.name = tt.name
		ids[tt.name] = h.mustCustomer(w, tt.spec).GlobalID()
	}
	who := h.as(w.full)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Customer struct{ Statuses []enum.CustomerStatus }
			}
			h.mustDo(t, who, `query($id: ID!) { customer(id: $id) { statuses } }`, map[string]any{"id": ids[tt.name]}, &got)
			if !slices.Equal(got.Customer.Statuses, tt.want) {
				t.Errorf("statuses = %v, want %v", got.Customer.Statuses, tt.want)
			}
		})
	}
	// A page of customers reads the statuses in its own statement: the same ones.
	t.Run("Page", func(t *testing.T) {
		var got struct {
			Customers struct {
				Edges []struct {
					Node struct {
						Name     string
						Statuses []enum.CustomerStatus
					}
				}
			}
		}
		h.mustDo(t, who, `{ customers(first: 100) { edges { node { name statuses } } } }`, nil, &got)
		seen := 0
		for _, e := range got.Customers.Edges {
			for _, tt := range tests {
				if tt.name == e.Node.Name {
					seen++
					if !slices.Equal(e.Node.Statuses, tt.want) {
						t.Errorf("%s: statuses on the page = %v, want %v", tt.name, e.Node.Statuses, tt.want)
					}
				}
			}
		}
		if seen != len(tests) {
			t.Errorf("the page holds %d of the %d customers", seen, len(tests))
		}
	})
	// The filter must select exactly the customers whose field shows the status.
	for _, st := range enum.CustomerStatus("").Values() {
		t.Run("Filter"+st, func(t *testing.T) {
			var got struct {
				Customers struct {
					TotalCount int
					Edges      []struct{ Node struct{ Name string } }
				}
			}
			h.mustDo(t, who, `query($s: [CustomerStatus!]) { customers(first: 100, filter: {statuses: $s}) { totalCount edges { node { name } } } }`,
				map[string]any{"s": []string{st}}, &got)
			var want []string
			for _, tt := range tests {
				if slices.Contains(tt.want, enum.CustomerStatus(st)) {
					want = append(want, tt.name)
				}
			}
			var names []string
			for _, e := range got.Customers.Edges {
				names = append(names, e.Node.Name)
			}
			slices.Sort(want)
			if !slices.Equal(names, want) || got.Customers.TotalCount != len(want) {
				t.Errorf("status %s filter = %v (total %d), want %v", st, names, got.Customers.TotalCount, want)
			}
		})
	}
}
