package graph

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// TestBadInputIsBadUserInput: input that does not read, or is too big for the database to
// take, is BAD_USER_INPUT with a message naming the limit, never INTERNAL; input at the
// limits runs.
func TestBadInputIsBadUserInput(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Inputs")
	c := h.mustCustomer(w, customerSpec{name: "Acme"})
	tag := h.mustTag(w, "Key")
	repeat := func(v any, n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	ids := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = gid.Encode("Tag", tag.ID+i)
		}
		return out
	}
	const filtered = `query($f: CustomerFilter) { customers(first: 1, filter: $f) { totalCount } }`
	cases := []struct {
		name, query string
		vars        map[string]any
		want        string // "" for an answer without errors
		message     string
	}{
		{"DateTimeLiteral", `{ customers(first: 1, filter: {createdAfter: "garbage"}) { totalCount } }`, nil, "BAD_USER_INPUT", "RFC 3339"},
		{"DateTimeVariable", filtered, map[string]any{"f": map[string]any{"createdAfter": "garbage"}}, "BAD_USER_INPUT", "RFC 3339"},
		{"DateTimeNumber", filtered, map[string]any{"f": map[string]any{"createdAfter": 12}}, "BAD_USER_INPUT", "RFC 3339"},
		{"DateWithTime", usageQ, in(map[string]any{"usage": []any{usageItem(subID(c), "2026-03-17T10:00:00Z", 7)}}), "BAD_USER_INPUT", "YYYY-MM-DD"},
		{"CursorNumber", `query($c: Cursor) { customers(first: 1, after: $c) { totalCount } }`, map[string]any{"c": 12}, "BAD_USER_INPUT", "cursor"},
		{"ScopeObject", `mutation($s: [Scope!]) { createApiToken(input: {name: "x", scopes: $s}) { token } }`, map[string]any{"s": []any{map[string]any{"a": 1}}}, "BAD_USER_INPUT", "Scope"},
		{"ScopeUnknown", `mutation { createApiToken(input: {name: "x", scopes: ["everything"]}) { token } }`, nil, "BAD_USER_INPUT", "unknown scope"},
		{"IntOutOfRange", `query($n: Int) { customers(first: $n) { totalCount } }`, map[string]any{"n": 1e30}, "BAD_USER_INPUT", ""},
		{"HugeSearchString", `query($q: String) { customers(first: 1, query: $q) { totalCount } }`, map[string]any{"q": strings.Repeat("x", 900_000)}, "BAD_USER_INPUT", "limit of 10000"},
		{"ManyTagIds", filtered, map[string]any{"f": map[string]any{"tagIds": ids(40_000)}}, "BAD_USER_INPUT", "limit of 5000"},
		{"ManyStatuses", filtered, map[string]any{"f": map[string]any{"statuses": repeat("ACTIVE", 100_000)}}, "BAD_USER_INPUT", "limit of 5000"},
		{"SearchStringAtLimit", `query($q: String) { customers(first: 1, query: $q) { totalCount } }`, map[string]any{"q": strings.Repeat("x", limit.StringChars)}, "", ""},
		{"TagIdsAtLimit", filtered, map[string]any{"f": map[string]any{"tagIds": ids(limit.ListItems)}}, "", ""},
		{"AllTagIdsAtLimit", filtered, map[string]any{"f": map[string]any{"tagIds": ids(limit.ListItems), "tagMatch": "ALL"}}, "", ""},
		{"QueryStringTermsAtLimit", `query($q: String) { customers(first: 1, query: $q) { totalCount } }`, map[string]any{"q": strings.Repeat("status:active ", limit.StringChars/14)}, "", ""},
		{"StatusesAtLimit", filtered, map[string]any{"f": map[string]any{"statuses": repeat("ACTIVE", limit.ListItems), "excludeStatuses": repeat("TRIAL", limit.ListItems)}}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do(t, h.as(w.full), tc.query, tc.vars)
			if got := resp.code(); got != tc.want {
				t.Fatalf("code %q (errors %+v), want %q", got, resp.Errors, tc.want)
			}
			if tc.message != "" && !strings.Contains(resp.Errors[0].Message, tc.message) {
				t.Errorf("message %q, want it to mention %q", resp.Errors[0].Message, tc.message)
			}
		})
	}
}
