package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/server/graphiql"
)

// TestGraphiQLPage loads "/" as a browser would: every script and stylesheet the page
// references comes from this server with a type the browser accepts under nosniff, and
// the page's policy lets it run only those and talk only to /graphql.
func TestGraphiQLPage(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	resp, body := fetchPath(t, srv, "/")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	t.Run("ContentSecurityPolicy", func(t *testing.T) {
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';",
			"ws://" + host + "/graphql", "wss://" + host + "/graphql", "http://" + host + "/graphql"} {
			if !strings.Contains(csp, want) {
				t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("Content-Security-Policy %q allows unsafe sources", csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
		}
	})
	t.Run("NoInlineScript", func(t *testing.T) {
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
			if !regexp.MustCompile(`\ssrc=`).MatchString(tag) {
				t.Errorf("inline script %s: the policy refuses it", tag)
			}
		}
	})
	t.Run("AssetsServed", func(t *testing.T) {
		wantType := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
		refs := regexp.MustCompile(`<(?:script|link)[^>]*\s(?:src|href)="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(refs) < 4 {
			t.Fatalf("the page references %d assets, want GraphiQL's, React's and its own: %s", len(refs), body)
		}
		for _, ref := range refs {
			url := ref[1]
			if !strings.HasPrefix(url, graphiql.AssetPath) {
				t.Errorf("the page loads %s, not from this server", url)
				continue
			}
			resp, asset := fetchPath(t, srv, url)
			if resp.StatusCode != http.StatusOK || len(asset) == 0 {
				t.Errorf("GET %s = %d with %d bytes", url, resp.StatusCode, len(asset))
			}
			if got, want := resp.Header.Get("Content-Type"), wantType[path.Ext(url)]; got != want {
				t.Errorf("GET %s: Content-Type %q, want %q", url, got, want)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", url, got)
			}
		}
		if resp, _ := fetchPath(t, srv, graphiql.AssetPath+"missing.js"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET a missing asset = %d, want 404", resp.StatusCode)
		}
	})
}

// TestGraphiQLDefaultDocument checks that the operations the page opens with are valid
// against the schema and that its directory page runs for every role, with the headers
// format the editor shows.
func TestGraphiQLDefaultDocument(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	if _, errs := gqlparser.LoadQuery(schema, graphiql.DefaultDocument); len(errs) > 0 {
		t.Fatalf("the default document is invalid: %v", errs)
	}
	var headers map[string]string
	if err := json.Unmarshal([]byte(graphiql.DefaultHeaders), &headers); err != nil || !strings.HasPrefix(headers["Authorization"], "Bearer ") {
		t.Fatalf("default headers %s do not show the Authorization format (%v)", graphiql.DefaultHeaders, err)
	}
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Acme")
	for _, role := range []enum.Role{enum.RoleFullAdmin, enum.RoleAdmin, enum.RoleReadOnlyAdmin} {
		t.Run(string(role), func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"query": graphiql.DefaultDocument, "operationName": "DirectoryPage"})
			res := postRaw(t, srv, mustToken(t, a, f.admins[role]), body)
			if len(res.Errors) > 0 || res.Data["customers"] == nil {
				t.Fatalf("DirectoryPage = %d %+v, data %v", res.Status, res.Errors, res.Data)
			}
		})
	}
}

func fetchPath(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}
