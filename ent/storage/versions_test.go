package storage_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/migrations"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// embeddedFiles returns the migration files the binary carries for db's dialect.
func embeddedFiles(t *testing.T, db *storage.DB) []atlas.File {
	t.Helper()
	dir, err := migrations.Dir(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %d files", err, len(files))
	}
	return files
}

// assertNoDrift fails when the database's tables differ from the ent schema's.
func assertNoDrift(t *testing.T, db *storage.DB) {
	t.Helper()
	drift, err := migrations.Drift(context.Background(), entsql.OpenDB(db.Dialect, db.SQL))
	if err != nil {
		t.Fatal(err)
	}
	if drift != "" {
		t.Errorf("the migrated database differs from the ent schema; add a migration (go run ./ent/migrations/diff <name>). It lacks:\n%s", drift)
	}
}

// TestMigrationsBuildEntSchema applies every file to an empty database: the result is
// exactly the ent schema, so a schema change without its migration file fails here.
func TestMigrationsBuildEntSchema(t *testing.T) {
	db := storagetest.MustOpenEmpty(t)
	ctx := viewer.SystemContext(context.Background())
	files := embeddedFiles(t, db)
	latest := files[len(files)-1].Version()
	rep, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Applied) != len(files) || rep.Baselined != "" || rep.Version != latest {
		t.Fatalf("first migration: %+v, want all %d files applied up to %s", rep, len(files), latest)
	}
	if want := "applied "; !strings.HasPrefix(rep.String(), want) || !strings.HasSuffix(rep.String(), "schema at version "+latest) {
		t.Errorf("report %q, want it to say what it applied and the version", rep)
	}
	assertNoDrift(t, db)
	rep, err = db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := "schema at version " + latest + ", nothing to apply"; rep.String() != want {
		t.Errorf("second migration says %q, want %q", rep, want)
	}
}

// TestMigrateDryRunChangesNothing: the plan of an empty database lists every file's
// statements and leaves it empty.
func TestMigrateDryRunChangesNothing(t *testing.T) {
	db := storagetest.MustOpenEmpty(t)
	ctx := context.Background()
	rep, err := db.PlanSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files := embeddedFiles(t, db)
	if len(rep.Applied) != len(files) || !strings.HasPrefix(rep.String(), "would apply ") {
		t.Fatalf("plan %q, want every file", rep)
	}
	if stmts := rep.Pending[rep.Applied[0]]; len(stmts) == 0 || !strings.HasPrefix(stmts[0], "CREATE TABLE") {
		t.Errorf("baseline statements %q, want CREATE TABLE first", stmts)
	}
	if again, err := db.PlanSchema(ctx); err != nil || len(again.Applied) != len(files) {
		t.Errorf("after a dry run: %v, %q: something was applied", err, again)
	}
	if n := countTables(t, db); n != 0 {
		t.Errorf("a dry run left %d tables", n)
	}
}

