package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent/migrations"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
)

// TestMigrateCommand runs `server migrate` as an operator would on a new database: the
// dry run prints the SQL and creates nothing, the first run says which files it applied,
// the second that there is nothing to apply.
func TestMigrateCommand(t *testing.T) {
	url, dir := storagetest.MustEmptyURL(t)
	vars := map[string]string{"DATABASE_URL": url, "PARTNERHUB_DATA_DIR": dir}
	migrate := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append([]string{"migrate"}, args...), func(k string) string { return vars[k] }, &out, &errOut); err != nil {
			t.Fatalf("migrate %v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	name := dialect.SQLite
	if storagetest.Postgres() {
		name = dialect.Postgres
	}
	mdir, err := migrations.Dir(name)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := mdir.Files()
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f.Name(), ".sql"))
	}
	latest := files[len(files)-1].Version()
	applied := storage.Report{Applied: names, Version: latest}

	out := migrate("--dry-run")
	if !strings.Contains(out, "-- "+files[0].Name()+"\nCREATE TABLE ") {
		t.Errorf("dry run does not print the baseline's SQL:\n%.400s", out)
	}
	if want := "-- dry run: " + (storage.Report{Applied: names, Version: latest, DryRun: true}).String(); !strings.Contains(out, want) {
		t.Errorf("dry run ends %q, want %q", out[max(0, len(out)-200):], want)
	}
	if out := migrate("--dry-run"); !strings.Contains(out, "would apply") {
		t.Errorf("a second dry run finds nothing to apply: the first changed the database\n%.400s", out)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("the dry runs left %d files in the data directory (%v)", len(entries), err)
	}
	if got, want := migrate(), applied.String()+"\n"; got != want {
		t.Errorf("first migrate says %q, want %q", got, want)
	}
	if got, want := migrate(), "schema at version "+latest+", nothing to apply\n"; got != want {
		t.Errorf("second migrate says %q, want %q", got, want)
	}
}
