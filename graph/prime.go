package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// nodeFields returns the fields the current connection field selects on edges.node.
func nodeFields(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return out
	}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, nil) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, nil) {
				out[f.Name] = true
			}
		}
	}
	return out
}

// primeCustomers starts, for every customer of a page at once, the lookups its selected
// fields will need, so each kind of lookup is one batch whatever the page size and
// however the field resolvers are scheduled.
func primeCustomers(ctx context.Context, conn *page.Connection[*ent.Customer]) {
	if len(conn.Edges) == 0 {
		return
	}
	ids := make([]int, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	l, f := loader.For(ctx), nodeFields(ctx)
	if f["statuses"] {
		loader.Start(ctx, l.Statuses, ids)
	}
	if f["tags"] {
		loader.Start(ctx, l.Tags, ids)
	}
	if f["admins"] {
		loader.Start(ctx, l.Admins, ids)
	}
	if f["subscriptions"] || f["trials"] || f["licenseSummary"] || f["products"] {
		loader.Start(ctx, l.Subscriptions, ids)
	}
	if f["licenseSummary"] || f["products"] || f["subscriptions"] {
		loader.Start(ctx, l.Licenses, ids)
	}
}
