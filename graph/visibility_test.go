package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// TestCustomerVisibility runs the same reads as each role and as another partner's admin:
// the list and its totalCount, customer(id:), node(id:)/nodes(ids:) of customers and of
// what belongs to them, and nested fields (tag counts, an admin's customers).
func TestCustomerVisibility(t *testing.T) {
	h := newHarness(t)
	w, other := h.newWorld("mine"), h.newWorld("other")
	shared := h.mustTag(w, "Shared")
	sub := []subSpec{paid(enum.StateActive, 100, true, meetings10)}
	assigned := h.mustCustomer(w, customerSpec{name: "Assigned Co", assignedTo: []*ent.Admin{w.admin}, tags: []*ent.Tag{shared}, subs: sub})
	unassigned := h.mustCustomer(w, customerSpec{name: "Unassigned Co", assignedTo: []*ent.Admin{w.full}, tags: []*ent.Tag{shared}, subs: sub})
	foreign := h.mustCustomer(other, customerSpec{name: "Foreign Co", subs: sub, tags: []*ent.Tag{h.mustTag(other, "Theirs")}})
	gid := func(c *ent.Customer) (customer, subscription, license string) {
		for _, x := range h.client.Subscription.Query().AllX(h.sys) {
			if x.CustomerID == c.ID {
				subscription = x.GlobalID()
			}
		}
		for _, l := range h.client.License.Query().AllX(h.sys) {
			if l.CustomerID == c.ID {
				license = l.GlobalID()
			}
		}
		return c.GlobalID(), subscription, license
	}
	aC, aS, aL := gid(assigned)
	uC, uS, uL := gid(unassigned)
	fC, fS, fL := gid(foreign)
	const query = `query($ids: [ID!]!, $full: ID!) {
		customers { totalCount edges { node { name } } }
		nodes(ids: $ids) { id }
		tags { edges { node { name customerCount } } }
		fullAdmin: node(id: $full) { ... on Admin { customers { totalCount } } }
		me { customers { totalCount } }
	}`
	ids := []string{aC, aS, aL, uC, uS, uL, fC, fS, fL}
	tests := []struct {
		name     string
		who      *ent.Admin
		list     []string
		visible  []bool // of ids
		tagCount int    // customers carrying "Shared" (or "Theirs")
		fullsCus int    // customers of w.full seen through node(id); -1: the node is null
		mine     int    // me.customers
	}{
		{"FullAdmin", w.full, []string{"Assigned Co", "Unassigned Co"}, []bool{true, true, true, true, true, true, false, false, false}, 2, 1, 1},
		{"ReadOnlyAdmin", w.readOnly, []string{"Assigned Co", "Unassigned Co"}, []bool{true, true, true, true, true, true, false, false, false}, 2, 1, 0},
		{"AdminSeesAssignedOnly", w.admin, []string{"Assigned Co"}, []bool{true, true, true, false, false, false, false, false, false}, 1, 0, 1},
		{"OtherPartner", other.full, []string{"Foreign Co"}, []bool{false, false, false, false, false, false, true, true, true}, 1, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Customers struct {
					TotalCount int
					Edges      []struct{ Node struct{ Name string } }
				}
				Nodes []*struct{ ID string }
				Tags  struct {
					Edges []struct{ Node struct{ CustomerCount int } }
				}
				FullAdmin *struct{ Customers struct{ TotalCount int } }
				Me        struct{ Customers struct{ TotalCount int } }
			}
			h.mustDo(t, h.as(tt.who), query, map[string]any{"ids": ids, "full": w.full.GlobalID()}, &got)
			var names []string
			for _, e := range got.Customers.Edges {
				names = append(names, e.Node.Name)
			}
			wantNames(t, "customers", names, tt.list)
			if got.Customers.TotalCount != len(tt.list) {
				t.Errorf("totalCount = %d, want %d", got.Customers.TotalCount, len(tt.list))
			}
			for i, n := range got.Nodes {
				if (n != nil) != tt.visible[i] || n != nil && n.ID != ids[i] {
					t.Errorf("nodes[%d] = %+v, want visible %v", i, n, tt.visible[i])
				}
			}
			if len(got.Tags.Edges) != 1 || got.Tags.Edges[0].Node.CustomerCount != tt.tagCount {
				t.Errorf("tags = %+v, want one tag carried by %d customers", got.Tags.Edges, tt.tagCount)
			}
			if got.FullAdmin == nil && tt.fullsCus != -1 || got.FullAdmin != nil && got.FullAdmin.Customers.TotalCount != tt.fullsCus {
				t.Errorf("full admin's customers = %+v, want %d", got.FullAdmin, tt.fullsCus)
			}
			if got.Me.Customers.TotalCount != tt.mine {
				t.Errorf("me.customers.totalCount = %d, want %d", got.Me.Customers.TotalCount, tt.mine)
			}
			for i, id := range []string{aC, uC, fC} {
				var one struct{ Customer *struct{ Name string } }
				h.mustDo(t, h.as(tt.who), `query($id: ID!) { customer(id: $id) { name } }`, map[string]any{"id": id}, &one)
				if (one.Customer != nil) != tt.visible[i*3] {
					t.Errorf("customer(%s) = %+v, want visible %v", id, one.Customer, tt.visible[i*3])
				}
			}
		})
	}
	t.Run("ForeignAdminIsNull", func(t *testing.T) {
		resp := h.do(t, h.as(w.full), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": other.full.GlobalID()})
		if len(resp.Errors) > 0 || string(resp.Data) != `{"node":null}` {
			t.Errorf("node(another partner's admin) = %s %+v, want null without errors", resp.Data, resp.Errors)
		}
	})
}
