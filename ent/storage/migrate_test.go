package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestMigrateStopsTrialsRenewing: a trial stored as auto-renewing by an older version is
// made to end at its end date, and its customer's facts follow (its first end is set).
func TestMigrateStopsTrialsRenewing(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := viewer.SystemContext(context.Background())
	c := db.Client
	p := c.Partner.Create().SetName("Trials").SetOrgID("trials").SaveX(ctx)
	cust := c.Customer.Create().SetPartnerID(p.ID).SetName("Trialist").SetOrgID("trialist").SetRegion(enum.RegionEU).SetCountry("DE").SaveX(ctx)
	ends := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	trial := c.Subscription.Create().SetPartnerID(p.ID).SetCustomerID(cust.ID).SetSubscriptionID("T-1").SetKind(enum.KindTrial).
		SetState(enum.StateActive).SetStartedAt(ends.AddDate(0, -1, 0)).SetEndsAt(ends).SetAutoRenew(true).SetRenewalDate(ends).SaveX(ctx)
	paid := c.Subscription.Create().SetPartnerID(p.ID).SetCustomerID(cust.ID).SetSubscriptionID("P-1").SetKind(enum.KindPaid).
		SetState(enum.StateActive).SetStartedAt(ends.AddDate(-1, 0, 0)).SetEndsAt(ends.AddDate(0, 1, 0)).SetAutoRenew(true).SetRenewalDate(ends.AddDate(0, 1, 0)).SaveX(ctx)
	if got := c.Customer.GetX(ctx, cust.ID).ExpiresAt; got != nil {
		t.Fatalf("before migrating: first end %v, want none (every subscription renews)", got)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Subscription.GetX(ctx, trial.ID); got.AutoRenew || got.RenewalDate != nil {
		t.Errorf("trial after migrating: autoRenew %v, renewal %v, want false and none", got.AutoRenew, got.RenewalDate)
	}
	if got := c.Subscription.GetX(ctx, paid.ID); !got.AutoRenew || got.RenewalDate == nil {
		t.Errorf("paid subscription after migrating: autoRenew %v, renewal %v, want it renewing", got.AutoRenew, got.RenewalDate)
	}
	if got := c.Customer.GetX(ctx, cust.ID).ExpiresAt; got == nil || !got.Equal(ends) {
		t.Errorf("after migrating: first end %v, want the trial's end %s", got, ends)
	}
}

// TestMigrateVacuumsBackfilledFacts: a migration marks the customer of a queue written
// without the ent client; on PostgreSQL one whose backfill wrote customers' facts vacuums
// their table, so that scans over the facts' indexes read no row, and one that wrote
// nothing leaves it (SQLite has nothing to vacuum).
func TestMigrateVacuumsBackfilledFacts(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := viewer.SystemContext(context.Background())
	p := db.Client.Partner.Create().SetName("Vacuumed").SetOrgID("vacuumed").SaveX(ctx)
	cust := db.Client.Customer.Create().SetPartnerID(p.ID).SetName("Queued").SetOrgID("queued").SetRegion(enum.RegionEU).SetCountry("DE").SaveX(ctx)
	// vacuums returns how many times customers was vacuumed (on SQLite, 0).
	vacuums := func() int {
		t.Helper()
		var n int
		if !storagetest.Postgres() {
			return 0
		}
		if _, err := db.SQL.ExecContext(ctx, "SELECT pg_stat_clear_snapshot()"); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL.QueryRowContext(ctx, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'customers'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := vacuums()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := vacuums(); n != before {
		t.Errorf("a migration that backfilled nothing vacuumed customers %d times", n-before)
	}
	// A queue written without the ent client leaves its customer to the backfill.
	if _, err := db.SQL.ExecContext(ctx, "INSERT INTO call_queues (partner_id, customer_id, external_id, name) VALUES ($1, $2, 'q', 'Q')", p.ID, cust.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n, want := vacuums(), before+map[bool]int{true: 1}[storagetest.Postgres()]; n != want {
		t.Errorf("after a migration that backfilled a customer, customers was vacuumed %d times, want %d", n-before, want-before)
	}
	if !db.Client.Customer.GetX(ctx, cust.ID).HasCallQueue {
		t.Error("the customer of the queue written without the ent client is not marked")
	}
}
