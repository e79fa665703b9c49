// Package counting wraps the ent driver: it counts the SQL statements sent, per context and
// process-wide, runs the queries that ask for it as kept prepared statements (package
// prepared), readies arguments for the database, remembers the column types of rows and,
// on SQLite, lets one transaction run at a time (see writerGate).
package counting

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
)

type counterKey struct{}

// WithCounter returns a context whose SQL statements are counted in the returned counter.
func WithCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, n), n
}

// Statements is the process-wide count of SQL statements, for metrics.
var Statements atomic.Int64

// Count counts a statement sent around the driver (on a transaction's database/sql
// handle) as one of ctx's.
func Count(ctx context.Context) { count(ctx) }

func count(ctx context.Context) {
	Statements.Add(1)
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// Driver wraps drv so that every statement is counted in the context's counter, and its
// arguments readied for the dialect first (readier). began, when not nil, is told of
// every transaction begun, with the context it was begun in.
func Driver(drv dialect.Driver, began func(context.Context, dialect.Tx)) dialect.Driver {
	if began == nil {
		began = func(context.Context, dialect.Tx) {}
	}
	d := &countingDriver{Driver: drv, ready: readier(drv.Dialect()), began: began}
	if drv.Dialect() == dialect.SQLite {
		d.gate = newWriterGate()
	}
	if sd, ok := drv.(*entsql.Driver); ok && drv.Dialect() == dialect.Postgres {
		d.stmts = prepared.NewStatements(sd.DB())
	}
	return d
}

type countingDriver struct {
	dialect.Driver
	ready func([]any) []any
	began func(context.Context, dialect.Tx)
	stmts *prepared.Statements // PostgreSQL only
	gate  *writerGate          // SQLite only
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.Driver.Exec(ctx, query, readyArgs(ctx, d.ready, args), v)
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	args = readyArgs(ctx, d.ready, args)
	if r, ok := v.(*entsql.Rows); ok && d.stmts != nil && prepared.Requested(ctx) {
		rows, err := d.stmts.Query(ctx, query, args.([]any))
		if err != nil {
			return err
		}
		r.ColumnScanner = &typedRows{ColumnScanner: rows}
		return nil
	}
	return typed(d.Driver.Query(ctx, query, args, v), v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.begin(ctx, func() (dialect.Tx, error) { return d.Driver.Tx(ctx) })
}

// begin begins a transaction with start, once the gate, if any, lets it in.
func (d *countingDriver) begin(ctx context.Context, start func() (dialect.Tx, error)) (dialect.Tx, error) {
	leave, err := d.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := start()
	if err != nil {
		leave()
		return nil, err
	}
	d.began(ctx, tx)
	return &countingTx{Tx: tx, ready: d.ready, leave: sync.OnceFunc(leave)}, nil
}

type countingTx struct {
	dialect.Tx
	ready func([]any) []any
	leave func() // lets the gate's next transaction in
}

func (t *countingTx) Commit() error {
	defer t.leave()
	return t.Tx.Commit()
}

func (t *countingTx) Rollback() error {
	defer t.leave()
	return t.Tx.Rollback()
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.Tx.Exec(ctx, query, readyArgs(ctx, t.ready, args), v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	return typed(t.Tx.Query(ctx, query, readyArgs(ctx, t.ready, args), v), v)
}

// QueryContext runs a raw query in the transaction: the facts hook reads, inside the
// writing transaction, the customers of the rows a mutation is about to delete.
func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	args = readyArgs(ctx, t.ready, args).([]any)
	q, ok := t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("transaction %T cannot run raw queries", t.Tx)
	}
	return q.QueryContext(ctx, query, args...)
}

// typed makes the rows of a query that succeeded remember their column types. ent asks
// for them once per row for every column it has no field for (a sort key, a computed
// mask, a joined parent's ID), and database/sql builds the whole list anew each time.
// The schema migration, which needs *sql.Rows, runs on the unwrapped driver (Migrate).
func typed(err error, v any) error {
	if r, ok := v.(*entsql.Rows); ok && err == nil && r.ColumnScanner != nil {
		r.ColumnScanner = &typedRows{ColumnScanner: r.ColumnScanner}
	}
	return err
}

// typedRows are rows whose column types are read once.
type typedRows struct {
	entsql.ColumnScanner
	types []*sql.ColumnType
	err   error
	read  bool
}

func (r *typedRows) ColumnTypes() ([]*sql.ColumnType, error) {
	if !r.read {
		r.types, r.err = r.ColumnScanner.ColumnTypes()
		r.read = true
	}
	return r.types, r.err
}

// BeginTx starts a transaction with options, as ent.Client.BeginTx needs.
func (d *countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	return d.begin(ctx, func() (dialect.Tx, error) { return b.BeginTx(ctx, opts) })
}

// ExecContext runs a raw statement through the underlying *sql.DB.
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.Driver.(*entsql.Driver).ExecContext(ctx, query, readyArgs(ctx, d.ready, args).([]any)...)
}

// QueryContext runs a raw query through the underlying *sql.DB.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.Driver.(*entsql.Driver).QueryContext(ctx, query, readyArgs(ctx, d.ready, args).([]any)...)
}

// ExecContext runs a raw statement in the transaction (savepoints).
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	args = readyArgs(ctx, t.ready, args).([]any)
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("transaction %T cannot run raw statements", t.Tx)
	}
	return ex.ExecContext(ctx, query, args...)
}
