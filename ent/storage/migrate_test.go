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
