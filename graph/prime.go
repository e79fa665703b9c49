package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"golang.org/x/sync/errgroup"

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

// primeCustomers loads, for every customer of a page at once, what its selected fields
// will need: one statement per kind of lookup whatever the page size, the kinds side by
// side.
func primeCustomers(ctx context.Context, conn *page.Connection[*ent.Customer]) error {
	if len(conn.Edges) == 0 {
		return nil
	}
	ids := make([]int, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	l, f := loader.For(ctx), nodeFields(ctx)
	g, gctx := errgroup.WithContext(ctx)
	prefetch := func(need bool, fetch func(context.Context, []int) error) {
		if need {
			g.Go(func() error { return fetch(gctx, ids) })
		}
	}
	prefetch(f["statuses"], l.Statuses.Prefetch)
	prefetch(f["tags"], l.Tags.Prefetch)
	prefetch(f["admins"], l.Admins.Prefetch)
	prefetch(f["subscriptions"] || f["trials"] || f["licenseSummary"] || f["products"], l.Subscriptions.Prefetch)
	prefetch(f["licenseSummary"] || f["products"] || f["subscriptions"], l.Licenses.Prefetch)
	return g.Wait()
}
