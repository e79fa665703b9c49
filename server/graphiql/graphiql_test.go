package graphiql

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestContentSecurityPolicyHost(t *testing.T) {
	for _, tc := range []struct{ host, want string }{
		{"localhost:8080", "connect-src http://localhost:8080/graphql https://localhost:8080/graphql ws://localhost:8080/graphql wss://localhost:8080/graphql;"},
		{"[::1]:8080", "connect-src http://[::1]:8080/graphql https://[::1]:8080/graphql ws://[::1]:8080/graphql wss://[::1]:8080/graphql;"},
		{"api.example.com", "connect-src http://api.example.com/graphql https://api.example.com/graphql ws://api.example.com/graphql wss://api.example.com/graphql;"},
		{"evil;script-src *", "connect-src 'self';"},
		{"", "connect-src 'self';"},
	} {
		if got := contentSecurityPolicy(tc.host, "/graphql"); !strings.Contains(got, tc.want) {
			t.Errorf("host %q: policy %q lacks %q", tc.host, got, tc.want)
		}
	}
}

func TestHandlerServesOnlyAssets(t *testing.T) {
	h := Handler("/graphql")
	serve := func(path, etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	t.Run("NotFound", func(t *testing.T) {
		for _, path := range []string{AssetPath + "index.html", AssetPath + "default.graphql", AssetPath, "/graphiql.min.js", AssetPath + "../dist/graphiql.min.js"} {
			if rec := serve(path, ""); rec.Code != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", path, rec.Code)
			}
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		first := serve(AssetPath+"graphiql.min.js", "")
		if first.Code != http.StatusOK || first.Header().Get("ETag") == "" {
			t.Fatalf("GET graphiql.min.js = %d with ETag %q", first.Code, first.Header().Get("ETag"))
		}
		if again := serve(AssetPath+"graphiql.min.js", first.Header().Get("ETag")); again.Code != http.StatusNotModified {
			t.Errorf("GET with If-None-Match = %d, want 304", again.Code)
		}
	})
}
