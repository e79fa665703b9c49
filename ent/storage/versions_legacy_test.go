package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
)

// TestMigrateRefusesOlderSchema: a database from a release older than the last one
// before versioned migrations (here: still with the unique index of every admin's email,
// from before admins could be removed) is not recorded as the baseline; the error says
// what it lacks and which release to run first, and nothing is recorded.
func TestMigrateRefusesOlderSchema(t *testing.T) {
	db := storagetest.MustOpenEmpty(t)
	ctx := context.Background()
	files := embeddedFiles(t, db)
	if _, err := db.MigrateSchemaFrom(ctx, files[:1]); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`DROP TABLE schema_revisions`,
		`DROP INDEX admin_current_email`,
		`CREATE UNIQUE INDEX admin_partner_id_email ON admins (partner_id, email)`,
	} {
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, run := range []struct {
		name string
		f    func() error
	}{
		{"DryRun", func() error { _, err := db.PlanSchema(ctx); return err }},
		{"Migrate", func() error { _, err := db.MigrateSchema(ctx); return err }},
	} {
		err := run.f()
		if err == nil || !strings.Contains(err.Error(), "admin_current_email") || !strings.Contains(err.Error(), "server migrate") {
			t.Errorf("%s: err = %v, want the missing index named and the release to run first", run.name, err)
		}
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM schema_revisions").Scan(&n); err == nil && n != 0 {
		t.Errorf("%d revisions recorded on a database that is not at the baseline", n)
	}
}
