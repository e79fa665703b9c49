package graph

import (
	"fmt"
	"strings"
	"testing"
)

// aliases returns n copies of field, aliased a0…, as one selection.
func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, strings.ReplaceAll(field, "$i", fmt.Sprint(i)))
	}
	return b.String()
}

// introspectionFragment is the type fragment of the costly introspection documents.
const introspectionFragment = ` fragment F on __Type { name kind description fields { name description args { name description type { name } } type { name kind } } }`

// typeRef nests ofType n levels deep.
func typeRef(n int) string {
	if n == 0 {
		return "name"
	}
	return "name ofType { " + typeRef(n-1) + " }"
}

// TestHostileDocuments: documents that ask the same expensive thing many times, or
// introspection beyond a client's needs, are refused before they run, anonymous or not,
// with the code and a message naming the limit; a client's own introspection still runs.
func TestHostileDocuments(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("hostile")
	h.mustCustomer(w, customerSpec{name: "Target"})
	for _, tt := range []struct {
		name, query, code, message string
	}{
		{"SchemaAliases", `{ ` + aliases(100, "__schema { types { ...F } }") + `}` + introspectionFragment, "COMPLEXITY_LIMIT_EXCEEDED", "more than the limit of 50"},
		{"TwoSchemas", `{ a: __schema { types { name } } b: __schema { types { name } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "__schema 2 times; at most once"},
		{"SchemaInFragments", `{ ...S ...T } fragment S on Query { a: __schema { queryType { name } } } fragment T on Query { b: __schema { queryType { name } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "at most once"},
		{"DeepIntrospection", `{ __type(name: "Customer") { ` + typeRef(25) + ` } }`, "BAD_USER_INPUT", "introspection is nested 27 levels deep, more than the limit of 20"},
		{"CountAliases", `{ ` + aliases(51, `customers(first: 1, query: "x$i") { totalCount }`) + `}`, "COMPLEXITY_LIMIT_EXCEEDED", "51 root fields, more than the limit of 50"},
		{"SearchedCounts", `{ ` + aliases(2, `customers(first: 1, query: "x$i") { totalCount }`) + `}`, "COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 20000"},
		{"SearchedTyped", `{ a: customers(first: 1, filter: {search: "x"}) { totalCount } b: customers(first: 1, filter: {search: "y"}) { totalCount } }`, "COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 20000"},
		{"FilteredCounts", `{ ` + aliases(21, `customers(first: 1, query: "region:eu tag:t$i") { totalCount }`) + `}`, "COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 20000"},
		{"KpiAliases", `{ ` + aliases(11, `kpis { totalCustomers { count } }`) + `}`, "COMPLEXITY_LIMIT_EXCEEDED", "exceeds the limit of 20000"},
		{"NestedAliases", `{ me { ` + aliases(51, "email") + `} }`, "COMPLEXITY_LIMIT_EXCEEDED", "more than 50 aliased fields"},
		{"OneSchema", `{ __schema { types { ...F } } }` + introspectionFragment, "", ""},
		{"ClientIntrospection", `{ __schema { types { fields { args { type { ` + typeRef(9) + ` } } } } } }`, "", ""},
		{"OneSearchedCount", `{ customers(first: 1, query: "region:eu x") { totalCount } }`, "", ""},
		{"TwentyFilteredCounts", `{ ` + aliases(19, `customers(first: 1, query: "region:eu tag:t$i") { totalCount }`) + `}`, "", ""},
	} {
		for _, who := range []string{"", h.as(w.readOnly)} {
			t.Run(fmt.Sprintf("%s/%v", tt.name, who != ""), func(t *testing.T) {
				resp := h.do(t, who, tt.query, nil)
				want := tt.code
				if who == "" && want == "" && !strings.HasPrefix(strings.TrimSpace(tt.query), "{ __") {
					want = "UNAUTHENTICATED"
				}
				if resp.code() != want {
					t.Fatalf("code = %q (errors %.300v), want %q", resp.code(), resp.Errors, want)
				}
				if tt.code != "" && !strings.Contains(resp.Errors[0].Message, tt.message) {
					t.Errorf("message = %q, want it to mention %q", resp.Errors[0].Message, tt.message)
				}
				if tt.code != "" && h.lastStatements() != 0 {
					t.Errorf("%d SQL statements ran, want none before refusing", h.lastStatements())
				}
			})
		}
	}
}
