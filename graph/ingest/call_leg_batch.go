package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// legBatch is one batch of call legs on its way in.
type legBatch struct {
	tx    *ent.Tx
	items []*model.CallLegInput
	refs  []legRef // nil: every item names its customer and location by external ID
	now   time.Time
	out   *model.IngestPayload
	ok    []bool // still good
}

// fail records item i's error.
func (b *legBatch) fail(ctx context.Context, i int, err error) {
	b.out.Results[i].Error = audit.ItemError(ctx, err)
	b.out.Failed++
	b.ok[i] = false
}

// legRef says how an item names its customer and location: by default their external
// IDs; a Webex call record names the customer's organisation (its org ID, in
// customerExternalId) and the location's name (locationName, empty: none).
type legRef struct {
	byOrgID      bool
	locationName string
}

// ref is item i's legRef.
func (b *legBatch) ref(i int) legRef {
	if b.refs == nil {
		return legRef{}
	}
	return b.refs[i]
}

// resolved is what a good leg refers to.
type resolved struct {
	customer *ent.Customer
	location *int
	queue    *int
}

// store checks, resolves and inserts the good legs not stored yet, and returns them.
func (b *legBatch) store(ctx context.Context) ([]*ent.CallLeg, error) {
	b.ok = make([]bool, len(b.items))
	for i, in := range b.items {
		b.out.Results[i] = &model.IngestResult{Index: i}
		b.ok[i] = true
		if err := CheckCallLeg(in, b.now); err != nil {
			b.fail(ctx, i, err)
		}
	}
	refs, err := b.resolve(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int
	var legIDs []string
	for i, in := range b.items {
		if b.ok[i] {
			ids = append(ids, refs[i].customer.ID)
			legIDs = append(legIDs, in.LegID)
		}
	}
	if err := calling.LockCustomers(ctx, b.tx, slices.Compact(slices.Sorted(slices.Values(ids)))); err != nil {
		return nil, err
	}
	// The leg IDs stored already are looked up first; on PostgreSQL, one that another
	// ingest stores meanwhile is skipped by the insert (see copyLegs) and checked after it.
	known, err := alreadyStored(ctx, b.tx, legIDs)
	if err != nil {
		return nil, err
	}
	sqlTx := storage.PostgresTx(ctx)
	var rows []*ent.CallLegCreate
	var rowItems []int
	for i, in := range b.items {
		if !b.ok[i] {
			continue
		}
		r := refs[i]
		if owner, ok := known[in.LegID]; ok {
			if owner != r.customer.ID {
				b.fail(ctx, i, legOfAnother(in.LegID))
			}
			continue
		}
		known[in.LegID] = r.customer.ID
		rows = append(rows, b.tx.CallLeg.Create().SetCustomerID(r.customer.ID).SetLegID(in.LegID).SetCallID(in.CallID).
			SetNillableLocationID(r.location).SetUserID(in.UserID).SetStartedAt(in.StartedAt.UTC()).
			SetDurationSeconds(in.DurationSeconds).SetDirection(in.Direction).SetMedia(in.Media).
			SetEndpointType(in.EndpointType).SetNillableJitterMs(in.JitterMs).SetNillableLatencyMs(in.LatencyMs).
			SetNillablePacketLossPct(in.PacketLossPercent).SetFeature(featureOf(in)).SetNillableQueueID(r.queue).
			SetNillableQueueOutcome(in.QueueOutcome).SetNillableWaitSeconds(in.WaitSeconds))
		rowItems = append(rowItems, i)
	}
	stored, err := insertLegs(ctx, b.tx, rows)
	if err != nil {
		return nil, err
	}
	// A leg another ingest stored meanwhile is not among those stored: unchanged.
	created := make(map[string]bool, len(stored))
	for _, l := range stored {
		created[l.LegID] = true
	}
	var skipped []string
	for _, i := range rowItems {
		if res := b.out.Results[i]; created[b.items[i].LegID] {
			res.Created, res.Changed = true, true
			b.out.Stored++
		} else {
			skipped = append(skipped, b.items[i].LegID)
		}
	}
	if sqlTx != nil && len(skipped) > 0 {
		owners, err := storedLegIDs(ctx, sqlTx, viewer.FromContext(ctx).PartnerID, skipped)
		if err != nil {
			return nil, err
		}
		for _, i := range rowItems {
			if owner, ok := owners[b.items[i].LegID]; ok && !created[b.items[i].LegID] && owner != refs[i].customer.ID {
				b.fail(ctx, i, legOfAnother(b.items[i].LegID))
			}
		}
	}
	return stored, nil
}

// legOfAnother is the error of a leg whose ID a leg of another customer has.
func legOfAnother(legID string) error {
	return gqlerr.Errorf(gqlerr.Conflict, "leg ID %q belongs to a leg of another customer", legID)
}

// resolve finds each good leg's customer, location and queue by external ID, failing
// the legs whose references are unknown, not visible or of another customer.
func (b *legBatch) resolve(ctx context.Context) ([]resolved, error) {
	var custExt, orgIDs, locExt, locNames, queueExt []string
	for i, in := range b.items {
		if !b.ok[i] {
			continue
		}
		if ref := b.ref(i); ref.byOrgID {
			orgIDs = append(orgIDs, in.CustomerExternalID)
			if ref.locationName != "" {
				locNames = append(locNames, ref.locationName)
			}
		} else {
			custExt = append(custExt, in.CustomerExternalID)
		}
		if in.LocationExternalID != nil {
			locExt = append(locExt, *in.LocationExternalID)
		}
		if in.QueueExternalID != nil {
			queueExt = append(queueExt, *in.QueueExternalID)
		}
	}
	// Only the keys and IDs: a batch names up to thousands of customers.
	customers, err := byExternalID(ctx, custExt, func(ctx context.Context, ext []string) ([]*ent.Customer, error) {
		return b.tx.Customer.Query().Where(customer.ExternalIDIn(ext...)).Select(customer.FieldExternalID).All(ctx)
	}, func(c *ent.Customer) string { return deref(c.ExternalID, "") })
	if err != nil {
		return nil, fmt.Errorf("look up customers: %w", err)
	}
	orgs, err := byExternalID(ctx, orgIDs, func(ctx context.Context, ids []string) ([]*ent.Customer, error) {
		return b.tx.Customer.Query().Where(customer.OrgIDIn(ids...)).Select(customer.FieldOrgID).All(ctx)
	}, func(c *ent.Customer) string { return c.OrgID })
	if err != nil {
		return nil, fmt.Errorf("look up customers by org ID: %w", err)
	}
	locations, err := byExternalID(ctx, locExt, func(ctx context.Context, ext []string) ([]*ent.Location, error) {
		return b.tx.Location.Query().Where(location.ExternalIDIn(ext...)).All(ctx)
	}, func(l *ent.Location) string { return l.ExternalID })
	if err != nil {
		return nil, fmt.Errorf("look up locations: %w", err)
	}
	named, err := byExternalID(ctx, locNames, func(ctx context.Context, names []string) ([]*ent.Location, error) {
		return b.tx.Location.Query().Where(location.NameIn(names...)).All(ctx)
	}, func(l *ent.Location) string { return fmt.Sprintf("%d/%s", l.CustomerID, l.Name) })
	if err != nil {
		return nil, fmt.Errorf("look up locations by name: %w", err)
	}
	queues, err := byExternalID(ctx, queueExt, func(ctx context.Context, ext []string) ([]*ent.CallQueue, error) {
		return b.tx.CallQueue.Query().Where(callqueue.ExternalIDIn(ext...)).All(ctx)
	}, func(q *ent.CallQueue) string { return q.ExternalID })
	if err != nil {
		return nil, fmt.Errorf("look up call queues: %w", err)
	}
	out := make([]resolved, len(b.items))
	for i, in := range b.items {
		if !b.ok[i] {
			continue
		}
		ref := b.ref(i)
		c := customers[in.CustomerExternalID]
		if ref.byOrgID {
			c = orgs[in.CustomerExternalID]
		}
		if c == nil {
			what := "customer"
			if ref.byOrgID {
				what = "customer with org ID"
			}
			b.fail(ctx, i, notFound(what, in.CustomerExternalID))
			continue
		}
		out[i].customer = c
		if l := named[fmt.Sprintf("%d/%s", c.ID, ref.locationName)]; ref.locationName != "" && l != nil {
			out[i].location = &l.ID
		}
		if in.LocationExternalID != nil {
			l := locations[*in.LocationExternalID]
			if l == nil || l.CustomerID != c.ID {
				b.fail(ctx, i, notFound("location", *in.LocationExternalID))
				continue
			}
			out[i].location = &l.ID
		}
		if in.QueueExternalID != nil {
			q := queues[*in.QueueExternalID]
			if q == nil || q.CustomerID != c.ID {
				b.fail(ctx, i, notFound("call queue", *in.QueueExternalID))
				continue
			}
			out[i].queue = &q.ID
		}
	}
	return out, nil
}

// lookupChunk bounds the external IDs of one lookup.
const lookupChunk = 1000

// byExternalID looks rows up by their distinct external IDs in chunks and maps them by key.
func byExternalID[T any](ctx context.Context, ext []string, query func(context.Context, []string) ([]T, error), key func(T) string) (map[string]T, error) {
	out := map[string]T{}
	for part := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ext))), lookupChunk) {
		rows, err := query(ctx, part)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[key(r)] = r
		}
	}
	return out, nil
}

// change names the customers that got legs.
func (b *legBatch) change(action string, stored []*ent.CallLeg) audit.Change {
	var ids []string
	seen := map[int]bool{}
	for _, l := range stored {
		if !seen[l.CustomerID] {
			seen[l.CustomerID] = true
			ids = append(ids, (&ent.Customer{ID: l.CustomerID}).GlobalID())
		}
	}
	return audit.Change{Targets: ids, Summary: fmt.Sprintf("%s: %d of %d legs stored, %d failed", action, b.out.Stored, len(b.items), b.out.Failed)}
}
