package sqlitefunc_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/partnerhub/partnerhub-api/ent/storage/sqlitefunc"
)

// TestUnicodeLower: LOWER folds every letter, as PostgreSQL's does, and keeps NULL.
func TestUnicodeLower(t *testing.T) {
	if err := sqlitefunc.RegisterUnicodeLower(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:lower?mode=memory")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var folded string
	var null sql.NullString
	if err := db.QueryRow("SELECT LOWER('ÉMILE Ångström'), LOWER(NULL)").Scan(&folded, &null); err != nil {
		t.Fatal(err)
	}
	if folded != "émile ångström" || null.Valid {
		t.Errorf("LOWER gave %q and %v, want %q and NULL", folded, null, "émile ångström")
	}
}
