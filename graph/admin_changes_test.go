package graph

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// asSystem registers the internal viewer acting within w's partner, as the CLI's admin
// commands act, and returns its name for do.
func (h *harness) asSystem(w world) string {
	name := fmt.Sprintf("system:%d", w.partner.ID)
	h.mu.Lock()
	h.viewers[name] = viewer.SystemOf(w.partner.ID)
	h.mu.Unlock()
	return name
}

// adminOut is an admin as the mutations' payloads select it.
type adminOut struct {
	ID, Email, DisplayName, Role string
	RemovedAt                    *string
}

// adminOf runs an admin mutation as who and decodes its admin.
func (h *harness) adminOf(t *testing.T, who, field, query string, vars map[string]any) adminOut {
	t.Helper()
	var out map[string]struct{ Admin adminOut }
	h.mustDo(t, who, query, vars, &out)
	return out[field].Admin
}

// TestCreateAdmin: the new admin is answered and listed, its email stored lower-case;
// an email of a current admin of the partner is CONFLICT whatever its case, also at once;
// another partner's or a removed admin's email is free; malformed input is BAD_USER_INPUT.
func TestCreateAdmin(t *testing.T) {
	h := newHarness(t)
	w, other := h.newWorld("Inviting"), h.newWorld("Inviting elsewhere")
	who := h.as(w.full)
	create := func(email, name, role string) outcome {
		return h.mutate(t, who, "createAdmin", createAdminQ, in(map[string]any{"email": email, "displayName": name, "role": role}))
	}
	got := h.adminOf(t, who, "createAdmin", createAdminQ, in(map[string]any{"email": "  Ana.Lopez@Example.COM ", "displayName": " Ana López ", "role": "READ_ONLY_ADMIN"}))
	if got.Email != "ana.lopez@example.com" || got.DisplayName != "Ana López" || got.Role != "READ_ONLY_ADMIN" {
		t.Errorf("createAdmin answered %+v, want ana.lopez@example.com, \"Ana López\", READ_ONLY_ADMIN", got)
	}
	var listed struct{ Admins struct{ TotalCount int } }
	h.mustDo(t, who, `{ admins(query: "ana.lopez") { totalCount } }`, nil, &listed)
	if listed.Admins.TotalCount != 1 {
		t.Errorf("admins(query: \"ana.lopez\") counts %d, want 1", listed.Admins.TotalCount)
	}
	if ev := h.auditEvents("createAdmin"); len(ev) != 1 || ev[0].Summary != "added READ_ONLY_ADMIN ana.lopez@example.com (Ana López)" {
		t.Errorf("audit events of createAdmin = %+v, want one naming the new admin", ev)
	}
	for _, c := range []struct{ name, email, displayName, want string }{
		{"ConflictOtherCase", "ANA.LOPEZ@example.com", "Ana", "CONFLICT"},
		{"ErrNotAnEmail", "ana-at-example.com", "Ana", "BAD_USER_INPUT"},
		{"ErrEmailWithName", "Ana <ana2@example.com>", "Ana", "BAD_USER_INPUT"},
		{"ErrEmailTooLong", strings.Repeat("a", 250) + "@example.com", "Ana", "BAD_USER_INPUT"},
		{"ErrNameEmpty", "ana3@example.com", "   ", "BAD_USER_INPUT"},
		{"ErrNameTooLong", "ana4@example.com", strings.Repeat("n", 201), "BAD_USER_INPUT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := create(c.email, c.displayName, "ADMIN"); got.code != c.want {
				t.Errorf("createAdmin(%q, %q) = %s (%s), want %s", c.email, c.displayName, got.code, got.message, c.want)
			}
		})
	}
	t.Run("OtherPartnerFree", func(t *testing.T) {
		if got := h.mutate(t, h.as(other.full), "createAdmin", createAdminQ, in(map[string]any{"email": "ana.lopez@example.com", "displayName": "Ana", "role": "ADMIN"})); got.code != "OK" {
			t.Errorf("the same email at another partner = %s (%s), want OK", got.code, got.message)
		}
	})
	t.Run("RemovedAdminsEmailFree", func(t *testing.T) {
		h.adminOf(t, who, "removeAdmin", removeAdminQ, in(map[string]any{"id": got.ID}))
		again := h.adminOf(t, who, "createAdmin", createAdminQ, in(map[string]any{"email": "Ana.Lopez@example.com", "displayName": "Ana again", "role": "ADMIN"}))
		if again.ID == got.ID || again.RemovedAt != nil {
			t.Errorf("re-invited admin %+v, want a new current admin beside the removed %s", again, got.ID)
		}
	})
	t.Run("ConflictAtOnce", func(t *testing.T) {
		codes := race(2, func(int) string { return create("twin@example.com", "Twin", "ADMIN").code })
		if !(codes["OK"] == 1 && codes["CONFLICT"] == 1) {
			t.Errorf("two createAdmin of one email at once = %v, want one OK and one CONFLICT", codes)
		}
	})
}

