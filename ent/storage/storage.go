// Package storage opens the database behind the ent client: an embedded SQLite file by
// default, PostgreSQL through lib/pq when a URL is given. It brings the schema to the
// version of the migration files (package migrations) under a lock, then runs the data
// migrations (statement counting, kept prepared statements and the SQLite functions are
// its sub-packages counting, prepared and sqlitefunc).
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq" // PostgreSQL driver

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	_ "github.com/partnerhub/partnerhub-api/ent/runtime" // privacy policies and hooks
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/storage/sqlitefunc"
)

// SQLiteFile is the database file's name inside the data directory.
const SQLiteFile = "partnerhub.db"

// DB is an open database: the ent client, the raw handle for bulk work, and its dialect.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// Embedded reports whether this is the embedded SQLite default.
	Embedded bool
}

// Close closes the database.
func (db *DB) Close() error { return db.Client.Close() }

// Open opens the database at databaseURL, or the embedded SQLite file in dataDir when
// databaseURL is empty, and checks that it answers.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	if databaseURL == "" {
		return OpenSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
	}
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, errors.New("DATABASE_URL must be a postgres://user@host:port/database URL")
	}
	return openPostgres(ctx, withSessionDefaults(u).String())
}

// withSessionDefaults sets what the URL leaves unset of the server's sessions. JIT
// compilation is off: the planner switched it on for the KPI statement at 100 000
// customers, where compiling cost more than it saved (p50 650 ms with it, 500 ms
// without); lib/pq passes unknown URL parameters on as run-time parameters. Parameters
// go in binary (lib/pq's binary_parameters): a statement with arguments is then one round
// trip and one transaction of the database, not a Parse that learns the parameters'
// types and an Execute, each its own transaction (counting readies ent's JSON for it).
func withSessionDefaults(u *url.URL) *url.URL {
	q := u.Query()
	if !q.Has("jit") {
		q.Set("jit", "off")
	}
	if !q.Has("binary_parameters") {
		q.Set("binary_parameters", "yes")
	}
	out := *u
	out.RawQuery = q.Encode()
	return &out
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	sqldb, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqldb.SetMaxOpenConns(32)
	sqldb.SetMaxIdleConns(32)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to postgres at %s: %w", redact(databaseURL), err)
	}
	return wrap(sqldb, dialect.Postgres, false), nil
}

// OpenSQLite opens (creating if needed) the SQLite database file at path with foreign
// keys on, WAL journaling and a busy timeout.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := checkWritable(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if err := sqlitefunc.RegisterUnicodeLower(); err != nil {
		return nil, fmt.Errorf("register sqlite functions: %w", err)
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	sqldb.SetMaxOpenConns(8)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open sqlite file %s: %w", path, err)
	}
	return wrap(sqldb, dialect.SQLite, true), nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func wrap(sqldb *sql.DB, name string, embedded bool) *DB {
	drv := counting.Driver(entsql.OpenDB(name, sqldb), func(ctx context.Context, tx dialect.Tx) { remember(ctx, name, tx) })
	client := ent.NewClient(ent.Driver(drv))
	client.License.Use(facts.Hook(name))
	client.Subscription.Use(facts.Hook(name))
	client.LicenseSnapshot.Use(facts.SnapshotHook(name))
	client.Customer.Use(facts.CustomerHook())
	client.CallQueue.Use(facts.QueueHook(name))
	client.Use(change.Hook())
	return &DB{Client: client, SQL: sqldb, Dialect: name, Embedded: embedded}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// redact hides the password of a database URL for logs and errors.
func redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "(unparsable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return strings.TrimSpace(u.String())
}
