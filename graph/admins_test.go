package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// TestAssignCustomerAdmins: only ADMINs are assigned; assigning twice changes nothing; the
// ADMIN sees the customer from the next request on, and no longer once unassigned.
func TestAssignCustomerAdmins(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Assign")
	c := h.mustCustomer(w, customerSpec{name: "Managed Co"})
	who := h.as(w.full)
	assign := func(t *testing.T, q string, a *ent.Admin) outcome {
		t.Helper()
		field := map[string]string{assignQ: "assignCustomerAdmins", unassignQ: "unassignCustomerAdmins"}[q]
		return h.mutate(t, who, field, q, in(map[string]any{"customerId": c.GlobalID(), "adminIds": []string{a.GlobalID()}}))
	}
	seen := func(a *ent.Admin) int {
		var out struct{ Customers struct{ TotalCount int } }
		h.mustDo(t, h.as(a), `{ customers { totalCount } }`, nil, &out)
		return out.Customers.TotalCount
	}
	for _, a := range []*ent.Admin{w.full, w.readOnly} {
		if got := assign(t, assignQ, a); got.code != "BAD_USER_INPUT" {
			t.Errorf("assigning a %s = %s (%s), want BAD_USER_INPUT", a.Role, got.code, got.message)
		}
	}
	if n := seen(w.admin); n != 0 {
		t.Fatalf("the ADMIN sees %d customers before assignment, want 0", n)
	}
	before := h.auditCount(t)
	for range 2 {
		if got := assign(t, assignQ, w.admin); got.code != "OK" {
			t.Fatalf("assign = %s (%s), want OK", got.code, got.message)
		}
	}
	if n := h.auditCount(t) - before; n != 1 {
		t.Errorf("assigning twice appended %d events, want 1", n)
	}
	if n := seen(w.admin); n != 1 {
		t.Errorf("the ADMIN sees %d customers after assignment, want 1", n)
	}
	var out struct {
		Admins struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Email     string
					Customers struct {
						TotalCount int
						Edges      []struct{ Node struct{ Name string } }
					}
				}
			}
		}
	}
	h.mustDo(t, who, `{ admins(first: 10, roles: [ADMIN]) { totalCount edges { node { email customers(first: 5) { totalCount edges { node { name } } } } } } }`, nil, &out)
	if out.Admins.TotalCount != 1 || out.Admins.Edges[0].Node.Email != w.admin.Email || out.Admins.Edges[0].Node.Customers.TotalCount != 1 || out.Admins.Edges[0].Node.Customers.Edges[0].Node.Name != "Managed Co" {
		t.Errorf("admins(roles: [ADMIN]) = %+v, want the ADMIN managing Managed Co", out.Admins)
	}
	if got := assign(t, unassignQ, w.admin); got.code != "OK" {
		t.Fatalf("unassign = %s (%s), want OK", got.code, got.message)
	}
	if n := seen(w.admin); n != 0 {
		t.Errorf("the ADMIN sees %d customers after unassignment, want 0", n)
	}
}

// TestAdminsQuery: admins filters by role and by email or name, and pages.
func TestAdminsQuery(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Directory")
	h.mustAdmin(w, enum.RoleAdmin)
	h.newWorld("Directory elsewhere")
	cases := []struct {
		name, query string
		want        int
	}{
		{"All", `{ admins(first: 10) { totalCount } }`, 4},
		{"Roles", `{ admins(first: 10, roles: [ADMIN, READ_ONLY_ADMIN]) { totalCount } }`, 3},
		{"Query", `{ admins(first: 10, query: "EXTRA") { totalCount } }`, 1},
		{"QueryPercentLiteral", `{ admins(first: 10, query: "%") { totalCount } }`, 0},
		{"QueryUnderscoreLiteral", `{ admins(first: 10, query: "_") { totalCount } }`, 2}, // FULL_ADMIN@…, READ_ONLY_ADMIN@…
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out struct{ Admins struct{ TotalCount int } }
			h.mustDo(t, h.as(w.readOnly), c.query, nil, &out)
			if out.Admins.TotalCount != c.want {
				t.Errorf("totalCount = %d, want %d", out.Admins.TotalCount, c.want)
			}
		})
	}
}