// countTables counts the database's tables.
func countTables(t *testing.T, db *storage.DB) int {
	t.Helper()
	query := "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
	if !storagetest.Postgres() {
		query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	}
	var n int
	if err := db.SQL.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// addNotes is a later migration file: a column added to a table with rows.
var addNotes = atlas.NewLocalFile("29991231000000_add_notes.sql", []byte(`-- Modify "customers" table
ALTER TABLE "customers" ADD COLUMN "notes" character varying NULL;
`))

// rebuildPartners is a later file that changes a column of a table other tables refer
// to, as the diff command writes it: on SQLite it rebuilds the table.
func rebuildPartners() atlas.File {
	sql := `-- Modify "partners" table
ALTER TABLE "partners" ALTER COLUMN "name" DROP NOT NULL;
`
	if !storagetest.Postgres() {
		sql = "-- Disable the enforcement of foreign-keys constraints\nPRAGMA foreign_keys = off;\n" +
			"CREATE TABLE `new_partners` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `name` text NULL, `org_id` text NOT NULL, `settings` json NOT NULL);\n" +
			"INSERT INTO `new_partners` (`id`, `created_at`, `name`, `org_id`, `settings`) SELECT `id`, `created_at`, `name`, `org_id`, `settings` FROM `partners`;\n" +
			"DROP TABLE `partners`;\n" +
			"ALTER TABLE `new_partners` RENAME TO `partners`;\n" +
			"CREATE UNIQUE INDEX `partners_org_id_key` ON `partners` (`org_id`);\n" +
			"-- Enable back the enforcement of foreign-keys constraints\nPRAGMA foreign_keys = on;\n"
	}
	return atlas.NewLocalFile("29991231000001_partner_name_optional.sql", []byte(sql))
}

// seedCustomer stores a partner and a customer as a user of the earlier release would:
// with the baseline's columns only, whatever columns later files add.
func seedCustomer(t *testing.T, db *storage.DB) int {
	t.Helper()
	now := time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
	var partner, id int
	insert := func(query string, out *int, args ...any) {
		if db.Dialect == "postgres" {
			n := 0
			query = regexp.MustCompile(`\?`).ReplaceAllStringFunc(query, func(string) string { n++; return "$" + strconv.Itoa(n) })
		}
		if err := db.SQL.QueryRow(query+" RETURNING id", args...).Scan(out); err != nil {
			t.Fatal(err)
		}
	}
	insert("INSERT INTO partners (created_at, name, org_id, settings) VALUES (?, ?, ?, ?)", &partner, now, "Earlier", "earlier", "{}")
	insert("INSERT INTO customers (created_at, name, org_id, region, country, partner_id) VALUES (?, ?, ?, ?, ?, ?)", &id,
		now, "Kept", "kept", string(enum.RegionEU), "DE", partner)
	return id
}

// TestMigrateEarlierDatabase migrates a database at the baseline, with rows, using every
// later file and two more (a column added, a column changed in a table others refer to): a database the files created, and one the earlier releases'
// automatic migration created, with the baseline's tables and no revisions recorded,
// which is recognised and baselined. The rows survive and each file is recorded once.
func TestMigrateEarlierDatabase(t *testing.T) {
	for _, tt := range []struct {
		name      string
		automatic bool
	}{{"CreatedByBaselineFile", false}, {"CreatedByAutomaticMigration", true}} {
		t.Run(tt.name, func(t *testing.T) {
			db := storagetest.MustOpenEmpty(t)
			ctx := viewer.SystemContext(context.Background())
			files := embeddedFiles(t, db)
			if _, err := db.MigrateSchemaFrom(ctx, files[:1]); err != nil {
				t.Fatal(err)
			}
			if tt.automatic {
				if _, err := db.SQL.Exec("DROP TABLE schema_revisions"); err != nil {
					t.Fatal(err)
				}
			}
			id := seedCustomer(t, db)
			extra := []atlas.File{addNotes, rebuildPartners()}
			later := slices.Concat(files[1:], extra)
			rep, err := db.MigrateSchemaFrom(ctx, slices.Concat(files, extra))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range later {
				names = append(names, strings.TrimSuffix(f.Name(), ".sql"))
			}
			want := storage.Report{Applied: names, Version: extra[1].Version()}
			if tt.automatic {
				want.Baselined = strings.TrimSuffix(files[0].Name(), ".sql")
			}
			if rep.String() != want.String() {
				t.Errorf("report %q, want %q", rep, want)
			}
			var name string
			var notes *string
			if err := db.SQL.QueryRow("SELECT name, notes FROM customers WHERE id = "+strconv.Itoa(id)).Scan(&name, &notes); err != nil || name != "Kept" || notes != nil {
				t.Errorf("customer after migrating: %q, notes %v, %v; want it kept with no notes", name, notes, err)
			}
			if got := revisions(t, db); !slices.Equal(got, versions(slices.Concat(files, extra))) {
				t.Errorf("revisions recorded %v, want each file once", got)
			}
		})
	}
}

// TestMigrateConcurrently runs two migrators at once on an empty database: each file is
// applied exactly once, and both end at the latest version.
func TestMigrateConcurrently(t *testing.T) {
	url, dir := storagetest.MustEmptyURL(t)
	ctx := viewer.SystemContext(context.Background())
	var (
		wg      sync.WaitGroup
		reports [2]storage.Report
		errs    [2]error
		dbs     [2]*storage.DB
	)
	for i := range dbs {
		db, err := storage.Open(ctx, url, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	start := make(chan struct{})
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			reports[i], errs[i] = db.MigrateSchema(ctx)
		}()
	}
	close(start)
	wg.Wait()
	files := embeddedFiles(t, dbs[0])
	applied := 0
	for i := range dbs {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		if reports[i].Version != files[len(files)-1].Version() {
			t.Errorf("migrator %d ends at %s, want %s", i, reports[i].Version, files[len(files)-1].Version())
		}
		applied += len(reports[i].Applied)
	}
	if applied != len(files) {
		t.Errorf("the two migrators applied %d files between them (%q, %q), want %d", applied, reports[0], reports[1], len(files))
	}
	if got := revisions(t, dbs[0]); !slices.Equal(got, versions(files)) {
		t.Errorf("revisions recorded %v, want each file once", got)
	}
	assertNoDrift(t, dbs[0])
}

// TestMigrateRefusesEditedFile: a file changed after a database applied it stops the
// migration, which names it.
func TestMigrateRefusesEditedFile(t *testing.T) {
	db := storagetest.MustOpenEmpty(t)
	ctx := context.Background()
	files := embeddedFiles(t, db)
	if _, err := db.MigrateSchemaFrom(ctx, slices.Concat(files, []atlas.File{addNotes})); err != nil {
		t.Fatal(err)
	}
	edited := atlas.NewLocalFile(addNotes.Name(), append(addNotes.Bytes(), "CREATE INDEX customer_notes ON customers (notes);\n"...))
	_, err := db.MigrateSchemaFrom(ctx, slices.Concat(files, []atlas.File{edited}))
	if err == nil || !strings.Contains(err.Error(), "29991231000000_add_notes was edited") {
		t.Errorf("err = %v, want the edited file named", err)
	}
}

// revisions returns the versions the database records, oldest first.
func revisions(t *testing.T, db *storage.DB) []string {
	t.Helper()
	rows, err := db.SQL.Query("SELECT version FROM schema_revisions ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func versions(files []atlas.File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Version()
	}
	return out
}