// race runs fn(i) for i < n at once and counts the results.
func race(n int, fn func(i int) string) map[string]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	counts := map[string]int{}
	for i := range n {
		wg.Go(func() {
			<-start
			got := fn(i)
			mu.Lock()
			counts[got]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return counts
}

// TestUpdateAdmin renames an admin and changes roles, each change audited; changing
// nothing records nothing.
func TestUpdateAdmin(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Renaming")
	who := h.as(w.full)
	got := h.adminOf(t, who, "updateAdmin", updateAdminQ, in(map[string]any{"id": w.admin.GlobalID(), "displayName": "Hugo T.", "role": "FULL_ADMIN"}))
	if got.DisplayName != "Hugo T." || got.Role != "FULL_ADMIN" {
		t.Errorf("updateAdmin answered %+v, want Hugo T., FULL_ADMIN", got)
	}
	before := h.auditCount(t)
	h.adminOf(t, who, "updateAdmin", updateAdminQ, in(map[string]any{"id": w.admin.GlobalID(), "displayName": "Hugo T.", "role": "FULL_ADMIN"}))
	if n := h.auditCount(t) - before; n != 0 {
		t.Errorf("an update changing nothing appended %d events, want 0", n)
	}
	want := fmt.Sprintf("renamed %s from %q to %q; changed the role of %s from ADMIN to FULL_ADMIN", w.admin.Email, w.admin.DisplayName, "Hugo T.", w.admin.Email)
	if ev := h.auditEvents("updateAdmin"); len(ev) != 1 || ev[0].Summary != want {
		t.Errorf("audit events of updateAdmin = %+v, want one: %s", ev, want)
	}
	if got := h.mutate(t, who, "updateAdmin", updateAdminQ, in(map[string]any{"id": w.admin.GlobalID(), "displayName": ""})); got.code != "BAD_USER_INPUT" {
		t.Errorf("an empty display name = %s (%s), want BAD_USER_INPUT", got.code, got.message)
	}
}

// TestOwnRole: an admin may rename themself but neither change their own role nor remove
// themself.
func TestOwnRole(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Self")
	h.mustAdmin(w, enum.RoleFullAdmin) // so that the last-FULL_ADMIN rule is not what refuses
	who := h.as(w.full)
	if got := h.mutate(t, who, "updateAdmin", updateAdminQ, in(map[string]any{"id": w.full.GlobalID(), "displayName": "Me"})); got.code != "OK" {
		t.Errorf("renaming yourself = %s (%s), want OK", got.code, got.message)
	}
	for _, c := range []struct{ field, query string }{{"updateAdmin", updateAdminQ}, {"removeAdmin", removeAdminQ}} {
		vars := in(map[string]any{"id": w.full.GlobalID()})
		if c.field == "updateAdmin" {
			vars = in(map[string]any{"id": w.full.GlobalID(), "role": "ADMIN"})
		}
		if got := h.mutate(t, who, c.field, c.query, vars); got.code != "BAD_USER_INPUT" {
			t.Errorf("%s on yourself = %s (%s), want BAD_USER_INPUT", c.field, got.code, got.message)
		}
	}
	if role := h.client.Admin.GetX(h.sys, w.full.ID).Role; role != enum.RoleFullAdmin {
		t.Errorf("your role is %s, want FULL_ADMIN unchanged", role)
	}
}

// TestLastFullAdmin: the partner's last FULL_ADMIN is neither demoted nor removed, also by
// the internal viewer of the CLI; with two, one may go.
func TestLastFullAdmin(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Last")
	sys := h.asSystem(w)
	for _, c := range []struct{ field, query, role string }{
		{"updateAdmin", updateAdminQ, "ADMIN"}, {"updateAdmin", updateAdminQ, "READ_ONLY_ADMIN"}, {"removeAdmin", removeAdminQ, ""},
	} {
		vars := in(map[string]any{"id": w.full.GlobalID()})
		if c.role != "" {
			vars = in(map[string]any{"id": w.full.GlobalID(), "role": c.role})
		}
		if got := h.mutate(t, sys, c.field, c.query, vars); got.code != "BAD_USER_INPUT" || !strings.Contains(got.message, "last FULL_ADMIN") {
			t.Errorf("%s %s of the last FULL_ADMIN = %s (%s), want BAD_USER_INPUT naming the rule", c.field, c.role, got.code, got.message)
		}
	}
	second := h.mustAdmin(w, enum.RoleFullAdmin)
	if got := h.mutate(t, sys, "removeAdmin", removeAdminQ, in(map[string]any{"id": w.full.GlobalID()})); got.code != "OK" {
		t.Fatalf("removing one of two FULL_ADMINs = %s (%s), want OK", got.code, got.message)
	}
	if got := h.mutate(t, sys, "updateAdmin", updateAdminQ, in(map[string]any{"id": second.GlobalID(), "role": "ADMIN"})); got.code != "BAD_USER_INPUT" {
		t.Errorf("demoting the FULL_ADMIN left = %s (%s), want BAD_USER_INPUT", got.code, got.message)
	}
	if ev := h.auditEvents("removeAdmin"); len(ev) != 1 || ev[0].ActorID != nil {
		t.Errorf("audit events of the internal removal = %+v, want one without an actor", ev)
	}
}

// TestFullAdminsDemotingEachOther: two FULL_ADMINs, each demoting (or removing) the other
// at the same moment, never leave the partner without one: exactly one change wins, the
// other is BAD_USER_INPUT.
func TestFullAdminsDemotingEachOther(t *testing.T) {
	h := newHarness(t)
	for round := range 8 {
		w := h.newWorld(fmt.Sprintf("Rivals %d", round))
		pair := []*ent.Admin{w.full, h.mustAdmin(w, enum.RoleFullAdmin)}
		who := []string{h.as(pair[0]), h.as(pair[1])}
		field, query, change := "updateAdmin", updateAdminQ, map[string]any{"role": "ADMIN"}
		if round%2 == 1 {
			field, query, change = "removeAdmin", removeAdminQ, map[string]any{}
		}
		codes := race(2, func(i int) string {
			vars := map[string]any{"id": pair[1-i].GlobalID()}
			maps.Copy(vars, change)
			return h.mutate(t, who[i], field, query, in(vars)).code
		})
		left := h.client.Admin.Query().Where(admin.PartnerID(w.partner.ID), admin.RoleEQ(enum.RoleFullAdmin), admin.RemovedAtIsNil()).CountX(h.sys)
		if left != 1 || codes["OK"] != 1 || codes["BAD_USER_INPUT"] != 1 {
			t.Fatalf("round %d (%s): outcomes %v, %d FULL_ADMINs left; want one OK, one BAD_USER_INPUT and one FULL_ADMIN", round, field, codes, left)
		}
	}
}

// TestAdminTokensAndCounts: Admin.apiTokens lists an admin's tokens to a FULL_ADMIN and to
// the admin themself, to no one else; assignedCustomerCount counts the assignments the
// viewer can see, and stays on record when the admin is promoted.
func TestAdminTokensAndCounts(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Tokens")
	s := h.newScene(w) // w.admin manages s.mine and holds s.token
	h.mustCustomer(w, customerSpec{name: "Also mine", assignedTo: []*ent.Admin{w.admin, s.admin2}})
	const q = `query($id: ID!) { node(id: $id) { ... on Admin { assignedCustomerCount apiTokens(first: 5) { totalCount edges { node { name } } } } } }`
	read := func(who string, a *ent.Admin) (count, tokens int) {
		var out struct {
			Node struct {
				AssignedCustomerCount int
				APITokens             struct{ TotalCount int } `json:"apiTokens"`
			}
		}
		h.mustDo(t, who, q, map[string]any{"id": a.GlobalID()}, &out)
		return out.Node.AssignedCustomerCount, out.Node.APITokens.TotalCount
	}
	for _, c := range []struct {
		name              string
		who               string
		wantCount, wantTk int
	}{
		{"FULL_ADMIN", h.as(w.full), 2, 1},
		{"Themself", h.as(w.admin), 2, 1},
		{"READ_ONLY_ADMIN", h.as(w.readOnly), 2, 0},
		{"Another ADMIN", h.as(s.admin2), 1, 0}, // sees only "Also mine" of the two
	} {
		t.Run(c.name, func(t *testing.T) {
			if count, tokens := read(c.who, w.admin); count != c.wantCount || tokens != c.wantTk {
				t.Errorf("assignedCustomerCount %d, apiTokens %d; want %d, %d", count, tokens, c.wantCount, c.wantTk)
			}
		})
	}
	t.Run("PromotedKeepsAssignments", func(t *testing.T) {
		h.adminOf(t, h.as(w.full), "updateAdmin", updateAdminQ, in(map[string]any{"id": w.admin.GlobalID(), "role": "READ_ONLY_ADMIN"}))
		if count, _ := read(h.as(w.full), w.admin); count != 2 {
			t.Errorf("after promotion assignedCustomerCount = %d, want 2 kept on record", count)
		}
	})
}

// TestRemoveAdmin: removal revokes every token of the admin, unassigns them, hides them
// from admins while node(id) and their audit events keep naming them, and records counts.
func TestRemoveAdmin(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Leaving")
	s := h.newScene(w) // w.admin manages s.mine and holds s.token
	gone := w.admin
	h.mutate(t, h.asToken(gone, viewer.ScopeTagsWrite), "createTag", createTagQ, in(map[string]any{"name": "Left behind"}))
	who := h.as(w.full)
	got := h.adminOf(t, who, "removeAdmin", removeAdminQ, in(map[string]any{"id": gone.GlobalID()}))
	if got.RemovedAt == nil || *got.RemovedAt != testNow.Format("2006-01-02T15:04:05Z") {
		t.Errorf("removeAdmin answered %+v, want removedAt %s", got, testNow)
	}
	if tok := h.client.ApiToken.GetX(h.sys, s.token.ID); tok.RevokedAt == nil {
		t.Error("the removed admin's token is not revoked")
	}
	var out struct {
		Customer struct{ Admins []struct{ Email string } }
		Admins   struct{ TotalCount int }
		Events   struct {
			Edges []struct {
				Node struct {
					Actor struct {
						Email     string
						RemovedAt *string
					}
				}
			}
		} `json:"auditEvents"`
	}
	h.mustDo(t, who, `query($c: ID!, $a: ID!) { customer(id: $c) { admins { email } } admins(roles: [ADMIN]) { totalCount }
		auditEvents(filter: {actorId: $a}) { edges { node { actor { email removedAt } } } } }`,
		map[string]any{"c": s.mine.GlobalID(), "a": gone.GlobalID()}, &out)
	if len(out.Customer.Admins) != 0 {
		t.Errorf("the customer is still managed by %+v", out.Customer.Admins)
	}
	if out.Admins.TotalCount != 1 { // s.admin2 is left
		t.Errorf("admins(roles: [ADMIN]) counts %d, want 1: the removed admin is not listed", out.Admins.TotalCount)
	}
	if e := out.Events.Edges; len(e) != 1 || e[0].Node.Actor.Email != gone.Email || e[0].Node.Actor.RemovedAt == nil {
		t.Errorf("the removed admin's audit events = %+v, want their createTag naming them", e)
	}
	// Two tokens: the scene's and the one createTag was sent with.
	want := fmt.Sprintf("removed ADMIN %s (%s); revoked 2 tokens; unassigned from 1 customers", gone.Email, gone.DisplayName)
	if ev := h.auditEvents("removeAdmin"); len(ev) != 1 || ev[0].Summary != want {
		raw, _ := json.Marshal(ev)
		t.Errorf("audit events of removeAdmin = %s, want one: %s", raw, want)
	}
	for _, c := range []struct{ field, query string }{{"removeAdmin", removeAdminQ}, {"updateAdmin", updateAdminQ}, {"assignCustomerAdmins", assignQ}} {
		vars := in(map[string]any{"id": gone.GlobalID(), "displayName": "Back"})
		switch c.field {
		case "removeAdmin":
			vars = in(map[string]any{"id": gone.GlobalID()})
		case "assignCustomerAdmins":
			vars = in(map[string]any{"customerId": s.mine.GlobalID(), "adminIds": []string{gone.GlobalID()}})
		}
		if got := h.mutate(t, who, c.field, c.query, vars); got.code != "NOT_FOUND" {
			t.Errorf("%s of a removed admin = %s (%s), want NOT_FOUND", c.field, got.code, got.message)
		}
	}
}
