// Package storagetest gives each test a fresh, migrated database: SQLite in a temporary
// directory, or PostgreSQL when PARTNERHUB_TEST_DATABASE_URL holds a server URL.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// EnvURL names the variable that switches tests to PostgreSQL.
const EnvURL = "PARTNERHUB_TEST_DATABASE_URL"

// Postgres reports whether tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvURL) != "" }

var (
	mu       sync.Mutex
	template string
)

// Main runs a test package and then drops the PostgreSQL template it may have created.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if template != "" {
		if admin, err := sql.Open("postgres", os.Getenv(EnvURL)); err == nil {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + template)
			admin.Close()
		}
	}
	mu.Unlock()
	os.Exit(code)
}

// MustOpen returns a fresh migrated database, closed (and dropped) when tb ends.
func MustOpen(tb testing.TB) *storage.DB {
	tb.Helper()
	url, dir := MustURL(tb)
	db, err := storage.Open(context.Background(), url, dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if !Postgres() {
		if _, err := db.Migrate(viewer.SystemContext(context.Background())); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// MustURL returns a fresh database as the server would be configured for it: a
// PostgreSQL URL of a new migrated database, or "" and a new data directory for SQLite.
func MustURL(tb testing.TB) (databaseURL, dataDir string) {
	tb.Helper()
	return mustURL(tb, true)
}

// MustEmptyURL is MustURL for a database with no tables.
func MustEmptyURL(tb testing.TB) (databaseURL, dataDir string) {
	tb.Helper()
	return mustURL(tb, false)
}

// MustOpenEmpty returns a fresh database with no tables, closed (and dropped) when tb ends.
func MustOpenEmpty(tb testing.TB) *storage.DB {
	tb.Helper()
	url, dir := mustURL(tb, false)
	db, err := storage.Open(context.Background(), url, dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustURL returns a new database, a copy of the migrated template or empty.
func mustURL(tb testing.TB, migrated bool) (databaseURL, dataDir string) {
	tb.Helper()
	dataDir = tb.TempDir()
	if !Postgres() {
		return "", dataDir
	}
	base := os.Getenv(EnvURL)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	create := "CREATE DATABASE %s"
	if migrated {
		tmpl, err := ensureTemplate(admin, base)
		if err != nil {
			tb.Fatal(err)
		}
		create += " TEMPLATE " + tmpl
	}
	name := "partnerhub_test_" + randomSuffix()
	mu.Lock()
	_, err = admin.Exec(fmt.Sprintf(create, name))
	mu.Unlock()
	if err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return withDatabase(base, name), dataDir
}

// ensureTemplate creates, once per process, a migrated database that test databases copy.
func ensureTemplate(admin *sql.DB, base string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if template != "" {
		return template, nil
	}
	name := "partnerhub_tmpl_" + randomSuffix()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	db, err := storage.Open(context.Background(), withDatabase(base, name), "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Migrate(viewer.SystemContext(context.Background())); err != nil {
		return "", err
	}
	template = name
	return name, nil
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(fmt.Sprintf("%s is not a URL: %v", EnvURL, err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SQLitePath returns where the SQLite database of dataDir lives.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, storage.SQLiteFile) }
