package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/partner"
)

// revisionsTable records the migration files a database has applied, one row each.
const revisionsTable = "schema_revisions"

// legacyTable is a table every release has created: when it exists without a record of
// revisions, an earlier release's automatic migration created the schema.
const legacyTable = partner.Table

// migrationLockKey is the PostgreSQL advisory lock held while migrating, the same for
// every instance of the server.
const migrationLockKey int64 = 0x7068_7562_6d69_67 // "phubmig"

// querier runs statements: the database, a connection or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// locked is a connection holding the migration lock.
type locked struct {
	querier
	// step runs one file's work atomically: in its own transaction on PostgreSQL, in the
	// transaction that is the lock on SQLite.
	step func(ctx context.Context, f func(querier) error) error
}

// withMigrationLock runs f while no other process migrates this database. PostgreSQL:
// a session advisory lock on one connection, each step a transaction. SQLite: one
// immediate (writing) transaction, which other writers wait for (see withSQLiteLock).
func (db *DB) withMigrationLock(ctx context.Context, f func(*locked) error) (err error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if db.Dialect == dialect.SQLite {
		return withSQLiteLock(ctx, conn, f)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must be released even when ctx ended.
		if _, uerr := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockKey); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	return f(&locked{querier: conn, step: func(ctx context.Context, f func(querier) error) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := f(tx); err != nil {
			return errors.Join(err, tx.Rollback())
		}
		return tx.Commit()
	}})
}

// withSQLiteLock runs f in one immediate transaction on conn, with foreign keys off as
// SQLite's procedure for rebuilding a table requires (a file that changes a column
// rebuilds its table); the pragma is ignored inside a transaction, so it is set before,
// and the keys are checked before committing instead.
func withSQLiteLock(ctx context.Context, conn *sql.Conn, f func(*locked) error) (err error) {
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		// The connection goes back to the pool: its foreign keys must be on again.
		if _, ferr := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); ferr != nil {
			err = errors.Join(err, fmt.Errorf("turn foreign keys back on: %w", ferr))
		}
	}()
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see OpenSQLite's _txlock
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	l := &locked{querier: tx, step: func(_ context.Context, f func(querier) error) error { return f(tx) }}
	if err := f(l); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := checkForeignKeys(ctx, tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// checkForeignKeys fails when a row of SQLite's database refers to a missing row.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("check foreign keys: %w", err)
		}
		return fmt.Errorf("the migration leaves rows of %s referring to missing rows of %s (row %d first)", table, parent, rowid.Int64)
	}
	return rows.Err()
}

// createRevisions creates the revisions table if it does not exist.
func (l *locked) createRevisions(ctx context.Context) error {
	_, err := l.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+revisionsTable+` (
	version varchar(64) NOT NULL PRIMARY KEY,
	description varchar(255) NOT NULL,
	kind varchar(16) NOT NULL,
	hash varchar(64) NOT NULL,
	executed_at timestamp with time zone NOT NULL,
	execution_ms bigint NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create %s: %w", revisionsTable, err)
	}
	return nil
}

// recorded returns the recorded versions and their files' hashes; none when the table
// does not exist yet.
func (db *DB) recorded(ctx context.Context, q querier) (map[string]string, error) {
	exists, err := db.tableExists(ctx, q, revisionsTable)
	if err != nil || !exists {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT version, hash FROM "+revisionsTable)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", revisionsTable, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var version, hash string
		if err := rows.Scan(&version, &hash); err != nil {
			return nil, err
		}
		out[version] = hash
	}
	return out, rows.Err()
}

// record notes that file f was applied, or recorded as the baseline.
func (db *DB) record(ctx context.Context, q querier, f atlas.File, kind string, took time.Duration) error {
	query, args := entsql.Dialect(db.Dialect).Insert(revisionsTable).
		Columns("version", "description", "kind", "hash", "executed_at", "execution_ms").
		Values(f.Version(), f.Desc(), kind, fileHash(f), time.Now().UTC(), took.Milliseconds()).Query()
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("record migration %s: %w", f.Name(), err)
	}
	return nil
}

// tableExists reports whether the database has the table (in the current schema).
func (db *DB) tableExists(ctx context.Context, q querier, table string) (bool, error) {
	query := "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
	if db.Dialect == dialect.SQLite {
		query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	}
	rows, err := q.QueryContext(ctx, query, table)
	if err != nil {
		return false, fmt.Errorf("look for table %s: %w", table, err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return false, err
		}
	}
	return n > 0, rows.Err()
}
