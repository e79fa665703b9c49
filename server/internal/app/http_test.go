package app

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

func TestHealth(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	get := func(path string) int {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("Up", func(t *testing.T) {
		for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/": 200} {
			if got := get(path); got != want {
				t.Errorf("GET %s = %d, want %d", path, got, want)
			}
		}
	})
	t.Run("DatabaseDown", func(t *testing.T) {
		a.DB.SQL.Close()
		if got := get("/readyz"); got != http.StatusServiceUnavailable {
			t.Errorf("GET /readyz = %d, want 503", got)
		}
		if got := get("/healthz"); got != http.StatusOK {
			t.Errorf("GET /healthz = %d, want 200: the process is still up", got)
		}
	})
}

// TestGracefulShutdown cancels the server while a request is in flight: the request
// still completes, and serve returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	a := MustOpenApp(t, map[string]string{"PARTNERHUB_SHUTDOWN_TIMEOUT": "5s"})
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		w.Write([]byte("finished"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln, slow) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		got <- b.String()
	}()
	<-started
	cancel()
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q, want it to finish", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func TestRequestLimits(t *testing.T) {
	a := MustOpenApp(t, map[string]string{"PARTNERHUB_MAX_BODY_BYTES": "2048", "PARTNERHUB_MAX_DEPTH": "2", "PARTNERHUB_MAX_PARSER_TOKENS": "200"})
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Acme")
	token := mustToken(t, a, f.admins[enum.RoleFullAdmin])

	tests := []struct {
		name, body, code, message string
	}{
		{"BodyTooLarge", `{"query":"{ me { email } }","variables":{"pad":"` + strings.Repeat("x", 3000) + `"}}`, "BAD_USER_INPUT", "exceeds the limit of 2048 bytes"},
		{"Batch", `[{"query":"{ me { email } }"},{"query":"{ me { email } }"}]`, "BAD_USER_INPUT", "batched operations"},
		{"WithinDepth", `{"query":"{ me { email } }"}`, "", ""},
		{"TooDeep", `{"query":"{ me { partner { name } } }"}`, "BAD_USER_INPUT", "nested 3 levels deep, more than the limit of 2"},
		{"TooDeepThroughFragments", `{"query":"{ ...Q } fragment Q on Query { node(id: \"x\") { ... on Admin { partner { name } } } }"}`, "BAD_USER_INPUT", "nested 3 levels"},
		{"TooManyTokens", `{"query":"{ me { ` + strings.Repeat("email ", 250) + `} }"}`, "BAD_USER_INPUT", "token limit"},
		{"ParseError", `{"query":"{ me { email "}`, "BAD_USER_INPUT", ""},
		{"UnknownField", `{"query":"{ me { password } }"}`, "BAD_USER_INPUT", "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postRaw(t, srv, token, []byte(tt.body))
			if resp.code() != tt.code {
				t.Fatalf("code = %q (errors %+v), want %q", resp.code(), resp.Errors, tt.code)
			}
			if tt.message != "" && !strings.Contains(resp.Errors[0].Message, tt.message) {
				t.Errorf("message = %q, want it to mention %q", resp.Errors[0].Message, tt.message)
			}
		})
	}
}

// TestRefusalsCarryCodes: every request refused before or instead of execution is answered
// as application/json with a documented code, whatever the method and content type.
func TestRefusalsCarryCodes(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	f := mustCreatePartner(t, a.DB.Client, "Refusals")
	token := mustToken(t, a, f.admins[enum.RoleFullAdmin])
	const query = `{"query":"{ me { email } }"}`
	cases := []struct {
		name                string
		method, path, ctype string
		body                string
		status              int
		code                string
	}{
		{"TextPlain", http.MethodPost, "/graphql", "text/plain", query, http.StatusUnsupportedMediaType, "BAD_USER_INPUT"},
		{"FormEncoded", http.MethodPost, "/graphql", "application/x-www-form-urlencoded", "query=%7B+me+%7B+email+%7D+%7D", http.StatusUnsupportedMediaType, "BAD_USER_INPUT"},
		{"NoContentType", http.MethodPost, "/graphql", "", query, http.StatusUnsupportedMediaType, "BAD_USER_INPUT"},
		{"Put", http.MethodPut, "/graphql", "application/json", query, http.StatusMethodNotAllowed, "BAD_USER_INPUT"},
		{"GetMutation", http.MethodGet, "/graphql?query=" + url.QueryEscape(`mutation { createTag(input: {name: "x"}) { tag { id } } }`), "", "", http.StatusMethodNotAllowed, "BAD_USER_INPUT"},
		{"GetVariablesNotJSON", http.MethodGet, "/graphql?query=%7Bme%7Bemail%7D%7D&variables=nope", "", "", http.StatusBadRequest, "BAD_USER_INPUT"},
		{"GetUnparsable", http.MethodGet, "/graphql?query=%7Bme", "", "", http.StatusOK, "BAD_USER_INPUT"},
		{"GetUnknownPersistedQuery", http.MethodGet, "/graphql?extensions=" + url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"abc"}}`), "", "", http.StatusOK, "PERSISTED_QUERY_NOT_FOUND"},
		{"GetQuery", http.MethodGet, "/graphql?query=%7Bme%7Bemail%7D%7D", "", "", http.StatusOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			got := doGraphQL(t, srv, req)
			if got.Status != c.status || got.code() != c.code || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/json") {
				t.Errorf("HTTP %d, code %q, %s; want %d, code %q, application/json (errors %+v)", got.Status, got.code(), got.Header.Get("Content-Type"), c.status, c.code, got.Errors)
			}
		})
	}
}

// TestMetricsOwnListener: with PARTNERHUB_METRICS_ADDR, /metrics is served there and not
// by the API's listener; without it, by the API's.
func TestMetricsOwnListener(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	a := MustOpenApp(t, map[string]string{"PARTNERHUB_METRICS_ADDR": metricsAddr})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.listenAndServe(ctx, ln) }()
	status := func(url string) int {
		t.Helper()
		for range 50 { // the metrics listener opens just after the API's
			resp, err := http.Get(url)
			if err == nil {
				resp.Body.Close()
				return resp.StatusCode
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("GET %s: no answer", url)
		return 0
	}
	if got := status("http://" + metricsAddr + "/metrics"); got != http.StatusOK {
		t.Errorf("GET /metrics on the metrics listener = %d, want 200", got)
	}
	if got := status("http://" + ln.Addr().String() + "/metrics"); got != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's listener = %d, want 404", got)
	}
	if got := status("http://" + ln.Addr().String() + "/healthz"); got != http.StatusOK {
		t.Errorf("GET /healthz on the API's listener = %d, want 200", got)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

// TestSecurityHeaders: API answers, the GraphiQL page and the metrics carry nosniff; the
// page carries a Content-Security-Policy.
func TestSecurityHeaders(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	for _, c := range []struct {
		method, path, body string
		csp                bool
	}{
		{http.MethodGet, "/", "", true},
		{http.MethodPost, "/graphql", `{"query":"{ __typename }"}`, false},
		{http.MethodPost, "/graphql", `{"query":"{ me { email } }"}`, false},
		{http.MethodGet, "/graphql?query=%7B__typename%7D", "", false},
		{http.MethodGet, "/healthz", "", false},
		{http.MethodGet, "/metrics", "", false},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options = %q, want nosniff", c.method, c.path, got)
		}
		if got := resp.Header.Get("Content-Security-Policy"); c.csp != strings.Contains(got, "default-src 'none'") {
			t.Errorf("%s %s: Content-Security-Policy = %q", c.method, c.path, got)
		}
	}
}
