package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// logged opens an app whose log, in format at level info, goes to the returned buffer,
// and serves it.
func logged(t *testing.T, format string) (*App, *httptest.Server, *lockedBuffer) {
	return loggedAt(t, format, "info")
}

func loggedAt(t *testing.T, format, level string) (*App, *httptest.Server, *lockedBuffer) {
	t.Helper()
	a := MustOpenApp(t, nil)
	a.Cfg.LogFormat, a.Cfg.LogLevel = format, level
	buf := &lockedBuffer{}
	var err error
	if a.logger, err = a.Cfg.newLogger(buf); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	return a, srv, buf
}

// logLines returns the JSON log lines with message msg.
func logLines(t *testing.T, buf *lockedBuffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// request posts body to srv's path with headers and returns the response and its body.
func request(t *testing.T, srv *httptest.Server, method, path, body string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// checkFields fails for each field of want that the line does not hold with that value.
func checkFields(t *testing.T, line map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got, ok := line[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v in %v", k, got, ok, v, line)
		}
	}
}

var hexID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestAccessLog(t *testing.T) {
	a, srv, buf := logged(t, "json")
	f := mustCreatePartner(t, a.DB.Client, "Logs")
	full := f.admins[enum.RoleFullAdmin]
	token := mustToken(t, a, full)
	jti := a.DB.Client.ApiToken.Query().Where(apitoken.AdminID(full.ID)).OnlyX(sysCtx()).Jti
	bearer := map[string]string{"Authorization": "Bearer " + token}

	for _, role := range demoRoles {
		t.Run("Query"+string(role), func(t *testing.T) {
			adm := f.admins[role]
			tok, rec, err := a.Auth.Issue(sysCtx(), a.DB.Client, adm, auth.Grant{Name: "log test", Role: role})
			if err != nil {
				t.Fatal(err)
			}
			id := "client-id-" + string(role)
			headers := map[string]string{"Authorization": "Bearer " + tok, "X-Request-ID": id}
			resp, body := request(t, srv, http.MethodPost, "/graphql", `{"query":"query Me { me { email } }"}`, headers)
			if got := resp.Header.Get("X-Request-ID"); got != id {
				t.Errorf("X-Request-ID = %q, want the client's", got)
			}
			line := lastRequest(t, buf, id)
			checkFields(t, line, map[string]any{
				"level": "INFO", "method": "POST", "route": "/graphql", "operation": "Me", "type": "query",
				"status": float64(200), "bytes": float64(len(body)),
				"partner": float64(f.partner.ID), "admin": float64(adm.ID), "token": rec.Jti,
			})
			if ms, ok := line["duration_ms"].(float64); !ok || ms <= 0 || ms > 60000 {
				t.Errorf("duration_ms = %v, want milliseconds", line["duration_ms"])
			}
			if _, ok := line["codes"]; ok {
				t.Errorf("a clean answer logged codes %v", line["codes"])
			}
		})
	}
	t.Run("GeneratedRequestID", func(t *testing.T) {
		resp, _ := request(t, srv, http.MethodGet, "/healthz", "", map[string]string{"X-Request-ID": "bad id with spaces"})
		id := resp.Header.Get("X-Request-ID")
		if !hexID.MatchString(id) {
			t.Fatalf("X-Request-ID = %q, want a generated one", id)
		}
		checkFields(t, lastRequest(t, buf, id), map[string]any{"method": "GET", "route": "/healthz", "status": float64(200)})
	})
	t.Run("Unauthenticated", func(t *testing.T) {
		resp, _ := request(t, srv, http.MethodPost, "/graphql", `{"query":"{ me { email } }"}`, map[string]string{"Authorization": "Bearer nonsense"})
		line := lastRequest(t, buf, resp.Header.Get("X-Request-ID"))
		checkFields(t, line, map[string]any{"status": float64(401), "codes": "UNAUTHENTICATED"})
		if _, ok := line["partner"]; ok {
			t.Errorf("a refused token logged a partner: %v", line)
		}
	})
	t.Run("InvalidQuery", func(t *testing.T) {
		resp, _ := request(t, srv, http.MethodPost, "/graphql", `{"query":"query Broken { nope }"}`, bearer)
		checkFields(t, lastRequest(t, buf, resp.Header.Get("X-Request-ID")), map[string]any{"status": float64(resp.StatusCode), "codes": "BAD_USER_INPUT"})
	})
	t.Run("Ingest", func(t *testing.T) {
		body := `{"query":"mutation Push($in: UpsertCustomersInput!) { upsertCustomers(input: $in) { stored } }","variables":{"in":{"customers":[` +
			`{"externalId":"a","name":"A","orgId":"org-a","region":"EU","country":"DE"},{"externalId":"b","name":"B","orgId":"org-b","region":"EU","country":"FR"}]}}}`
		ingest, _, err := a.Auth.Issue(sysCtx(), a.DB.Client, full, auth.Grant{Name: "ingest", Role: full.Role, Scopes: []string{viewer.ScopeIngest}})
		if err != nil {
			t.Fatal(err)
		}
		resp, raw := request(t, srv, http.MethodPost, "/graphql", body, map[string]string{"Authorization": "Bearer " + ingest})
		checkFields(t, lastRequest(t, buf, resp.Header.Get("X-Request-ID")), map[string]any{
			"operation": "Push", "type": "mutation", "ingested.upsertCustomers": float64(2),
		})
		if !bytes.Contains(raw, []byte(`"stored":2`)) {
			t.Fatalf("upsertCustomers answered %s", raw)
		}
	})
	t.Run("Websocket", func(t *testing.T) {
		sub, err := wsclient.Subscribe(t.Context(), wsURL(srv), token, `subscription Live { kpisUpdated { totalCustomers { count } } }`)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nextKpis(t, sub, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		sub.Close()
		var line map[string]any
		for deadline := time.Now().Add(10 * time.Second); line == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if lines := logLines(t, buf, "websocket operation"); len(lines) > 0 {
				line = lines[0]
			}
		}
		if line == nil {
			t.Fatalf("no websocket operation logged:\n%s", buf)
		}
		checkFields(t, line, map[string]any{
			"route": "websocket", "operation": "Live", "type": "subscription", "responses": float64(1),
			"partner": float64(f.partner.ID), "admin": float64(full.ID), "token": jti,
		})
		if b, _ := line["bytes"].(float64); b <= 0 {
			t.Errorf("bytes = %v, want the data sent", line["bytes"])
		}
		if _, ok := line["duration_ms"].(float64); !ok {
			t.Errorf("duration_ms = %v", line["duration_ms"])
		}
	})
	t.Run("LeftToGqlgen", func(t *testing.T) {
		// A tag's customerCount is resolved one by one: the page's edges go to gqlgen.
		_, raw := request(t, srv, http.MethodPost, "/graphql", `{"query":"{ customers { edges { node { tags { name customerCount } } } } }"}`, bearer)
		if !bytes.Contains(raw, []byte(`"edges":[{`)) {
			t.Fatalf("customers answered %s", raw)
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		_, raw := request(t, srv, http.MethodGet, "/metrics", "", nil)
		for _, want := range []string{
			`partnerhub_graphql_operations_total{operation="Me",type="query"} 3`,
			`partnerhub_graphql_operations_total{operation="Live",type="subscription"} 1`,
			`partnerhub_graphql_operation_duration_seconds_count{operation="Push",type="mutation"} 1`,
			`partnerhub_graphql_errors_total{code="UNAUTHENTICATED"} 1`,
			`partnerhub_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
			`partnerhub_ingest_rows_total{mutation="upsertCustomers"} 2`,
			`partnerhub_http_request_duration_seconds_count{code="200",route="/healthz"} 1`,
			`partnerhub_websocket_connections `,
			`partnerhub_live_subscriptions `,
			`partnerhub_analytics_cache_lookups_total{result="miss"} `,
			`go_sql_open_connections{db_name="` + a.DB.Dialect + `"} `,
			`partnerhub_render_fallbacks_total{reason="resolver",type="Tag"} `,
		} {
			if !bytes.Contains(raw, []byte(want)) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}

// lastRequest returns the request line logged with the request ID id.
func lastRequest(t *testing.T, buf *lockedBuffer, id string) map[string]any {
	t.Helper()
	lines := logLines(t, buf, "request")
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i]["request_id"] == id {
			return lines[i]
		}
	}
	t.Fatalf("no request logged with ID %q:\n%s", id, buf)
	return nil
}

// TestTextLogDurations checks that text logs write durations to three significant digits.
func TestTextLogDurations(t *testing.T) {
	_, srv, buf := logged(t, "text")
	request(t, srv, http.MethodGet, "/healthz", "", nil)
	m := regexp.MustCompile(`msg=request .*duration=(\S+)`).FindStringSubmatch(buf.String())
	if m == nil {
		t.Fatalf("no request line with a duration:\n%s", buf)
	}
	if !regexp.MustCompile(`^\d{1,3}(\.\d{1,2})?(ns|µs|ms|s)$`).MatchString(m[1]) || len(strings.Trim(m[1], ".nsµm")) > 4 {
		t.Errorf("duration=%s, want three significant digits and a unit", m[1])
	}
}

// TestRequestIDOnEveryLine checks that the lines logged while serving a request, not only
// its access line, carry its request ID.
func TestRequestIDOnEveryLine(t *testing.T) {
	_, srv, buf := loggedAt(t, "json", "debug")
	request(t, srv, http.MethodPost, "/graphql", `{"query":"{ me { email } }"}`, map[string]string{"Authorization": "Bearer nonsense", "X-Request-ID": "trace-me"})
	lines := logLines(t, buf, "authentication failed")
	if len(lines) != 1 || lines[0]["request_id"] != "trace-me" {
		t.Fatalf("authentication failure logged as %v, want one line with request_id trace-me:\n%s", lines, buf)
	}
	if line := lastRequest(t, buf, "trace-me"); strings.Count(buf.String(), `"request_id"`) != 2 {
		t.Errorf("request_id written more than once per line: %v\n%s", line, buf)
	}
}
