package storage_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
)

// TestPostgresTxIsTheLastBegun: in a context of WithSQLTx, PostgresTx gives the handle of
// the transaction begun last, so that a mutation run again after a deadlock writes through
// its new transaction, not the one rolled back; on SQLite there is none.
func TestPostgresTxIsTheLastBegun(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := storage.WithSQLTx(context.Background())
	first, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	aborted := storage.PostgresTx(ctx)
	if err := first.Rollback(); err != nil {
		t.Fatal(err)
	}
	again, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Rollback()
	current := storage.PostgresTx(ctx)
	if db.Dialect != dialect.Postgres {
		if aborted != nil || current != nil {
			t.Errorf("SQLite gave database/sql transactions %v and %v, want none", aborted, current)
		}
		return
	}
	if current == nil || current == aborted {
		t.Fatalf("after a second transaction began, PostgresTx gives %p (the first was %p)", current, aborted)
	}
	if _, err := current.ExecContext(ctx, "SELECT 1"); err != nil {
		t.Errorf("the second transaction's handle: %v", err)
	}
}
