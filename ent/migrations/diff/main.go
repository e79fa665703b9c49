// Command diff adds a migration file to each dialect's directory after a change to the
// ent schema:
//
//	go run ./ent/migrations/diff add_customer_notes
//
// It replays the existing files on an in-memory SQLite database and on a throw-away
// database on the PostgreSQL server at PARTNERHUB_DEV_DATABASE_URL (default: the local
// one), dropped afterwards, and writes what ent's schema adds to them, with atlas.sum.
//
//	go run ./ent/migrations/diff -baseline
//
// replaces every file with one baseline of today's ent schema: only for files that no
// release has applied yet.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent/migrations"
)

const defaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var validName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func main() {
	baseline := flag.Bool("baseline", false, "replace every file with one baseline of the ent schema (files no release has applied only)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./ent/migrations/diff <name>   (name: lower-case letters, digits and _, e.g. add_customer_notes)\n       go run ./ent/migrations/diff -baseline")
		flag.PrintDefaults()
	}
	flag.Parse()
	name := "baseline"
	if !*baseline {
		name = flag.Arg(0)
	}
	if (*baseline && flag.NArg() != 0) || (!*baseline && (flag.NArg() != 1 || !validName.MatchString(name))) {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(context.Background(), name, *baseline); err != nil {
		fmt.Fprintln(os.Stderr, "diff:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, name string, baseline bool) error {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return errors.New("cannot locate the migrations directory")
	}
	root := filepath.Dir(filepath.Dir(self))
	version := atlas.NewVersion()
	server := os.Getenv("PARTNERHUB_DEV_DATABASE_URL")
	if server == "" {
		server = defaultServer
	}
	for _, d := range []struct {
		dialect, dir string
		open         func(context.Context, func(*sql.DB) error) error
	}{
		{dialect.SQLite, "sqlite", withSQLite},
		{dialect.Postgres, "postgres", func(ctx context.Context, f func(*sql.DB) error) error { return withPostgres(ctx, server, f) }},
	} {
		if baseline {
			if err := removeFiles(filepath.Join(root, d.dir)); err != nil {
				return err
			}
		}
		dir, err := atlas.NewLocalDir(filepath.Join(root, d.dir))
		if err != nil {
			return err
		}
		err = d.open(ctx, func(db *sql.DB) error {
			changed, err := migrations.Plan(ctx, entsql.OpenDB(d.dialect, db), dir, version, name)
			switch {
			case err != nil:
				return err
			case changed:
				fmt.Printf("%s: wrote %s_%s.sql\n", d.dir, version, name)
			default:
				fmt.Printf("%s: the files already build the ent schema, nothing written\n", d.dir)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", d.dialect, err)
		}
	}
	return nil
}

// removeFiles removes a directory's migration files and atlas.sum.
func removeFiles(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	for _, f := range append(files, filepath.Join(dir, atlas.HashFileName)) {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// withSQLite calls f with an empty in-memory SQLite database.
func withSQLite(_ context.Context, f func(*sql.DB) error) error {
	db, err := migrations.OpenScratchSQLite()
	if err != nil {
		return err
	}
	defer db.Close()
	return f(db)
}

// withPostgres calls f with a new empty database on the server at serverURL, then drops it.
func withPostgres(ctx context.Context, serverURL string, f func(*sql.DB) error) (err error) {
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "partnerhub_dev_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create a dev database on %s (set PARTNERHUB_DEV_DATABASE_URL): %w", serverURL, err)
	}
	defer func() {
		if _, derr := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); derr != nil {
			err = errors.Join(err, derr)
		}
	}()
	u, err := url.Parse(serverURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return err
	}
	defer db.Close()
	return f(db)
}
