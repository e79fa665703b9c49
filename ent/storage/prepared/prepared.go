// Package prepared keeps, on PostgreSQL, the statements of queries issued often as
// prepared statements reused across requests, and shapes ID lists so that such a
// statement's text does not vary with their number.
package prepared

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/lib/pq"
)

type preparedKey struct{}

// Context returns a context whose queries outside a transaction run, on PostgreSQL, as
// prepared statements kept for reuse: parsed once per connection and, after a few runs,
// planned once. It suits queries that are issued often, whose text does not vary with
// their arguments (a list as one array argument, not one placeholder per item) and whose
// best plan does not depend on the values, such as looking rows up by their parents' IDs.
func Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, preparedKey{}, true)
}

// IDsIn is the condition that the column col holds one of ids. On PostgreSQL the IDs are
// one array argument, so that the statement's text is the same whatever their number and
// it can be kept prepared; elsewhere it is an IN list.
func IDsIn(col string, ids []int) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		if b.Dialect() != dialect.Postgres {
			b.Join(entsql.InInts(col, ids...))
			return
		}
		list := make([]int64, len(ids))
		for i, id := range ids {
			list[i] = int64(id)
		}
		b.Ident(col).WriteString(" = ANY(").Arg(pq.Array(list)).WriteString(")")
	})
}

// Requested reports whether ctx asks for its queries to run prepared (Context).
func Requested(ctx context.Context) bool { return ctx.Value(preparedKey{}) != nil }

// statementCacheSize bounds the statements kept: each is prepared on every connection
// that runs it and holds a plan there.
const statementCacheSize = 64

// Statements are the prepared statements kept for reuse, by query text.
type Statements struct {
	db    *sql.DB
	cache *lru.Cache[string, *sql.Stmt]
}

// NewStatements returns an empty cache of db's prepared statements.
func NewStatements(db *sql.DB) *Statements {
	cache, _ := lru.NewWithEvict(statementCacheSize, func(_ string, s *sql.Stmt) { s.Close() })
	return &Statements{db: db, cache: cache}
}

// Query runs query with args through its kept statement, preparing it first if need be.
// A statement evicted while a query uses it is closed once that query's rows are; one
// evicted between being looked up and being run fails, and the query then runs unprepared.
func (s *Statements) Query(ctx context.Context, query string, args []any) (*sql.Rows, error) {
	stmt, ok := s.cache.Get(query)
	if !ok {
		var err error
		if stmt, err = s.db.PrepareContext(ctx, query); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		if prev, loaded, _ := s.cache.PeekOrAdd(query, stmt); loaded {
			stmt.Close()
			stmt = prev
		}
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil && ctx.Err() == nil {
		return s.db.QueryContext(ctx, query, args...)
	}
	return rows, err
}
