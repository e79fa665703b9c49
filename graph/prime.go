package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/page"
	"github.com/partnerhub/partnerhub-api/graph/status"
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
// (f, from nodeFields) will need: one statement per kind of lookup whatever the page size,
// the kinds side by side. The statuses come with the page itself (status.SelectMask).
func primeCustomers(ctx context.Context, conn *page.Connection[*ent.Customer], f map[string]bool) error {
	if len(conn.Edges) == 0 {
		return nil
	}
	ids := make([]int, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	l := loader.For(ctx)
	if f["statuses"] {
		for _, e := range conn.Edges {
			raw, err := e.Node.Value(status.MaskColumn)
			mask, ok := raw.(int64)
			if err != nil || !ok {
				return fmt.Errorf("statuses of customer %d: selected %T (%v)", e.Node.ID, raw, err)
			}
			l.Statuses.Prime(ctx, e.Node.ID, status.Decode(mask))
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	prefetch := func(need bool, fetch func(context.Context, []int) error) {
		if need {
			g.Go(func() error { return fetch(gctx, ids) })
		}
	}
	prefetch(f["tags"], l.Tags.Prefetch)
	prefetch(f["admins"], l.Admins.Prefetch)
	prefetch(f["subscriptions"] || f["trials"] || f["licenseSummary"] || f["products"], l.Subscriptions.Prefetch)
	prefetch(f["licenseSummary"] || f["products"] || f["subscriptions"], l.Licenses.Prefetch)
	return g.Wait()
}
