package storage

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

type rawTxKey struct{}

// rawTx holds the database/sql transaction begun in a context made by WithSQLTx.
type rawTx struct{ tx *sql.Tx }

// WithSQLTx returns a context in which the transaction begun last keeps its database/sql
// handle for PostgresTx: bulk writes (PostgreSQL's COPY) need a prepared statement of the
// transaction, which ent does not offer. Make one such context per mutation: a mutation
// run again after a deadlock begins its transaction anew in it.
func WithSQLTx(ctx context.Context) context.Context {
	return context.WithValue(ctx, rawTxKey{}, &rawTx{})
}

// PostgresTx returns the database/sql transaction begun in ctx (see WithSQLTx) when it is
// one of PostgreSQL, else nil.
func PostgresTx(ctx context.Context) *sql.Tx {
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
			h.tx = st
		}
	}
}
