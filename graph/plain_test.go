package graph

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/ent"
)

// TestPlainListsMatchGqlgen holds the lists written in one pass (plainLists) to what
// gqlgen's own executor writes for the same request, byte for byte, for each role; and
// checks which objects' fields were left to gqlgen, so that a selection plainLists cannot
// write goes to gqlgen and one it can write does not.
func TestPlainListsMatchGqlgen(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	resolved := map[string]bool{} // objects whose fields gqlgen resolved
	h.gql.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		resolved[graphql.GetFieldContext(ctx).Field.ObjectDefinition.Name] = true
		mu.Unlock()
		return next(ctx)
	})

	w := plainWorld(h)

	everyField := `edges { cursor node { __typename id name orgId externalId region country createdAt
		lastAdminActivityAt launchUrl products statuses
		licenseSummary { __typename product total assigned used available overage }
		subscriptions { __typename id subscriptionId kind state startedAt endsAt autoRenew renewalDate
			licenses { __typename id product total assigned used available overage usedLast90Days } }
		trials { id kind endsAt }
		tags { __typename id name color description createdAt }
		admins { __typename id email displayName role lastSignInAt createdAt } } }`
	cases := []struct {
		name, query string
		vars        map[string]any
		gqlgen      []string // objects whose fields gqlgen resolves
	}{
		{"DirectoryPage", `{ customers(first: 50, orderBy: {field: NAME, direction: ASC}) { totalCount edges { node {
			name statuses tags { name } licenseSummary { product total assigned used }
			subscriptions { subscriptionId state endsAt licenses { product total assigned used } } } } } }`, nil, []string{"CustomerConnection", "Query"}},
		{"EveryField", `{ customers(first: 10) { ` + everyField + ` } }`, nil, []string{"CustomerConnection", "Query"}},
		{"FragmentsAliasesDirectives", `query($yes: Boolean!) { customers(first: 10) { edges { at: cursor node {
			... on Node { id } ...parts first: name @include(if: $yes) hidden: orgId @skip(if: $yes)
			subs: subscriptions { ... on Subscription { state } licenses { product n: total } } } } } }
			fragment parts on Customer { name tags { ... on Tag { name } } }`,
			map[string]any{"yes": true}, []string{"CustomerConnection", "Query"}},
		{"ArgumentsLeaveThePageToGqlgen", `{ customers(first: 10) { edges { node { name
			subscriptions(kinds: [TRIAL]) { state licenses { total } } } } } }`,
			nil, []string{"Customer", "CustomerConnection", "CustomerEdge", "Query"}},
		{"ResolvedFieldsLeaveTheirListsToGqlgen", `{ customers(first: 10) { edges { node { name
			tags { name customerCount } licenseSummary { product }
			subscriptions { state invoices { number } licenses { total weeklyUsageChange } } } } } }`,
			nil, []string{"Customer", "CustomerConnection", "CustomerEdge", "License", "Query", "Subscription", "Tag"}},
		{"AdminsCustomers", `query($id: ID!) { node(id: $id) { ... on Admin { email customers(first: 5) { totalCount ` + everyField + ` } } } }`,
			map[string]any{"id": w.admin.GlobalID()}, []string{"Admin", "CustomerConnection", "Query"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, who := range []*ent.Admin{w.full, w.admin, w.readOnly} {
				clear(resolved)
				got := h.post(t, h.as(who), c.query, c.vars, "")
				gqlgen := slices.Sorted(maps.Keys(resolved))
				want := h.post(t, h.as(who), c.query, c.vars, "gqlgen")
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: written in one pass:\n%s\ngqlgen writes:\n%s", who.Role, got, want)
				}
				if !bytes.Contains(got, []byte("Gamma")) || bytes.Contains(got, []byte(`"errors"`)) {
					t.Fatalf("%s: not the page asked for: %s", who.Role, got)
				}
				if !slices.Equal(gqlgen, c.gqlgen) {
					t.Errorf("%s: gqlgen resolved fields of %s, want %s", who.Role, strings.Join(gqlgen, ", "), strings.Join(c.gqlgen, ", "))
				}
			}
		})
	}
}
