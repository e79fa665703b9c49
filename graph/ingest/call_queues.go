package ingest

import (
	"context"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// CallQueues creates or updates call queues by external ID; a queue stays with the
// customer it was created for. Queues are not API objects yet, so results carry no ID and
// the audit event names the queues' customers.
func CallQueues(ctx context.Context, rec *audit.Recorder, items []*model.CallQueueUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertCallQueues", items, func(ctx context.Context, tx *ent.Tx, in *model.CallQueueUpsertInput) (outcome, error) {
		name := strings.TrimSpace(in.Name)
		switch {
		case strings.TrimSpace(in.ExternalID) == "" || len(in.ExternalID) > 100:
			return outcome{}, invalid("externalId takes 1 to 100 characters")
		case name == "" || len(name) > 200:
			return outcome{}, invalid("name takes 1 to 200 characters")
		}
		c, err := tx.Customer.Query().Where(customer.ExternalID(in.CustomerExternalID)).Only(ctx)
		if err != nil {
			return outcome{}, orNotFound(err, "customer", in.CustomerExternalID)
		}
		var loc *int
		if in.LocationExternalID != nil {
			l, err := tx.Location.Query().Where(location.ExternalID(*in.LocationExternalID), location.CustomerID(c.ID)).Only(ctx)
			if err != nil {
				return outcome{}, orNotFound(err, "location", *in.LocationExternalID)
			}
			loc = &l.ID
		}
		q, err := tx.CallQueue.Query().Where(callqueue.ExternalID(in.ExternalID)).Only(ctx)
		if ent.IsNotFound(err) {
			err := tx.CallQueue.Create().SetCustomerID(c.ID).SetExternalID(in.ExternalID).SetName(name).SetNillableLocationID(loc).Exec(ctx)
			if err != nil {
				return outcome{}, err
			}
			return outcome{target: c.GlobalID(), created: true, changed: true}, nil
		}
		if err != nil {
			return outcome{}, err
		}
		if q.CustomerID != c.ID {
			return outcome{}, invalid("call queue %q belongs to another customer", in.ExternalID)
		}
		if q.Name == name && equalPtr(q.LocationID, loc) {
			return outcome{target: c.GlobalID()}, nil
		}
		update := tx.CallQueue.UpdateOne(q).SetName(name).SetNillableLocationID(loc)
		if loc == nil {
			update.ClearLocationID()
		}
		if err := update.Exec(ctx); err != nil {
			return outcome{}, err
		}
		return outcome{target: c.GlobalID(), changed: true}, nil
	})
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
