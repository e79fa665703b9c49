// Package ingest takes data pushed in by integrators: batches of up to 1 000 items, each
// validated and written on its own (a savepoint), idempotent on external IDs, in one
// transaction whose audit event lists only what changed. Call legs come in batches of up
// to 5 000 (validated item by item, written in bulk, with their rollups), through the
// mutation or streamed line by line as NDJSON or CSV (StreamCallLegs), batch after batch
// through the same code.
//
// Webex Calling detailed call history records (as its API returns them and its CSV export
// writes them, under their own field names) are taken as legs, one record a leg:
//
//   - Report ID is the leg ID, Correlation ID the call ID, User UUID the user;
//   - Org UUID names the customer: the one whose org ID it is;
//   - Location names the location: the customer's location of that name (none when the
//     customer has no location so named);
//   - Start time is the start (RFC 3339, or UTC without a zone), Duration the seconds;
//   - Direction ORIGINATING is OUTBOUND and TERMINATING INBOUND, both INTERNAL when the
//     Call type is SIP_ENTERPRISE (a call within the organisation);
//   - Client type WXC_CLIENT or TEAMS_WXC_CLIENT is WEBEX_APP; WXC_DEVICE is ROOM_DEVICE
//     when the Model names a Room or Board device, DESK_PHONE otherwise; any other client
//     (SIP, WXC_THIRD_PARTY, WXC_SIP_GW, …) is OTHER;
//   - the feature is CALL_QUEUE when the User type is CallCenterStandard or
//     CallCenterPremium, or the Original, Redirect or Related reason is CallQueue;
//     HUNT_GROUP when the User type or one of those reasons is HuntGroup; AUTO_ATTENDANT
//     when the User type is an automated attendant (AutomatedAttendant…, AutoAttendant);
//     NONE otherwise;
//   - the media is AUDIO. The records carry no media metrics: their legs count in usage,
//     not in quality; nor a queue outcome: their queue calls count as calls of the
//     feature, not in the queue insights.
//
// Other fields are ignored.
package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/observe"
)

// outcome is what one item did: id is the global ID of the object, when it has one in the
// API; target is what the audit event names when it changed, id by default.
type outcome struct {
	id      string
	target  string
	created bool
	changed bool
}

// run writes each item with fn in its own savepoint and collects the results.
func run[T any](ctx context.Context, rec *audit.Recorder, action string, items []T, fn func(ctx context.Context, tx *ent.Tx, item T) (outcome, error)) (*model.IngestPayload, error) {
	if len(items) > limit.IngestItems {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "a batch has at most %d items, got %d", limit.IngestItems, len(items))
	}
	payload, err := audit.Run(ctx, rec, action, (*viewer.Viewer).CanIngest, func(ctx context.Context, tx *ent.Tx) (*model.IngestPayload, audit.Change, error) {
		out := &model.IngestPayload{Results: make([]*model.IngestResult, len(items))}
		var change audit.Change
		for i, item := range items {
			res := &model.IngestResult{Index: i}
			var o outcome
			err := audit.Item(ctx, tx, func() (err error) {
				o, err = fn(ctx, tx, item)
				return err
			})
			if err != nil {
				if res.Error = audit.ItemError(ctx, err); res.Error == nil {
					return nil, audit.Change{}, fmt.Errorf("item %d: %w", i, err)
				}
				out.Failed++
			} else {
				res.Created, res.Changed = o.created, o.changed
				if o.id != "" {
					res.ID = &o.id
				}
				if o.target == "" {
					o.target = o.id
				}
				if o.changed {
					out.Stored++
					change.Targets = append(change.Targets, o.target)
				}
			}
			out.Results[i] = res
		}
		change.Summary = fmt.Sprintf("%s: %d of %d items stored, %d failed", action, out.Stored, len(items), out.Failed)
		return out, change, nil
	})
	if err == nil {
		observe.FromContext(ctx).AddIngested(action, payload.Stored)
	}
	return payload, err
}

// invalid is an item's validation error.
func invalid(format string, args ...any) error {
	return gqlerr.Errorf(gqlerr.BadUserInput, format, args...)
}

// notFound is an item's reference to something that does not exist (or is not visible).
func notFound(what, key string) error {
	return gqlerr.Errorf(gqlerr.NotFound, "%s %q not found", what, key)
}

// orNotFound turns ent's not-found into notFound(what, key).
func orNotFound(err error, what, key string) error {
	if ent.IsNotFound(err) {
		return notFound(what, key)
	}
	return err
}

// sameTime compares instants at the databases' microsecond precision.
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

func checkCountry(c string) error {
	if len(c) != 2 || strings.ToUpper(c) != c {
		return invalid("country must be an ISO 3166-1 alpha-2 code such as DE, got %q", c)
	}
	return nil
}

func checkCounts(what string, ns ...int) error {
	for _, n := range ns {
		if n < 0 {
			return invalid("%s figures must not be negative", what)
		}
	}
	return nil
}
