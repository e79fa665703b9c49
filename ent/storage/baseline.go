package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent/migrations"
)

// checkBaseline refuses to record the baseline as applied on a database whose tables
// differ from the baseline's: one created by a release older than the last one before
// versioned migrations, which that release's automatic migration would have updated.
func (db *DB) checkBaseline(ctx context.Context, q querier, baseline atlas.File) error {
	var diff string
	err := db.withScratch(ctx, func(scratch querier, name string) (err error) {
		diff, err = migrations.BaselineDiff(ctx, db.Dialect, q, scratch, name, baseline)
		return err
	})
	switch {
	case errors.Is(err, errNoScratch):
		// Without a place to build the baseline the tables cannot be compared: they are
		// taken to be the last release's, as Atlas's own baselining does.
		return nil
	case err != nil:
		return fmt.Errorf("compare the existing tables with %s: %w", baseline.Name(), err)
	}
	if diff != "" {
		return fmt.Errorf("the existing tables differ from those of %s, the schema of the last release before versioned migrations: run that release's `server migrate` first. They lack:\n%s", baseline.Name(), strings.TrimSpace(diff))
	}
	return nil
}

// errNoScratch is withScratch's answer when the database user may not create a schema.
var errNoScratch = errors.New("no privilege to create a scratch schema")

// withScratch calls f with an empty schema that is gone afterwards: an in-memory SQLite
// database, or a PostgreSQL schema created in a transaction that is rolled back.
func (db *DB) withScratch(ctx context.Context, f func(q querier, schemaName string) error) error {
	if db.Dialect == dialect.SQLite {
		scratch, err := migrations.OpenScratchSQLite()
		if err != nil {
			return err
		}
		defer scratch.Close()
		return f(scratch, "main")
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Atlas does not inspect temporary tables: a schema of the transaction's own instead,
	// which needs the CREATE privilege on the database (its owner's).
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "partnerhub_scratch_" + hex.EncodeToString(b)
	if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "42501" { // insufficient_privilege
			return errNoScratch
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL search_path TO "+name); err != nil {
		return err
	}
	return f(tx, name)
}
