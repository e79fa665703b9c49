package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/graph/render"
)

// plainLists is the field middleware that writes the lists of plain objects a customer
// page is made of (its edges, and tags, license summaries, subscriptions and their license
// lines) in one pass each (package render), with the tables plain_gen.go generates from
// the schema: the lists marked @prefetched. TestPlainWriterWalksTheSchema holds the two
// writers to the same output for every field of every type written.
func plainLists(r generated.ResolverRoot) graphql.FieldMiddleware {
	roots, _ := plainTables(r)
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		write, ok := roots[render.Key{Object: fc.Object, Field: fc.Field.Name}]
		res, err := next(ctx)
		if !ok || err != nil {
			return res, err
		}
		if m, fallback := write(ctx, res); fallback == nil {
			return m, nil
		}
		return res, nil
	}
}
