package app

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
	f := mustCreatePartner(t, a.DB.Client, "Revoking")
	victim, tok, err := a.Auth.Issue(sysCtx(), a.DB.Client, f.admins[enum.RoleAdmin], auth.Grant{Name: "victim", Role: enum.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	const me = `{ me { email } }`
	if resp := postGraphQL(t, srvB, victim, me); len(resp.Errors) > 0 {
		t.Fatalf("before revocation: %+v", resp.Errors)
	}
	revokeToken(t, srvA, mustToken(t, a, f.admins[enum.RoleFullAdmin]), tok.GlobalID())
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
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	f := mustCreatePartner(t, a.DB.Client, "Used")
	token := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	lastUsed := func() *time.Time {
		return a.DB.Client.ApiToken.Query().Where(apitoken.AdminID(f.admins[enum.RoleReadOnlyAdmin].ID)).OnlyX(sysCtx()).LastUsedAt
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

// revokeToken revokes the token id through srv as token, and fails on errors.
func revokeToken(t *testing.T, srv *httptest.Server, token, id string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }`, "variables": map[string]any{"id": id}})
	if resp := postRaw(t, srv, token, body); len(resp.Errors) > 0 {
		t.Fatalf("revoke: %+v", resp.Errors)
	}
}

// TestRevocationAtOnceOnTheSameInstance: with the default 1 s auth cache, a token revoked
// through an instance is refused by that instance from its next request on.
func TestRevocationAtOnceOnTheSameInstance(t *testing.T) {
	apps, srvs := instances(t, 1, map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": ""}, time.Now) // the default, 1 s
	a, srv := apps[0], srvs[0]
	f := mustCreatePartner(t, a.DB.Client, "Revoking")
	victim, tok, err := a.Auth.Issue(sysCtx(), a.DB.Client, f.admins[enum.RoleAdmin], auth.Grant{Name: "victim", Role: enum.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	const me = `{ me { email } }`
	if resp := postGraphQL(t, srv, victim, me); len(resp.Errors) > 0 {
		t.Fatalf("before revocation: %+v", resp.Errors)
	}
	revokeToken(t, srv, mustToken(t, a, f.admins[enum.RoleFullAdmin]), tok.GlobalID())
	if resp := postGraphQL(t, srv, victim, me); resp.code() != "UNAUTHENTICATED" {
		t.Fatalf("the request right after revocation: code %q, data %v; want UNAUTHENTICATED", resp.code(), resp.Data)
	}
}

// TestChildTokens: a token minted with a token expires no later than it, and is revoked
// with it, and so are the tokens minted with the child in turn.
func TestChildTokens(t *testing.T) {
	apps, srvs := instances(t, 1, map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": ""}, time.Now)
	a, srv := apps[0], srvs[0]
	f := mustCreatePartner(t, a.DB.Client, "Minting")
	parent, parentTok, err := a.Auth.Issue(sysCtx(), a.DB.Client, f.admins[enum.RoleFullAdmin], auth.Grant{Name: "short", Role: enum.RoleFullAdmin, TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	mint := func(with string) (string, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": `mutation { createApiToken(input: {name: "child", expiresInDays: 365}) { token apiToken { expiresAt } } }`})
		resp := postRaw(t, srv, with, body)
		if len(resp.Errors) > 0 {
			t.Fatalf("createApiToken: %+v", resp.Errors)
		}
		minted := resp.Data["createApiToken"].(map[string]any)
		return minted["token"].(string), minted["apiToken"].(map[string]any)["expiresAt"].(string)
	}
	child, expires := mint(parent)
	grandchild, grandExpires := mint(child)
	want := parentTok.ExpiresAt.UTC().Format(time.RFC3339)
	if expires != want || grandExpires != want {
		t.Errorf("a 365-day token minted with a one-minute token expires at %s (its child at %s), want %s", expires, grandExpires, want)
	}
	const me = `{ me { email } }`
	for _, tok := range []string{child, grandchild} {
		if resp := postGraphQL(t, srv, tok, me); len(resp.Errors) > 0 {
			t.Fatalf("before revocation: %+v", resp.Errors)
		}
	}
	revokeToken(t, srv, mustToken(t, a, f.admins[enum.RoleFullAdmin]), parentTok.GlobalID())
	for name, tok := range map[string]string{"child": child, "grandchild": grandchild} {
		if resp := postGraphQL(t, srv, tok, me); resp.code() != "UNAUTHENTICATED" {
			t.Errorf("the %s after its parent's revocation: code %q; want UNAUTHENTICATED", name, resp.code())
		}
	}
}
