package ingest

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// LicenseUsage records a line's figures on a day: the latest day of a week becomes that
// week's snapshot, and the latest day overall the line's current figures.
func LicenseUsage(ctx context.Context, rec *audit.Recorder, items []*model.LicenseUsageRecord) (*model.IngestPayload, error) {
	return run(ctx, rec, "recordLicenseUsage", items, func(ctx context.Context, tx *ent.Tx, in *model.LicenseUsageRecord) (outcome, error) {
		if err := checkCounts("usage", in.Assigned, in.Used, in.UsedLast90Days); err != nil {
			return outcome{}, err
		}
		if in.Date.After(rec.Now().Add(maxClockSkew)) {
			return outcome{}, invalid("date %s is in the future", in.Date.Format("2006-01-02"))
		}
		// The subscription ID is unique per partner, and read from that index.
		line, err := tx.License.Query().Where(
			license.HasSubscriptionWith(subscription.PartnerID(viewer.FromContext(ctx).PartnerID), subscription.SubscriptionID(in.SubscriptionID)),
			license.ProductEQ(in.Product),
		).Only(ctx)
		if err != nil {
			return outcome{}, orNotFound(err, "license line", in.SubscriptionID+"/"+string(in.Product))
		}
		changedSnapshot, err := recordSnapshot(ctx, tx, line, in)
		if err != nil {
			return outcome{}, err
		}
		changedLine := false
		if line.UsageAsOf == nil || !in.Date.Before(*line.UsageAsOf) {
			if line.Assigned != in.Assigned || line.Used != in.Used || line.Used90d != in.UsedLast90Days || line.UsageAsOf == nil || !sameTime(*line.UsageAsOf, in.Date) {
				if err := tx.License.UpdateOne(line).SetAssigned(in.Assigned).SetUsed(in.Used).SetUsed90d(in.UsedLast90Days).SetUsageAsOf(in.Date).Exec(ctx); err != nil {
					return outcome{}, err
				}
				changedLine = true
			}
		}
		return outcome{id: line.GlobalID(), changed: changedSnapshot || changedLine}, nil
	})
}

// recordSnapshot writes the figures into the line's snapshot of the record's week, unless
// that snapshot holds a later day.
func recordSnapshot(ctx context.Context, tx *ent.Tx, line *ent.License, in *model.LicenseUsageRecord) (bool, error) {
	start := week.Start(in.Date)
	snap, err := tx.LicenseSnapshot.Query().Where(licensesnapshot.LicenseID(line.ID), licensesnapshot.WeekStart(start)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		err = tx.LicenseSnapshot.Create().SetCustomerID(line.CustomerID).SetLicenseID(line.ID).SetProduct(line.Product).
			SetWeekStart(start).SetAsOf(in.Date).SetTotal(line.Total).SetAssigned(in.Assigned).SetUsed(in.Used).Exec(ctx)
		return err == nil, err
	case err != nil:
		return false, err
	case snap.AsOf != nil && in.Date.Before(*snap.AsOf):
		return false, nil
	case snap.AsOf != nil && sameTime(*snap.AsOf, in.Date) && snap.Assigned == in.Assigned && snap.Used == in.Used && snap.Total == line.Total:
		return false, nil
	}
	err = tx.LicenseSnapshot.UpdateOne(snap).SetAsOf(in.Date).SetTotal(line.Total).SetAssigned(in.Assigned).SetUsed(in.Used).Exec(ctx)
	return err == nil, err
}
