package main

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/auth"
)

// TestRevocationAcrossInstances revokes a token through one instance while a second
// instance, with the default auth cache, has just accepted it: every request the second
// instance receives more than 1 s after the revocation is refused.
func TestRevocationAcrossInstances(t *testing.T) {
	apps, srvs := instances(t, 2, map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": ""}, time.Now) // the default, 1 s
	a, srvA, srvB := apps[0], srvs[0], srvs[1]
	f := mustCreatePartner(t, a.db.Client, "Revoking")
	victim, tok, err := a.auth.Issue(sysCtx(), a.db.Client, f.admins[enum.RoleAdmin], auth.Grant{Name: "victim", Role: enum.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	const me = `{ me { email } }`
	if resp := postGraphQL(t, srvB, victim, me); len(resp.Errors) > 0 {
		t.Fatalf("before revocation: %+v", resp.Errors)
	}
	body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }`, "variables": map[string]any{"id": tok.GlobalID()}})
	if resp := postRaw(t, srvA, mustToken(t, a, f.admins[enum.RoleFullAdmin]), body); len(resp.Errors) > 0 {
		t.Fatalf("revoke: %+v", resp.Errors)
	}
	revoked := time.Now()
	for {
		sent := time.Now()
		resp := postGraphQL(t, srvB, victim, me)
		if resp.code() == "UNAUTHENTICATED" {
			t.Logf("refused by the second instance %v after revocation", sent.Sub(revoked))
			return
		}
		if sent.Sub(revoked) > time.Second {
			t.Fatalf("the second instance accepted the token %v after revocation (errors %+v)", sent.Sub(revoked), resp.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLastUsedWithoutWritePerRequest: a token's lastUsedAt is set on first use and not
// rewritten by further requests within the minute, even without a cache.
func TestLastUsedWithoutWritePerRequest(t *testing.T) {
	a := MustOpenApp(t, nil) // auth cache off: every request looks the token up
	srv := httptest.NewServer(a.routes())
	t.Cleanup(srv.Close)
	f := mustCreatePartner(t, a.db.Client, "Used")
	token := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	lastUsed := func() *time.Time {
		return a.db.Client.ApiToken.Query().Where(apitoken.AdminID(f.admins[enum.RoleReadOnlyAdmin].ID)).OnlyX(sysCtx()).LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("lastUsedAt is set before any use")
	}
	postGraphQL(t, srv, token, `{ me { email } }`)
	first := lastUsed()
	if first == nil {
		t.Fatal("lastUsedAt is not set after a request")
	}
	for range 3 {
		time.Sleep(20 * time.Millisecond)
		postGraphQL(t, srv, token, `{ me { email } }`)
	}
	if got := lastUsed(); !got.Equal(*first) {
		t.Errorf("lastUsedAt moved from %v to %v within the minute: a write per request", *first, *got)
	}
}
