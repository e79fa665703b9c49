package ingest

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// LicenseUsage records a line's figures on a day: the latest day of a week becomes that
// week's snapshot, and the latest day overall the line's current figures. A batch is read
// and written in a few statements whatever its size: its lines and their snapshots of the
// weeks named are read at once, the items applied to them in order, and what changed
// written back at once (the lines' facts refreshed once, for all of their customers).
func LicenseUsage(ctx context.Context, rec *audit.Recorder, items []*model.LicenseUsageRecord) (*model.IngestPayload, error) {
	const action = "recordLicenseUsage"
	if len(items) > limit.IngestItems {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "a batch has at most %d items, got %d", limit.IngestItems, len(items))
	}
	payload, err := audit.Run(ctx, rec, action, (*viewer.Viewer).CanIngest, func(ctx context.Context, tx *ent.Tx) (*model.IngestPayload, audit.Change, error) {
		b := &usageBatch{tx: tx, items: items, now: rec.Now(), out: &model.IngestPayload{Results: make([]*model.IngestResult, len(items))}}
		var change audit.Change
		if err := b.apply(ctx); err != nil {
			return nil, change, err
		}
		for _, res := range b.out.Results {
			if res.Changed {
				b.out.Stored++
				change.Targets = append(change.Targets, *res.ID)
			}
		}
		change.Summary = fmt.Sprintf("%s: %d of %d items stored, %d failed", action, b.out.Stored, len(items), b.out.Failed)
		return b.out, change, nil
	})
	if err == nil {
		observe.FromContext(ctx).AddIngested(action, payload.Stored)
	}
	return payload, err
}

// usageBatch is one batch of usage records on its way in.
type usageBatch struct {
	tx    *ent.Tx
	items []*model.LicenseUsageRecord
	now   time.Time
	out   *model.IngestPayload

	lines     map[lineKey]*ent.License         // by subscription ID and product
	snapshots map[snapKey]*ent.LicenseSnapshot // read or to be written
	dirty     []*ent.License                   // lines whose figures changed, once each
	written   []snapKey                        // snapshots that changed, once each
}

type lineKey struct {
	subscription string
	product      enum.Product
}

type snapKey struct {
	line int
	week time.Time
}

// apply checks every item, reads what they refer to, applies them in order and writes what
// changed.
func (b *usageBatch) apply(ctx context.Context) error {
	good := make([]bool, len(b.items))
	for i, in := range b.items {
		b.out.Results[i] = &model.IngestResult{Index: i}
		err := checkCounts("usage", in.Assigned, in.Used, in.UsedLast90Days)
		if err == nil && in.Date.After(b.now.Add(maxClockSkew)) {
			err = invalid("date %s is in the future", in.Date.Format("2006-01-02"))
		}
		if err != nil {
			b.fail(ctx, i, err)
			continue
		}
		good[i] = true
	}
	if err := b.read(ctx, good); err != nil {
		return err
	}
	dirty := map[int]bool{}
	written := map[snapKey]bool{}
	for i, in := range b.items {
		if !good[i] {
			continue
		}
		line := b.lines[lineKey{in.SubscriptionID, in.Product}]
		if line == nil {
			b.fail(ctx, i, notFound("license line", in.SubscriptionID+"/"+string(in.Product)))
			continue
		}
		res := b.out.Results[i]
		id := line.GlobalID()
		res.ID = &id
		if k, ok := b.snapshot(line, in); ok {
			res.Changed = true
			if !written[k] {
				written[k] = true
				b.written = append(b.written, k)
			}
		}
		if usageChanges(line, in) {
			line.Assigned, line.Used, line.Used90d, line.UsageAsOf = in.Assigned, in.Used, in.UsedLast90Days, &in.Date
			res.Changed = true
			if !dirty[line.ID] {
				dirty[line.ID] = true
				b.dirty = append(b.dirty, line)
			}
		}
	}
	return b.write(ctx)
}

// fail records item i's error.
func (b *usageBatch) fail(ctx context.Context, i int, err error) {
	b.out.Results[i].Error = audit.ItemError(ctx, err)
	b.out.Failed++
}

