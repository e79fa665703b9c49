package storage

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	atlas "ariga.io/atlas/sql/migrate"

	"github.com/partnerhub/partnerhub-api/ent/migrations"
)

// Revision kinds: a file whose statements ran, or the baseline recorded on a database
// that the releases before versioned migrations had already given its schema.
const (
	kindApplied  = "applied"
	kindBaseline = "baseline"
)

// Report says what bringing the schema up to date did, or would do.
type Report struct {
	// Baselined is the baseline file recorded, not run, on a database whose tables an
	// earlier release created; "" otherwise.
	Baselined string
	// Applied are the files run, by name without ".sql", oldest first.
	Applied []string
	// Version is the schema's version afterwards: its newest recorded file's.
	Version string
	// Unknown are recorded versions this binary has no file for: a newer release's.
	Unknown []string
	// Pending holds each file's statements, for a dry run.
	Pending map[string][]string
	// DryRun marks the report of PlanSchema: nothing was done.
	DryRun bool
}

// String says what was done, as `server migrate` prints it.
func (r Report) String() string {
	recorded, applied, at := "recorded", "applied", "schema at version "
	if r.DryRun {
		recorded, applied, at = "would record", "would apply", "taking the schema to version "
	}
	var parts []string
	if r.Baselined != "" {
		parts = append(parts, fmt.Sprintf("%s the existing schema as %s", recorded, r.Baselined))
	}
	switch n := len(r.Applied); {
	case n == 1:
		parts = append(parts, fmt.Sprintf("%s 1 migration (%s)", applied, r.Applied[0]))
	case n > 1:
		parts = append(parts, fmt.Sprintf("%s %d migrations (%s)", applied, n, strings.Join(r.Applied, ", ")))
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		s = fmt.Sprintf("schema at version %s, nothing to apply", r.Version)
	} else {
		s += ", " + at + r.Version
	}
	if len(r.Unknown) > 0 {
		s += fmt.Sprintf("; the database also has %s, which this binary does not know (from a newer release?)", strings.Join(r.Unknown, ", "))
	}
	return s
}

// MigrateSchema applies, under the migration lock, the migration files the database has
// not recorded, each in its own transaction, and records them. A database whose tables
// were created before versioned migrations, with no record, has its baseline recorded
// instead of run.
func (db *DB) MigrateSchema(ctx context.Context) (Report, error) {
	files, err := migrationFiles(db.Dialect)
	if err != nil {
		return Report{}, err
	}
	return db.migrateSchema(ctx, files)
}

// migrateSchema is MigrateSchema with the files given.
func (db *DB) migrateSchema(ctx context.Context, files []atlas.File) (Report, error) {
	var rep Report
	err := db.withMigrationLock(ctx, func(l *locked) error {
		if err := l.createRevisions(ctx); err != nil {
			return err
		}
		var err error
		if rep, err = db.plan(ctx, l, files); err != nil {
			return err
		}
		for _, f := range files {
			name := fileName(f)
			switch {
			case name == rep.Baselined:
				if err := l.step(ctx, func(q querier) error { return db.record(ctx, q, f, kindBaseline, 0) }); err != nil {
					return err
				}
			case slices.Contains(rep.Applied, name):
				if err := l.step(ctx, func(q querier) error { return db.apply(ctx, q, f, rep.Pending[name]) }); err != nil {
					return fmt.Errorf("apply migration %s: %w", name, err)
				}
			}
		}
		return nil
	})
	rep.Pending = nil
	return rep, err
}

// PlanSchema reports what MigrateSchema would do, with each file's statements, and
// changes nothing.
func (db *DB) PlanSchema(ctx context.Context) (Report, error) {
	files, err := migrationFiles(db.Dialect)
	if err != nil {
		return Report{}, err
	}
	rep, err := db.plan(ctx, db.SQL, files)
	rep.DryRun = true
	return rep, err
}

// plan compares the files with the revisions the database records.
func (db *DB) plan(ctx context.Context, q querier, files []atlas.File) (Report, error) {
	recorded, err := db.recorded(ctx, q)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Pending: map[string][]string{}}
	if len(recorded) == 0 && len(files) > 0 {
		legacy, err := db.tableExists(ctx, q, legacyTable)
		if err != nil {
			return Report{}, err
		}
		if legacy {
			if err := db.checkBaseline(ctx, q, files[0]); err != nil {
				return Report{}, err
			}
			rep.Baselined = fileName(files[0])
			rep.Version = files[0].Version()
		}
	}
	known := map[string]bool{}
	for _, f := range files {
		name := fileName(f)
		known[f.Version()] = true
		if hash, ok := recorded[f.Version()]; ok {
			if hash != "" && hash != fileHash(f) {
				return Report{}, fmt.Errorf("migration %s was edited after this database applied it: restore it and add a new file instead", name)
			}
			rep.Version = f.Version()
			continue
		}
		if name == rep.Baselined {
			continue
		}
		stmts, err := f.Stmts()
		if err != nil {
			return Report{}, fmt.Errorf("read migration %s: %w", name, err)
		}
		rep.Applied = append(rep.Applied, name)
		rep.Pending[name] = stmts
		rep.Version = f.Version()
	}
	for v := range recorded {
		if !known[v] {
			rep.Unknown = append(rep.Unknown, v)
		}
	}
	slices.Sort(rep.Unknown)
	return rep, nil
}

// apply runs a file's statements and records it.
func (db *DB) apply(ctx context.Context, q querier, f atlas.File, stmts []string) error {
	start := time.Now()
	for _, stmt := range stmts {
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", firstLine(stmt), err)
		}
	}
	return db.record(ctx, q, f, kindApplied, time.Since(start))
}

// migrationFiles returns the dialect's embedded migration files, oldest first.
func migrationFiles(dialectName string) ([]atlas.File, error) {
	dir, err := migrations.Dir(dialectName)
	if err != nil {
		return nil, err
	}
	return dir.Files()
}

// fileName is a file's name without ".sql": version_description.
func fileName(f atlas.File) string { return strings.TrimSuffix(f.Name(), ".sql") }

// fileHash identifies a file's content, to notice a file edited after it was applied.
func fileHash(f atlas.File) string {
	sum := sha256.Sum256(f.Bytes())
	return base64.StdEncoding.EncodeToString(sum[:])
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
