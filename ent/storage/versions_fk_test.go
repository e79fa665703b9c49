package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	atlas "ariga.io/atlas/sql/migrate"

	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
)

// TestMigrateKeepsForeignKeys: a file that leaves a row referring to no row fails and
// leaves nothing behind, and after migrating the database enforces foreign keys again
// (SQLite migrates with them off, on a connection that goes back to the pool).
func TestMigrateKeepsForeignKeys(t *testing.T) {
	db := storagetest.MustOpenEmpty(t)
	db.SQL.SetMaxOpenConns(1) // the migration's connection is the one used afterwards
	ctx := context.Background()
	files := embeddedFiles(t, db)
	if _, err := db.MigrateSchemaFrom(ctx, files); err != nil {
		t.Fatal(err)
	}
	orphan := `INSERT INTO customers (created_at, name, org_id, region, country, partner_id) VALUES ('2026-01-01 00:00:00', 'Orphan', 'orphan', 'EU', 'DE', 999)`
	if _, err := db.SQL.ExecContext(ctx, orphan); err == nil {
		t.Error("after migrating, a customer of a missing partner was stored: foreign keys are off")
	}
	bad := atlas.NewLocalFile("29991231000000_orphan.sql", []byte(`CREATE TABLE "notes" ("id" integer NOT NULL, PRIMARY KEY ("id"));
`+orphan+";\n"))
	_, err := db.MigrateSchemaFrom(ctx, slices.Concat(files, []atlas.File{bad}))
	if err == nil || !strings.Contains(err.Error(), "customers") {
		t.Errorf("err = %v, want the migration refused for the customer of a missing partner", err)
	}
	if got := revisions(t, db); !slices.Equal(got, versions(files)) {
		t.Errorf("revisions %v after the failed file, want %v", got, versions(files))
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM customers").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d customers after the failed file (%v), want none", n, err)
	}
	if _, err := db.SQL.ExecContext(ctx, "SELECT count(*) FROM notes"); err == nil {
		t.Error("the failed file's table stayed")
	}
	if _, err := db.SQL.ExecContext(ctx, orphan); err == nil {
		t.Error("after a failed migration, a customer of a missing partner was stored: foreign keys are off")
	}
}
