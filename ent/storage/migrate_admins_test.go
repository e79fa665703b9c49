package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestMigrateFreesRemovedAdminsEmails migrates a database that still has the unique index
// of every admin's email, as databases created before admins could be removed do: the
// migration replaces it with the index of current admins' emails, so a removed admin's
// email can be taken again.
func TestMigrateFreesRemovedAdminsEmails(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := viewer.SystemContext(context.Background())
	for _, stmt := range []string{
		`DROP INDEX admin_current_email`,
		`CREATE UNIQUE INDEX admin_partner_id_email ON admins (partner_id, email)`,
	} {
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p := db.Client.Partner.Create().SetName("Migrated").SetOrgID("migrated-org").SaveX(ctx)
	create := func() error {
		return db.Client.Admin.Create().SetPartnerID(p.ID).SetEmail("again@migrated.example").SetDisplayName("Again").SetRole(enum.RoleAdmin).Exec(ctx)
	}
	if err := create(); err != nil {
		t.Fatal(err)
	}
	db.Client.Admin.Update().SetRemovedAt(time.Now()).ExecX(ctx)
	if err := create(); err != nil {
		t.Errorf("after migration a removed admin's email is still taken: %v", err)
	}
	if err := create(); err == nil {
		t.Error("two current admins share an email")
	}
}
