package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/socket"
)

func TestMe(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Acme")

	for role, adm := range f.admins {
		t.Run(string(role), func(t *testing.T) {
			resp := postGraphQL(t, srv, mustToken(t, a, adm), `{ me { id email role partner { name orgId } } }`)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			me := resp.Data["me"].(map[string]any)
			if me["email"] != adm.Email || me["role"] != string(role) || me["id"] != gid.Encode("Admin", adm.ID) {
				t.Errorf("me = %v, want %s %s", me, adm.Email, role)
			}
			if p := me["partner"].(map[string]any); p["name"] != "Acme" || p["orgId"] != "Acme-org" {
				t.Errorf("partner = %v", p)
			}
		})
	}
}

// TestTokenRejections sends tokens that are each wrong in exactly one way; every one must
// be refused with UNAUTHENTICATED, while the well-formed control token is accepted.
func TestTokenRejections(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Acme")
	adm := f.admins[enum.RoleFullAdmin]
	_, tok, err := a.Auth.Issue(sysCtx(), a.DB.Client, adm, auth.Grant{Name: "matrix", Role: adm.Role})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	valid := func() auth.Claims {
		return auth.Claims{
			RegisteredClaims: jwt.RegisteredClaims{
				ID: tok.Jti, Subject: gid.Encode("Admin", adm.ID),
				Issuer: a.Cfg.JWTIssuer, Audience: jwt.ClaimStrings{a.Cfg.JWTAudience},
				IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
			},
			PartnerID: adm.PartnerID, Role: adm.Role,
		}
	}
	sign := func(method jwt.SigningMethod, key any, c auth.Claims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	secret := []byte(testSecret)
	with := func(edit func(*auth.Claims)) auth.Claims { c := valid(); edit(&c); return c }

	tests := []struct {
		name  string
		token string
	}{
		{"NoToken", ""},
		{"Malformed", "not.a.jwt"},
		{"AlgNone", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid())},
		{"OtherAlgorithm", sign(jwt.SigningMethodHS512, secret, valid())},
		{"WrongSecret", sign(jwt.SigningMethodHS256, []byte("another-secret-0123456789abcdef0123456789"), valid())},
		{"Expired", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)) }))},
		{"MissingExp", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.ExpiresAt = nil }))},
		{"WrongIssuer", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.Issuer = "someone-else" }))},
		{"WrongAudience", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.Audience = jwt.ClaimStrings{"other-api"} }))},
		{"NotYetValid", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour)) }))},
		{"UnknownTokenID", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.ID = "no-such-token" }))},
		{"OtherPartner", sign(jwt.SigningMethodHS256, secret, with(func(c *auth.Claims) { c.PartnerID = adm.PartnerID + 1 }))},
	}
	t.Run("ControlIsAccepted", func(t *testing.T) {
		resp := postGraphQL(t, srv, sign(jwt.SigningMethodHS256, secret, valid()), `{ me { email } }`)
		if len(resp.Errors) > 0 || resp.Data["me"] == nil {
			t.Fatalf("a well-formed token was refused: %+v", resp.Errors)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postGraphQL(t, srv, tt.token, `{ me { email } }`)
			if resp.code() != "UNAUTHENTICATED" {
				t.Fatalf("code = %q (errors %+v, data %v), want UNAUTHENTICATED", resp.code(), resp.Errors, resp.Data)
			}
			if resp.Data["me"] != nil {
				t.Errorf("data leaked: %v", resp.Data)
			}
		})
	}
	t.Run("Revoked", func(t *testing.T) {
		token := mustToken(t, a, adm)
		if resp := postGraphQL(t, srv, token, `{ me { email } }`); len(resp.Errors) > 0 {
			t.Fatalf("fresh token refused: %+v", resp.Errors)
		}
		jti := jtiOf(t, token)
		a.DB.Client.ApiToken.Update().Where(apitoken.Jti(jti)).SetRevokedAt(time.Now()).ExecX(sysCtx())
		if resp := postGraphQL(t, srv, token, `{ me { email } }`); resp.code() != "UNAUTHENTICATED" {
			t.Fatalf("revoked token: code = %q, want UNAUTHENTICATED", resp.code())
		}
	})
	t.Run("IntrospectionIsOpen", func(t *testing.T) {
		resp := postGraphQL(t, srv, "", `{ __schema { queryType { name } } }`)
		if len(resp.Errors) > 0 || resp.Data["__schema"] == nil {
			t.Fatalf("anonymous introspection refused: %+v", resp.Errors)
		}
		resp = postGraphQL(t, srv, "", `query Q { ...F } fragment F on Query { __typename }`)
		if len(resp.Errors) > 0 || resp.Data["__typename"] != "Query" {
			t.Fatalf("anonymous __typename refused: %+v", resp.Errors)
		}
	})
	t.Run("AnonymousRefused", func(t *testing.T) {
		for _, q := range []string{
			`{ me { email } }`,
			`{ __typename customers(first: 1) { totalCount } }`,
			`query Q { ...F } fragment F on Query { me { email } }`,
			`mutation { createTag(input: {name: "x"}) { tag { name } } }`,
		} {
			resp := postGraphQL(t, srv, "", q)
			if resp.code() != "UNAUTHENTICATED" || len(resp.Data) > 0 || len(resp.Errors) != 1 {
				t.Errorf("%s: code %q, data %v, errors %+v; want one UNAUTHENTICATED and no data", q, resp.code(), resp.Data, resp.Errors)
			}
		}
	})
}

