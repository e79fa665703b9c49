package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// FuzzHandler posts random documents and variables, and raw bodies, with a valid token:
// whatever arrives, the answer is never a 5xx, and malformed input is never INTERNAL.
func FuzzHandler(f *testing.F) {
	h := newHarness(f)
	// The fuzz target may not log through f: the server logs to a buffer, shown on failure.
	var logs storagetest.SyncBuffer
	h.gql = NewHandler(h.resolver, nil, DefaultLimits, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	w := h.newDirectoryWorld()
	who := h.asToken(w.full, viewer.Scopes...)
	for _, seed := range []struct{ query, vars string }{
		{`{ me { email role } }`, `{}`},
		{`query($q: String, $f: Int) { customers(first: $f, query: $q) { totalCount edges { cursor node { name statuses } } } }`, `{"q": "status:trial -tag:x", "f": 5}`},
		{`query($a: Cursor) { customers(after: $a) { pageInfo { endCursor } } }`, `{"a": 12}`},
		{`query($d: DateTime) { customers(filter: {createdAfter: $d}) { totalCount } }`, `{"d": "garbage"}`},
		{`query($s: [CustomerStatus!]) { customers(filter: {statuses: $s}) { totalCount } }`, `{"s": ["TRIAL", "NOPE"]}`},
		{`mutation($in: CreateTagInput!) { createTag(input: $in) { tag { id name } } }`, `{"in": {"name": "", "color": "#zzz"}}`},
		{`{ node(id: "Q3VzdG9tZXI6MQ") { id } nodes(ids: ["", "x"]) { id } }`, `{}`},
		{`{ kpis { totalCustomers { count query } } subscriptionAnalytics(product: CALLING) { licenseTrend(weeks: 99) { total } } }`, `{}`},
		{`{ auditEvents(first: 1e30) { totalCount } }`, `null`},
		{`{`, `[`},
	} {
		f.Add(seed.query, seed.vars)
	}
	client := h.srv.Client()
	f.Fuzz(func(t *testing.T, query, vars string) {
		bodies := [][]byte{[]byte(vars)}
		if body, err := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(vars)}); err == nil {
			bodies = append(bodies, body)
		}
		if body, err := json.Marshal(map[string]any{"query": query}); err == nil {
			bodies = append(bodies, body)
		}
		for _, body := range bodies {
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Test-Viewer", who)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode >= 500 {
				t.Fatalf("status %d for %q: %s\n%s", resp.StatusCode, body, raw, logs.String())
			}
			var out response
			if json.Unmarshal(raw, &out) != nil {
				continue // not a GraphQL answer: a plain refusal of the body
			}
			for _, e := range out.Errors {
				if e.Extensions["code"] == "INTERNAL" {
					t.Fatalf("INTERNAL for %q: %s\n%s", body, raw, logs.String())
				}
			}
		}
	})
}
