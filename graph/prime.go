package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/page"
	"github.com/partnerhub/partnerhub-api/graph/render"
)

// statusesLoader is the loader primed from the status mask a page selects with its rows
// (status.SelectMask) rather than by a lookup of its own.
const statusesLoader = "Statuses"

// pageNeeds is what the selection of a customer page's nodes needs: the customer columns
// its fields read (nil for every column) and the loaders to prefetch, both from the tables
// generated from the schema (plainColumns, plainPrefetches).
type pageNeeds struct {
	columns []string
	loaders map[string]bool
}

// customerNeeds returns what the current connection field's edges.node selection needs,
// through fragments on the node's type and the interfaces it implements.
func customerNeeds(ctx context.Context) pageNeeds {
	needs := pageNeeds{columns: []string{customer.FieldID}, loaders: map[string]bool{}}
	fc, oc := graphql.GetFieldContext(ctx), graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return needs
	}
	for _, edges := range graphql.CollectFields(oc, fc.Field.Selections, plainSatisfies[fc.Field.Definition.Type.Name()]) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, plainSatisfies[edges.Definition.Type.Name()]) {
			if node.Name == "node" {
				needs.walk(oc, node.Definition.Type.Name(), node.Selections, true)
			}
		}
	}
	return needs
}

// walk adds what the fields sel selects on typ need; own tells that typ is the node's.
func (n *pageNeeds) walk(oc *graphql.OperationContext, typ string, sel ast.SelectionSet, own bool) {
	for _, f := range graphql.CollectFields(oc, sel, plainSatisfies[typ]) {
		if f.Name == "__typename" {
			continue
		}
		key := render.Key{Object: typ, Field: f.Name}
		if own && n.columns != nil {
			cols, known := plainColumns[key]
			if !known {
				n.columns = nil
			}
			for _, c := range cols {
				if !slices.Contains(n.columns, c) {
					n.columns = append(n.columns, c)
				}
			}
		}
		for _, l := range plainPrefetches[key] {
			n.loaders[l] = true
		}
		if len(f.Selections) > 0 && f.Definition != nil {
			n.walk(oc, f.Definition.Type.Name(), f.Selections, false)
		}
	}
}

// primeCustomers loads, for every customer of a page at once, what its selected fields
// need (needs.loaders): one statement per kind of lookup whatever the page size, the kinds
// side by side. The statuses come with the page itself (status.SelectMask).
func primeCustomers(ctx context.Context, conn *page.Connection[*ent.Customer], needs pageNeeds) error {
	if len(conn.Edges) == 0 {
		return nil
	}
	ids := make([]int, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	l := loader.For(ctx)
	if needs.loaders[statusesLoader] {
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
	for name := range needs.loaders {
		if name == statusesLoader {
			continue
		}
		prefetch := plainLoader(l, name)
		g.Go(func() error { return prefetch.Prefetch(gctx, ids) })
	}
	return g.Wait()
}
