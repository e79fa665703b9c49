package storage

import (
	"database/sql"

	"context"
	entsql "entgo.io/ent/dialect/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

type counterKey struct{}

// WithCounter returns a context whose SQL statements are counted in the returned counter.
func WithCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, n), n
}

// Statements is the process-wide count of SQL statements, for metrics.
var Statements atomic.Int64

func count(ctx context.Context) {
	Statements.Add(1)
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// Counting wraps drv so that every statement is counted in the context's counter.
func Counting(drv dialect.Driver) dialect.Driver { return &countingDriver{drv} }

type countingDriver struct{ dialect.Driver }

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{tx}, nil
}

type countingTx struct{ dialect.Tx }

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	count(ctx)
	return t.Tx.Query(ctx, query, args, v)
}

// BeginTx starts a transaction with options, as ent.Client.BeginTx needs.
func (d *countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &countingTx{tx}, nil
}

// ExecContext runs a raw statement through the underlying *sql.DB.
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	count(ctx)
	return d.Driver.(*entsql.Driver).ExecContext(ctx, query, args...)
}

// QueryContext runs a raw query through the underlying *sql.DB.
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	count(ctx)
	return d.Driver.(*entsql.Driver).QueryContext(ctx, query, args...)
}

// ExecContext runs a raw statement in the transaction (savepoints).
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	count(ctx)
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("transaction %T cannot run raw statements", t.Tx)
	}
	return ex.ExecContext(ctx, query, args...)
}
