package app

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// run runs the app's sub-commands as the server command does.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return Run(ctx, Commands, args, getenv, stdout, stderr)
}

const testSecret = "test-secret-0123456789abcdef0123456789abcdef"

// testEnv returns the env of a sub-command run against a fresh test database, with the
// given environment variables on top of it.
func testEnv(tb testing.TB, vars map[string]string) *Env {
	tb.Helper()
	url, dir := storagetest.MustURL(tb)
	all := map[string]string{
		"DATABASE_URL":              url,
		"PARTNERHUB_DATA_DIR":       dir,
		"PARTNERHUB_JWT_SECRET":     testSecret,
		"PARTNERHUB_AUTH_CACHE_TTL": "0s",
		"PARTNERHUB_LOG_LEVEL":      "error",
	}
	for k, v := range vars {
		all[k] = v
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg, err := BindConfig(fs, func(k string) string { return all[k] })
	if err != nil {
		tb.Fatal(err)
	}
	if err := fs.Parse(nil); err != nil {
		tb.Fatal(err)
	}
	return &Env{Cfg: cfg, Stdout: io.Discard, Stderr: os.Stderr, Now: time.Now}
}

// MustOpenApp opens an app on a fresh database, closed when tb ends.
func MustOpenApp(tb testing.TB, vars map[string]string) *App {
	tb.Helper()
	a, err := Open(context.Background(), testEnv(tb, vars))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	return a
}

// fixture is a partner with one admin of each role.
type fixture struct {
	partner *ent.Partner
	admins  map[enum.Role]*ent.Admin
}

func mustCreatePartner(tb testing.TB, c *ent.Client, name string) fixture {
	tb.Helper()
	ctx := viewer.SystemContext(context.Background())
	p := c.Partner.Create().SetName(name).SetOrgID(name + "-org").SaveX(ctx)
	f := fixture{partner: p, admins: map[enum.Role]*ent.Admin{}}
	for _, r := range []enum.Role{enum.RoleFullAdmin, enum.RoleAdmin, enum.RoleReadOnlyAdmin} {
		email := strings.ToLower(string(r)) + "@" + strings.ToLower(name) + ".example"
		f.admins[r] = c.Admin.Create().SetPartnerID(p.ID).SetEmail(email).SetDisplayName(string(r)).SetRole(r).SaveX(ctx)
	}
	return f
}

func mustToken(tb testing.TB, a *App, adm *ent.Admin) string {
	tb.Helper()
	token, _, err := a.Auth.Issue(viewer.SystemContext(context.Background()), a.DB.Client, adm, auth.Grant{Name: "test", Role: adm.Role})
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// gqlResponse is a GraphQL response as a client sees it.
type gqlResponse struct {
	Status int
	Header http.Header
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// code returns the extensions.code of the first error, or "".
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// postGraphQL posts query to srv with the bearer token (none when empty).
func postGraphQL(tb testing.TB, srv *httptest.Server, token, query string) gqlResponse {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	return postRaw(tb, srv, token, body)
}

func postRaw(tb testing.TB, srv *httptest.Server, token string, body []byte) gqlResponse {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return doGraphQL(tb, srv, req)
}

// doGraphQL sends req to srv and reads its GraphQL answer, which must be JSON.
func doGraphQL(tb testing.TB, srv *httptest.Server, req *http.Request) gqlResponse {
	tb.Helper()
	client := srv.Client()
	if client == nil { // a server started by run, known by its URL alone
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out := gqlResponse{Status: resp.StatusCode, Header: resp.Header}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("response is not JSON (%d): %s", resp.StatusCode, raw)
	}
	return out
}

func sysCtx() context.Context { return viewer.SystemContext(context.Background()) }
