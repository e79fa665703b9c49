package graph

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestCreateApiTokenLimits: a token's role is at most its creator's, a READ_ONLY_ADMIN
// mints read-only tokens only, and a narrowed token mints only narrower ones.
func TestCreateApiTokenLimits(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Minting")
	cases := []struct {
		name, who string
		in        map[string]any
		want      string
	}{
		{"FullMintsFull", h.as(w.full), map[string]any{"name": "ci", "role": "FULL_ADMIN"}, "OK"},
		{"FullMintsIngest", h.as(w.full), map[string]any{"name": "ci", "scopes": []string{"ingest"}}, "OK"},
		{"AdminMintsAdmin", h.as(w.admin), map[string]any{"name": "ci", "role": "ADMIN", "scopes": []string{"tags:write"}}, "OK"},
		{"AdminMintsFull", h.as(w.admin), map[string]any{"name": "ci", "role": "FULL_ADMIN"}, "FORBIDDEN"},
		{"ReadOnlyMintsReadOnly", h.as(w.readOnly), map[string]any{"name": "ci", "scopes": []string{"customers:read", "reports"}}, "OK"},
		{"ReadOnlyMintsWriteScope", h.as(w.readOnly), map[string]any{"name": "ci", "scopes": []string{"tags:write"}}, "FORBIDDEN"},
		{"ReadOnlyMintsIngest", h.as(w.readOnly), map[string]any{"name": "ci", "scopes": []string{"ingest"}}, "FORBIDDEN"},
		{"ReadOnlyMintsAdmin", h.as(w.readOnly), map[string]any{"name": "ci", "role": "ADMIN"}, "FORBIDDEN"},
		{"NarrowMintsSame", h.asToken(w.full, viewer.ScopeReports), map[string]any{"name": "ci", "scopes": []string{"reports"}}, "OK"},
		{"NarrowMintsWider", h.asToken(w.full, viewer.ScopeReports), map[string]any{"name": "ci", "scopes": []string{"reports", "ingest"}}, "FORBIDDEN"},
		{"NarrowMintsUnscoped", h.asToken(w.full, viewer.ScopeReports), map[string]any{"name": "ci"}, "FORBIDDEN"},
		{"UnknownScope", h.as(w.full), map[string]any{"name": "ci", "scopes": []string{"everything"}}, "BAD_USER_INPUT"},
		{"EmptyName", h.as(w.full), map[string]any{"name": "  "}, "BAD_USER_INPUT"},
		{"ZeroDays", h.as(w.full), map[string]any{"name": "ci", "expiresInDays": 0}, "BAD_USER_INPUT"},
		{"Days366", h.as(w.full), map[string]any{"name": "ci", "expiresInDays": 366}, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := h.mutate(t, c.who, "createApiToken", createTokenQ, in(c.in)); got.code != c.want {
				t.Errorf("createApiToken(%v) = %s (%s), want %s", c.in, got.code, got.message, c.want)
			}
		})
	}
}

// TestApiTokens: the secret is returned once and never listed; an ADMIN lists and revokes
// only its own tokens, a FULL_ADMIN any; revoking twice records one event.
func TestApiTokens(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Token list")
	var minted struct {
		CreateApiToken struct {
			Token    string
			ApiToken struct {
				ID, Role, ExpiresAt string
				Scopes              []string
			}
		}
	}
	h.mustDo(t, h.as(w.admin), createTokenQ, in(map[string]any{"name": "sync", "role": "READ_ONLY_ADMIN", "scopes": []string{"customers:read"}, "expiresInDays": 7}), &minted)
	tok := minted.CreateApiToken
	if strings.Count(tok.Token, ".") != 2 || tok.ApiToken.Role != "READ_ONLY_ADMIN" || tok.ApiToken.ExpiresAt != "2026-03-25T12:00:00Z" || len(tok.ApiToken.Scopes) != 1 {
		t.Fatalf("createApiToken = %+v, want a JWT of a READ_ONLY_ADMIN customers:read token expiring 2026-03-25T12:00:00Z", tok)
	}
	h.mustDo(t, h.as(w.full), createTokenQ, in(map[string]any{"name": "full's"}), &struct{}{})
	list := func(who string) string {
		resp := h.do(t, who, `{ apiTokens(first: 10) { totalCount edges { node { id name role scopes createdAt expiresAt revokedAt lastUsedAt admin { email } } } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("apiTokens: %+v", resp.Errors)
		}
		return string(resp.Data)
	}
	if got := list(h.as(w.admin)); !strings.Contains(got, `"totalCount":1`) || strings.Contains(got, tok.Token) {
		t.Errorf("the ADMIN's apiTokens = %s, want only its own, without the secret", got)
	}
	if got := list(h.as(w.full)); !strings.Contains(got, `"totalCount":2`) {
		t.Errorf("the FULL_ADMIN's apiTokens = %s, want both", got)
	}
	if resp := h.do(t, h.as(w.full), `{ apiTokens { edges { node { token } } } }`, nil); resp.code() != "BAD_USER_INPUT" {
		t.Errorf("asking for a listed token's secret = %s, want BAD_USER_INPUT (no such field)", resp.code())
	}
	before := h.auditCount(t)
	for range 2 {
		if got := h.mutate(t, h.as(w.admin), "revokeApiToken", revokeTokenQ, in(map[string]any{"id": tok.ApiToken.ID})); got.code != "OK" {
			t.Fatalf("revoke = %s (%s), want OK", got.code, got.message)
		}
	}
	if n := h.auditCount(t) - before; n != 1 {
		t.Errorf("revoking twice appended %d events, want 1", n)
	}
}
