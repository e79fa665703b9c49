package app

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
)

// directoryPage is the customer directory page the benchmark asks for, filtered by region.
const directoryPage = `{ customers(first: 50, orderBy: {field: NAME, direction: ASC}, query: "region:EU") {
  totalCount edges { node { name statuses tags { name } licenseSummary { product total assigned used }
  subscriptions { subscriptionId state endsAt licenses { product total assigned used } } } } } }`

// TestStatementsMetricMatchesDatabase: partnerhub_sql_statements_total counts what
// PostgreSQL counts. Outside a transaction each statement is one transaction of the
// database, so over directory pages the transactions PostgreSQL committed and rolled back
// (pg_stat_database) equal the statements the metric counted.
func TestStatementsMetricMatchesDatabase(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("needs PostgreSQL: the count compared with is pg_stat_database's")
	}
	a := MustOpenApp(t, map[string]string{"PARTNERHUB_ANALYTICS_CACHE_TTL": "0s"})
	// One backend, whose statistics reach pg_stat_database together.
	a.DB.SQL.SetMaxOpenConns(1)
	f := mustCreatePartner(t, a.DB.Client, "Counted")
	srv := httptest.NewServer(a.Routes())
	defer srv.Close()
	writer, _, err := a.Auth.Issue(sysCtx(), a.DB.Client, f.admins[enum.RoleFullAdmin], auth.Grant{Name: "writer", Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	if err != nil {
		t.Fatal(err)
	}
	for i, region := range []enum.Region{enum.RegionEU, enum.RegionEU, enum.RegionUS} {
		id := fmt.Sprintf("counted-%d", i)
		a.DB.Client.Customer.Create().SetPartnerID(f.partner.ID).SetName("Counted " + id).SetOrgID(id + "-org").
			SetExternalID(id).SetRegion(region).SetCountry("DE").ExecX(sysCtx())
		upsertSubOf(t, srv, writer, id, inDays(30+i), 2)
	}
	stats := newDatabaseStats(t, a)
	reader := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	page := func() {
		t.Helper()
		if r := postGraphQL(t, srv, reader, directoryPage); len(r.Errors) > 0 || r.Data["customers"] == nil {
			t.Fatalf("directory page: %+v", r)
		}
	}
	page() // the connection prepares the statements it keeps
	statements := func() float64 {
		return metricSum(t, srv, func(line string) bool { return strings.HasPrefix(line, "partnerhub_sql_statements_total ") })
	}
	before, counted := stats.transactions(), statements()
	const pages = 5
	for range pages {
		page()
	}
	// The marker that flushed the statistics is the one transaction more.
	got, want := stats.transactions()-before-1, statements()-counted
	if got != int64(want) || want < pages {
		t.Errorf("%d directory pages: PostgreSQL counted %d transactions, the metric %.0f statements", pages, got, want)
	}
}

// databaseStats reads an app's database's transaction counts, from another database so
// that reading them does not change them.
type databaseStats struct {
	t     *testing.T
	app   *sql.DB
	admin *sql.DB
	name  string
}

func newDatabaseStats(t *testing.T, a *App) *databaseStats {
	t.Helper()
	admin, err := sql.Open("postgres", os.Getenv(storagetest.EnvURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	s := &databaseStats{t: t, app: a.DB.SQL, admin: admin}
	if err := a.DB.SQL.QueryRow("SELECT current_database()").Scan(&s.name); err != nil {
		t.Fatal(err)
	}
	return s
}

// transactions returns the transactions the database has committed and rolled back, once
// the app's backend has reported them: it rolls a marker transaction back that asks for
// the report, and waits until pg_stat_database shows that rollback.
func (s *databaseStats) transactions() int64 {
	s.t.Helper()
	_, rolledBack := s.read()
	tx, err := s.app.Begin()
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := tx.Exec("SELECT pg_stat_force_next_flush()"); err != nil {
		s.t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		s.t.Fatal(err)
	}
	for range 600 {
		if commits, rollbacks := s.read(); rollbacks > rolledBack {
			return commits + rollbacks
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatal("pg_stat_database never showed the marker transaction")
	return 0
}

func (s *databaseStats) read() (commits, rollbacks int64) {
	s.t.Helper()
	err := s.admin.QueryRowContext(context.Background(), "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = $1", s.name).Scan(&commits, &rollbacks)
	if err != nil {
		s.t.Fatal(err)
	}
	return commits, rollbacks
}
