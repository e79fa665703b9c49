package graph

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
)

// TestQueryLimits checks that complexity multiplies by first/last at every level and that
// requests over the complexity, depth or parser-token limits are refused, with the code
// and a message naming the limit, before any SQL runs.
func TestQueryLimits(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("limits")
	h.mustCustomer(w, customerSpec{name: "Limited Co", assignedTo: []*ent.Admin{w.admin}})
	who := h.as(w.full)
	// A page's node costs 1 + 1 + 1 + (1 + 1*5) + (1 + (1 + (1 + 1*3))*5) = 35, its edge 36,
	// so a page of 100 costs 1 + 36*100 = 3601.
	page := func(alias, args string) string {
		return alias + `customers` + args + ` { edges { node { name statuses tags { name } subscriptions { state licenses { product } } } } }`
	}
	tests := []struct {
		name, query, code, message string
	}{
		{"First100", `{` + page("", "(first: 100)") + `}`, "", ""},
		{"Default25", `{` + page("", "") + `}`, "", ""},
		{"NestedFirst", `{ customers(first: 100) { edges { node { admins { customers(first: 100) { totalCount } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 20000"},
		{"NestedFirstWithin", `{ customers(first: 10) { edges { node { admins { customers(first: 10) { totalCount } } } } } }`, "", ""},
		{"FivePagesWithin", `{` + page("a: ", "(first: 100)") + page("b: ", "(last: 100)") + page("c: ", "(first: 100)") + page("d: ", "(first: 100)") + page("e: ", "(last: 100)") + `}`, "", ""},
		{"SixPages", `{` + page("a: ", "(first: 100)") + page("b: ", "(last: 100)") + page("c: ", "(first: 100)") + page("d: ", "(first: 100)") + page("e: ", "(last: 100)") + page("f: ", "(last: 100)") + `}`, "COMPLEXITY_LIMIT_EXCEEDED", "operation has complexity 21606, which exceeds the limit of 20000"},
		{"TooDeep", `{ customers(first: 1) { edges { node { admins { customers(first: 1) { edges { node { admins { customers(first: 1) { edges { node { admins { email } } } } } } } } } } } } }`, "BAD_USER_INPUT", "nested 13 levels deep, more than the limit of 12"},
		{"TooManyTokens", `{ me { ` + strings.Repeat("email ", 15001) + `} }`, "BAD_USER_INPUT", "token limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(t, who, tt.query, nil)
			if resp.code() != tt.code {
				t.Fatalf("code = %q (errors %+v), want %q", resp.code(), resp.Errors, tt.code)
			}
			if tt.code == "" {
				return
			}
			if !strings.Contains(resp.Errors[0].Message, tt.message) {
				t.Errorf("message = %q, want it to mention %q", resp.Errors[0].Message, tt.message)
			}
			if h.lastStatements() != 0 {
				t.Errorf("%d SQL statements ran, want none before refusing", h.lastStatements())
			}
		})
	}
}
