package migrations

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	_ "modernc.org/sqlite" // SQLite driver
)

// OpenScratchSQLite opens a new, empty in-memory SQLite database, gone once closed.
func OpenScratchSQLite() (*sql.DB, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	db, err := sql.Open("sqlite", "file:scratch-"+hex.EncodeToString(b)+"?mode=memory&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	return db, nil
}

// BaselineDiff returns the statements that would take the tables of the database behind
// current to those the baseline file builds, or "" when they match: whether a database an
// earlier release created may have the baseline recorded as applied. The baseline runs
// on scratch, an empty schema named scratchSchema that the caller throws away. Tables
// the baseline does not have are not compared.
func BaselineDiff(ctx context.Context, dialectName string, current, scratch schema.ExecQuerier, scratchSchema string, baseline atlas.File) (string, error) {
	open := postgres.Open
	if dialectName == dialect.SQLite {
		open = sqlite.Open
	}
	stmts, err := baseline.Stmts()
	if err != nil {
		return "", err
	}
	for _, stmt := range stmts {
		if _, err := scratch.ExecContext(ctx, stmt); err != nil {
			return "", fmt.Errorf("run %s on a scratch schema: %w", baseline.Name(), err)
		}
	}
	built, err := open(scratch)
	if err != nil {
		return "", err
	}
	want, err := built.InspectSchema(ctx, scratchSchema, nil)
	if err != nil {
		return "", fmt.Errorf("inspect the baseline's schema: %w", err)
	}
	drv, err := open(current)
	if err != nil {
		return "", err
	}
	names := make([]string, len(want.Tables))
	for i, t := range want.Tables {
		names[i] = t.Name
	}
	have, err := drv.InspectSchema(ctx, "", &schema.InspectOptions{Tables: names, Mode: schema.InspectTables})
	if err != nil {
		return "", fmt.Errorf("inspect the database's schema: %w", err)
	}
	want.Name, want.Attrs = have.Name, have.Attrs
	changes, err := drv.SchemaDiff(have, want)
	if err != nil {
		return "", err
	}
	var kept []schema.Change
	for _, c := range changes {
		switch c.(type) {
		case *schema.AddTable, *schema.ModifyTable:
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return "", nil
	}
	plan, err := drv.PlanChanges(ctx, "baseline", kept, func(o *atlas.PlanOptions) {
		unqualified := ""
		o.SchemaQualifier = &unqualified
	})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, c := range plan.Changes {
		b.WriteString(c.Cmd + ";\n")
	}
	return b.String(), nil
}
