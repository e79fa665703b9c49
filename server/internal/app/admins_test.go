package app

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
)

// adminWorld is a partner served by one instance (two on PostgreSQL, where LISTEN/NOTIFY
// connects them) whose token lookups are cached for an hour, so that only the change
// notification can make an instance see a change of an admin: the boss, a FULL_ADMIN,
// changes admins through instance A; x is another admin, assigned to "Assigned Co" of the
// partner's two customers.
type adminWorld struct {
	a          *App
	srvA, srvB *httptest.Server
	f          fixture
	boss       string
	x          *ent.Admin
}

func newAdminWorld(t *testing.T, xRole enum.Role) adminWorld {
	t.Helper()
	n := 1
	if storagetest.Postgres() {
		n = 2
	}
	apps, srvs := instances(t, n, map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": "1h"}, time.Now)
	w := adminWorld{a: apps[0], srvA: srvs[0], srvB: srvs[n-1]}
	w.f = mustCreatePartner(t, w.a.DB.Client, "Team")
	var err error
	w.boss, _, err = w.a.Auth.Issue(sysCtx(), w.a.DB.Client, w.f.admins[enum.RoleFullAdmin], auth.Grant{Name: "boss", Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	if err != nil {
		t.Fatal(err)
	}
	c := w.a.DB.Client
	w.x = c.Admin.Create().SetPartnerID(w.f.partner.ID).SetEmail("x@team.example").SetDisplayName("X").SetRole(xRole).SaveX(sysCtx())
	c.Customer.Create().SetPartnerID(w.f.partner.ID).SetName("Assigned Co").SetOrgID("assigned-org").SetRegion(enum.RegionUS).SetCountry("US").AddAdmins(w.x).ExecX(sysCtx())
	c.Customer.Create().SetPartnerID(w.f.partner.ID).SetName("Other Co").SetOrgID("other-org").SetRegion(enum.RegionUS).SetCountry("US").ExecX(sysCtx())
	return w
}

// mutateAdmin runs an admin mutation as the boss through instance A, failing t on errors.
func (w adminWorld) mutateAdmin(t *testing.T, field string, input map[string]any) {
	t.Helper()
	typ := map[string]string{"updateAdmin": "UpdateAdminInput", "removeAdmin": "RemoveAdminInput"}[field]
	body, _ := json.Marshal(map[string]any{
		"query":     fmt.Sprintf(`mutation($in: %s!) { %s(input: $in) { admin { id } } }`, typ, field),
		"variables": map[string]any{"in": input},
	})
	if resp := postRaw(t, w.srvA, w.boss, body); len(resp.Errors) > 0 {
		t.Fatalf("%s: %+v", field, resp.Errors)
	}
}

// seen is what a token sees: the role it acts with and how many customers.
type seen struct {
	role      string
	customers int
	code      string
}

const seenQuery = `{ viewer { role } customers { totalCount } }`

func seenBy(t *testing.T, srv *httptest.Server, token string) seen {
	t.Helper()
	resp := postGraphQL(t, srv, token, seenQuery)
	if len(resp.Errors) > 0 {
		return seen{code: resp.code()}
	}
	v := resp.Data["viewer"].(map[string]any)
	return seen{role: v["role"].(string), customers: int(resp.Data["customers"].(map[string]any)["totalCount"].(float64))}
}

// wantSeen checks what token sees through the instance that made the change (at once) and
// through the other one (as soon as the change notification reaches it: well within 2 s).
func (w adminWorld) wantSeen(t *testing.T, token string, want seen) {
	t.Helper()
	if got := seenBy(t, w.srvA, token); got != want {
		t.Errorf("the next request through the changing instance sees %+v, want %+v", got, want)
	}
	if w.srvB == w.srvA {
		return
	}
	start := time.Now()
	for {
		got := seenBy(t, w.srvB, token)
		if got == want {
			t.Logf("the other instance sees the change %v after it", time.Since(start))
			return
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the other instance still sees %+v 2 s after the change, want %+v", got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRoleChangeNarrowsTokens: an admin's token acts with at most the admin's current role
// from the next request on, on every instance: a FULL_ADMIN demoted to ADMIN sees only the
// customers assigned to them, promoted to READ_ONLY_ADMIN sees every customer again while
// the assignment stays on record.
func TestRoleChangeNarrowsTokens(t *testing.T) {
	w := newAdminWorld(t, enum.RoleFullAdmin)
	token := mustToken(t, w.a, w.x)
	w.wantSeen(t, token, seen{role: "FULL_ADMIN", customers: 2}) // cached on every instance now
	w.mutateAdmin(t, "updateAdmin", map[string]any{"id": w.x.GlobalID(), "role": "ADMIN"})
	w.wantSeen(t, token, seen{role: "ADMIN", customers: 1})
	w.mutateAdmin(t, "updateAdmin", map[string]any{"id": w.x.GlobalID(), "role": "READ_ONLY_ADMIN"})
	w.wantSeen(t, token, seen{role: "READ_ONLY_ADMIN", customers: 2})
	resp := postGraphQL(t, w.srvA, w.boss, fmt.Sprintf(`{ node(id: %q) { ... on Admin { assignedCustomerCount } } }`, w.x.GlobalID()))
	if got := resp.Data["node"].(map[string]any)["assignedCustomerCount"]; got != float64(1) {
		t.Errorf("assignedCustomerCount after promotion = %v, want 1 kept on record", got)
	}
}

// TestRemovedAdminLosesAccess: removing an admin refuses their tokens on every instance
// from the next request on, and revokes them on record.
func TestRemovedAdminLosesAccess(t *testing.T) {
	w := newAdminWorld(t, enum.RoleAdmin)
	token := mustToken(t, w.a, w.x)
	w.wantSeen(t, token, seen{role: "ADMIN", customers: 1})
	w.mutateAdmin(t, "removeAdmin", map[string]any{"id": w.x.GlobalID()})
	w.wantSeen(t, token, seen{code: "UNAUTHENTICATED"})
	if n := w.a.DB.Client.ApiToken.Query().Where(apitoken.AdminID(w.x.ID), apitoken.RevokedAtIsNil()).CountX(sysCtx()); n != 0 {
		t.Errorf("%d tokens of the removed admin are not revoked", n)
	}
}