// read loads the lines the good items name, the partner's by subscription ID (unique per
// partner), and their snapshots of the items' weeks.
func (b *usageBatch) read(ctx context.Context, good []bool) error {
	var subIDs []string
	var products []enum.Product
	var weeks []time.Time
	for i, in := range b.items {
		if good[i] {
			subIDs = append(subIDs, in.SubscriptionID)
			products = append(products, in.Product)
			weeks = append(weeks, week.Start(in.Date))
		}
	}
	b.lines, b.snapshots = map[lineKey]*ent.License{}, map[snapKey]*ent.LicenseSnapshot{}
	if len(subIDs) == 0 {
		return nil
	}
	subs, err := b.tx.Subscription.Query().Where(subscription.PartnerID(viewer.FromContext(ctx).PartnerID), subscription.SubscriptionIDIn(subIDs...)).
		Select(subscription.FieldID, subscription.FieldSubscriptionID).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's subscriptions: %w", err)
	}
	keyOf := make(map[int]string, len(subs))
	ids := make([]int, len(subs))
	for i, s := range subs {
		keyOf[s.ID], ids[i] = s.SubscriptionID, s.ID
	}
	if len(ids) == 0 {
		return nil
	}
	lines, err := b.tx.License.Query().Where(license.SubscriptionIDIn(ids...), license.ProductIn(products...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's license lines: %w", err)
	}
	lineIDs := make([]int, len(lines))
	for i, l := range lines {
		b.lines[lineKey{keyOf[l.SubscriptionID], l.Product}] = l
		lineIDs[i] = l.ID
	}
	if len(lineIDs) == 0 {
		return nil
	}
	snaps, err := b.tx.LicenseSnapshot.Query().Where(licensesnapshot.LicenseIDIn(lineIDs...), licensesnapshot.WeekStartIn(weeks...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read the batch's snapshots: %w", err)
	}
	for _, s := range snaps {
		b.snapshots[snapKey{s.LicenseID, s.WeekStart.UTC()}] = s
	}
	return nil
}

// snapshot applies the record to the line's snapshot of its week, unless that snapshot
// holds a later day, and says whether it changed.
func (b *usageBatch) snapshot(line *ent.License, in *model.LicenseUsageRecord) (snapKey, bool) {
	k := snapKey{line.ID, week.Start(in.Date).UTC()}
	snap := b.snapshots[k]
	switch {
	case snap == nil:
		snap = &ent.LicenseSnapshot{CustomerID: line.CustomerID, LicenseID: line.ID, Product: line.Product, WeekStart: k.week}
		b.snapshots[k] = snap
	case snap.AsOf != nil && in.Date.Before(*snap.AsOf):
		return k, false
	case snap.AsOf != nil && sameTime(*snap.AsOf, in.Date) && snap.Assigned == in.Assigned && snap.Used == in.Used && snap.Total == line.Total:
		return k, false
	}
	snap.AsOf, snap.Total, snap.Assigned, snap.Used = &in.Date, line.Total, in.Assigned, in.Used
	return k, true
}

// usageChanges reports whether the record becomes the line's current figures and differs
// from them: it is of the line's latest day or later.
func usageChanges(line *ent.License, in *model.LicenseUsageRecord) bool {
	if line.UsageAsOf != nil && in.Date.Before(*line.UsageAsOf) {
		return false
	}
	return line.Assigned != in.Assigned || line.Used != in.Used || line.Used90d != in.UsedLast90Days ||
		line.UsageAsOf == nil || !sameTime(*line.UsageAsOf, in.Date)
}

// write stores the changed snapshots in one statement (inserted, or updated where they
// exist) and the changed lines' figures in another.
func (b *usageBatch) write(ctx context.Context) error {
	if len(b.written) > 0 {
		creates := make([]*ent.LicenseSnapshotCreate, len(b.written))
		for i, k := range b.written {
			s := b.snapshots[k]
			creates[i] = b.tx.LicenseSnapshot.Create().SetCustomerID(s.CustomerID).SetLicenseID(s.LicenseID).SetProduct(s.Product).
				SetWeekStart(s.WeekStart).SetAsOf(*s.AsOf).SetTotal(s.Total).SetAssigned(s.Assigned).SetUsed(s.Used)
		}
		err := b.tx.LicenseSnapshot.CreateBulk(creates...).OnConflictColumns(licensesnapshot.FieldLicenseID, licensesnapshot.FieldWeekStart).
			Update(func(u *ent.LicenseSnapshotUpsert) { u.UpdateAsOf().UpdateTotal().UpdateAssigned().UpdateUsed() }).Exec(ctx)
		if err != nil {
			return fmt.Errorf("write %d snapshots: %w", len(creates), err)
		}
	}
	if len(b.dirty) == 0 {
		return nil
	}
	ids := make([]int, len(b.dirty))
	for i, l := range b.dirty {
		ids[i] = l.ID
	}
	// Each column is set per line by its ID; the ELSE keeps the column's type for the
	// arguments.
	each := func(col string, value func(*ent.License) any) sql.Querier {
		return sql.ExprFunc(func(bl *sql.Builder) {
			bl.WriteString("CASE ").Ident(license.FieldID)
			for _, l := range b.dirty {
				bl.WriteString(" WHEN ").Arg(l.ID).WriteString(" THEN ").Arg(value(l))
			}
			bl.WriteString(" ELSE ").Ident(col).WriteString(" END")
		})
	}
	err := b.tx.License.Update().Where(license.IDIn(ids...)).Modify(func(u *sql.UpdateBuilder) {
		u.Set(license.FieldAssigned, each(license.FieldAssigned, func(l *ent.License) any { return l.Assigned })).
			Set(license.FieldUsed, each(license.FieldUsed, func(l *ent.License) any { return l.Used })).
			Set(license.FieldUsed90d, each(license.FieldUsed90d, func(l *ent.License) any { return l.Used90d })).
			Set(license.FieldUsageAsOf, each(license.FieldUsageAsOf, func(l *ent.License) any { return *l.UsageAsOf }))
	}).Exec(ctx)
	if err != nil {
		return fmt.Errorf("write the usage of %d license lines: %w", len(ids), err)
	}
	return nil
}
