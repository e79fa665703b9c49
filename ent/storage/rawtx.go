package storage

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
)

type rawTxKey struct{}

// rawTx holds the database/sql transaction begun in a context made by WithSQLTx.
type rawTx struct{ tx *SQLTx }

// SQLTx is a transaction's database/sql handle whose statements count as those sent
// through ent do, in the context's counter and the process-wide one (a COPY counts once).
type SQLTx struct{ tx *sql.Tx }

// ExecContext runs a statement in the transaction.
func (t *SQLTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	counting.Count(ctx)
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (t *SQLTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	counting.Count(ctx)
	return t.tx.QueryContext(ctx, query, args...)
}

// PrepareContext prepares a statement of the transaction, a COPY's: the statement counts
// once, whatever the rows it is then given.
func (t *SQLTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	counting.Count(ctx)
	return t.tx.PrepareContext(ctx, query)
}

// WithSQLTx returns a context in which the transaction begun last keeps its database/sql
// handle for PostgresTx: bulk writes (PostgreSQL's COPY) need a prepared statement of the
// transaction, which ent does not offer. Make one such context per mutation: a mutation
// run again after a deadlock begins its transaction anew in it.
func WithSQLTx(ctx context.Context) context.Context {
	return context.WithValue(ctx, rawTxKey{}, &rawTx{})
}

// PostgresTx returns the database/sql transaction begun in ctx (see WithSQLTx) when it is
// one of PostgreSQL, else nil.
func PostgresTx(ctx context.Context) *SQLTx {
	if h, ok := ctx.Value(rawTxKey{}).(*rawTx); ok {
		return h.tx
	}
	return nil
}

// remember keeps tx's database/sql handle in ctx's holder, when there is one and tx is
// PostgreSQL's (name).
func remember(ctx context.Context, name string, tx dialect.Tx) {
	h, ok := ctx.Value(rawTxKey{}).(*rawTx)
	if !ok || name != dialect.Postgres {
		return
	}
	if et, ok := tx.(*entsql.Tx); ok {
		if st, ok := et.Tx.(*sql.Tx); ok {
			h.tx = &SQLTx{tx: st}
		}
	}
}
