package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
)

// trialProducts is one Meetings product of n licenses.
func trialProducts(n int) []any { return []any{map[string]any{"product": "MEETINGS", "licenses": n}} }

// TestStartTrialRules: the input's bounds, each refused with BAD_USER_INPUT and nothing stored.
func TestStartTrialRules(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Trials")
	c := h.mustCustomer(w, customerSpec{name: "Existing Co"})
	newCust := map[string]any{"name": "Fresh Co", "region": "EU", "country": "DE", "adminEmail": "it@fresh.example"}
	cases := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"ZeroDays", map[string]any{"customerId": c.GlobalID(), "products": trialProducts(5), "durationDays": 0}, "BAD_USER_INPUT"},
		{"NinetyOneDays", map[string]any{"customerId": c.GlobalID(), "products": trialProducts(5), "durationDays": 91}, "BAD_USER_INPUT"},
		{"NoProducts", map[string]any{"customerId": c.GlobalID(), "products": []any{}, "durationDays": 30}, "BAD_USER_INPUT"},
		{"ZeroLicenses", map[string]any{"customerId": c.GlobalID(), "products": trialProducts(0), "durationDays": 30}, "BAD_USER_INPUT"},
		{"BothCustomers", map[string]any{"customerId": c.GlobalID(), "newCustomer": newCust, "products": trialProducts(5), "durationDays": 30}, "BAD_USER_INPUT"},
		{"NeitherCustomer", map[string]any{"products": trialProducts(5), "durationDays": 30}, "BAD_USER_INPUT"},
		{"BadCountry", map[string]any{"newCustomer": map[string]any{"name": "X", "region": "EU", "country": "Germany", "adminEmail": "a@b.example"}, "products": trialProducts(5), "durationDays": 30}, "BAD_USER_INPUT"},
		{"OneDay", map[string]any{"customerId": c.GlobalID(), "products": trialProducts(5), "durationDays": 1}, "OK"},
		{"NinetyDays", map[string]any{"customerId": c.GlobalID(), "products": trialProducts(5), "durationDays": 90}, "OK"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.client.Subscription.Query().CountX(h.sys)
			got := h.mutate(t, h.as(w.full), "startTrial", startTrialQ, in(tc.in))
			if got.code != tc.want {
				t.Fatalf("startTrial = %s (%s), want %s", got.code, got.message, tc.want)
			}
			wantNew := 0
			if tc.want == "OK" {
				wantNew = 1
			}
			if n := h.client.Subscription.Query().CountX(h.sys) - before; n != wantNew {
				t.Errorf("%d subscriptions stored, want %d", n, wantNew)
			}
		})
	}
}

// trialOut is startTrial's payload as the tests read it.
type trialOut struct {
	StartTrial struct {
		Trial struct {
			Kind, State, StartedAt, EndsAt string
			Licenses                       []struct {
				Product string
				Total   int
			}
		}
		Customer struct {
			ID, Name, Region, Country string
			Statuses                  []string
			Admins                    []struct{ Email string }
		}
	}
}

// TestStartTrialNewCustomer: an ADMIN's new customer is created with an ACTIVE trial and
// assigned to that ADMIN (who then sees it); a FULL_ADMIN's is assigned to nobody.
func TestStartTrialNewCustomer(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("New trials")
	for _, c := range []struct {
		who        *ent.Admin
		wantAdmins int
	}{{w.admin, 1}, {w.full, 0}} {
		t.Run(string(c.who.Role), func(t *testing.T) {
			var out trialOut
			products := []any{map[string]any{"product": "CALLING", "licenses": 25}, map[string]any{"product": "MEETINGS", "licenses": 10}}
			h.mustDo(t, h.as(c.who), startTrialQ, in(map[string]any{
				"newCustomer": map[string]any{"name": "  Fresh Co  ", "region": "EU", "country": "DE", "adminEmail": "IT@Fresh.example"},
				"products":    products, "durationDays": 14,
			}), &out)
			tr, cu := out.StartTrial.Trial, out.StartTrial.Customer
			if tr.Kind != "TRIAL" || tr.State != "ACTIVE" || tr.StartedAt != "2026-03-18T12:00:00Z" || tr.EndsAt != "2026-04-01T12:00:00Z" {
				t.Errorf("trial = %+v, want an ACTIVE TRIAL from 2026-03-18T12:00:00Z to 2026-04-01T12:00:00Z", tr)
			}
			if len(tr.Licenses) != 2 {
				t.Errorf("licenses = %+v, want CALLING 25 and MEETINGS 10", tr.Licenses)
			}
			if cu.Name != "Fresh Co" || cu.Region != "EU" || cu.Country != "DE" || len(cu.Statuses) == 0 || cu.Statuses[0] != "TRIAL" {
				t.Errorf("customer = %+v, want Fresh Co in EU/DE with status TRIAL", cu)
			}
			if len(cu.Admins) != c.wantAdmins || c.wantAdmins == 1 && cu.Admins[0].Email != c.who.Email {
				t.Errorf("admins = %+v, want %d (the caller)", cu.Admins, c.wantAdmins)
			}
			var seen struct{ Customer *struct{ Name string } }
			h.mustDo(t, h.as(c.who), `query($id: ID!) { customer(id: $id) { name } }`, map[string]any{"id": cu.ID}, &seen)
			if seen.Customer == nil {
				t.Errorf("%s cannot see the customer it created", c.who.Role)
			}
		})
	}
}