func jtiOf(t *testing.T, token string) string {
	t.Helper()
	var c auth.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestAuthorizationGrammar: HTTP and the websocket read an Authorization value by one
// grammar, "Bearer" in any case, spaces, then the token; anything else is refused on both.
func TestAuthorizationGrammar(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Grammar")
	token := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"Bearer", "Bearer " + token, true},
		{"LowerCase", "bearer " + token, true},
		{"UpperCase", "BEARER " + token, true},
		{"TwoSpaces", "Bearer  " + token, true},
		{"SurroundingSpaces", "  Bearer " + token + " ", true},
		{"BareToken", token, false},
		{"SchemeOnly", "Bearer", false},
		{"OtherScheme", "Basic " + token, false},
		{"Tab", "Bearer\t" + token, false},
		{"TokenWithSpace", "Bearer " + token[:10] + " " + token[10:], false},
		{"SchemeGlued", "Bearer" + token, false},
	}
	for _, c := range cases {
		t.Run("HTTP/"+c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ me { email } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header["Authorization"] = []string{c.value}
			got := doGraphQL(t, srv, req)
			if c.ok && (got.Status != http.StatusOK || got.code() != "") {
				t.Fatalf("refused: HTTP %d %+v", got.Status, got.Errors)
			}
			if !c.ok && (got.Status != http.StatusUnauthorized || got.code() != "UNAUTHENTICATED") {
				t.Fatalf("HTTP %d, code %q; want 401 UNAUTHENTICATED", got.Status, got.code())
			}
		})
		t.Run("Websocket/"+c.name, func(t *testing.T) {
			s := dialRaw(t, wsURL(srv), "graphql-transport-ws")
			init, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": map[string]string{"Authorization": c.value}})
			s.send(string(init))
			if c.ok {
				s.await("connection_ack", "")
			} else if got := s.closeCode(); got != socket.Forbidden {
				t.Fatalf("closed with %d, want 4403", got)
			}
		})
	}
	t.Run("HTTP/TwoHeaders", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ me { email } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header["Authorization"] = []string{"Bearer " + token, "Bearer " + token}
		if got := doGraphQL(t, srv, req); got.Status != http.StatusBadRequest || got.code() != "BAD_USER_INPUT" {
			t.Fatalf("HTTP %d, code %q; want 400 BAD_USER_INPUT", got.Status, got.code())
		}
	})
}
