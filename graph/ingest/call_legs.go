package ingest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// StreamBatchLegs bounds the legs of one of a stream's transactions: larger than a
// mutation's batch, so that the statements of a batch (lookups, COPY, moves and rollup
// upserts) are fewer per leg, and still a few megabytes of memory.
const StreamBatchLegs = 20000

// earliestLeg is the earliest start a leg may have.
var earliestLeg = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckCallLeg validates a call leg on its own, before anything is looked up: required
// IDs, known enum values, a start between 2000 and a few minutes from now, no negative
// duration or wait, the three media metrics together and possible, and the queue fields
// all present (with feature CALL_QUEUE) or all absent.
func CheckCallLeg(in *model.CallLegInput, now time.Time) error {
	for _, f := range []struct{ name, v string }{{"legId", in.LegID}, {"callId", in.CallID}, {"customerExternalId", in.CustomerExternalID}, {"userId", in.UserID}} {
		if strings.TrimSpace(f.v) == "" || len(f.v) > 100 {
			return invalid("%s takes 1 to 100 characters", f.name)
		}
	}
	for _, v := range []*string{&in.LegID, &in.CallID, &in.CustomerExternalID, &in.UserID, in.LocationExternalID, in.QueueExternalID} {
		if v != nil && (!utf8.ValidString(*v) || strings.ContainsRune(*v, 0)) {
			return invalid("IDs must be text without NUL characters, got %q", *v)
		}
	}
	if err := checkEnums(in); err != nil {
		return err
	}
	switch {
	case in.StartedAt.Before(earliestLeg):
		return invalid("startedAt %s is before 2000", in.StartedAt.UTC().Format(time.RFC3339))
	case in.StartedAt.After(now.Add(maxClockSkew)):
		return invalid("startedAt %s is in the future", in.StartedAt.UTC().Format(time.RFC3339))
	case in.DurationSeconds < 0:
		return invalid("durationSeconds must not be negative, got %d", in.DurationSeconds)
	}
	metrics := []*float64{in.JitterMs, in.LatencyMs, in.PacketLossPercent}
	given := 0
	for _, m := range metrics {
		if m != nil {
			given++
			if math.IsNaN(*m) || math.IsInf(*m, 0) || *m < 0 {
				return invalid("jitterMs, latencyMs and packetLossPercent must be 0 or more")
			}
		}
	}
	switch {
	case given != 0 && given != len(metrics):
		return invalid("jitterMs, latencyMs and packetLossPercent come together or not at all")
	case in.PacketLossPercent != nil && *in.PacketLossPercent > 100:
		return invalid("packetLossPercent takes 0 to 100, got %g", *in.PacketLossPercent)
	}
	return checkQueueFields(in)
}

func checkEnums(in *model.CallLegInput) error {
	for _, e := range []struct {
		name, v string
		values  []string
	}{
		{"direction", string(in.Direction), enum.CallDirection("").Values()},
		{"media", string(in.Media), enum.Media("").Values()},
		{"endpointType", string(in.EndpointType), enum.EndpointType("").Values()},
		{"feature", string(featureOf(in)), enum.CallFeature("").Values()},
		{"queueOutcome", string(deref(in.QueueOutcome, "ANSWERED")), enum.QueueOutcome("").Values()},
	} {
		if !slices.Contains(e.values, e.v) {
			return invalid("%s takes %s, got %q", e.name, strings.Join(e.values, ", "), e.v)
		}
	}
	return nil
}

func checkQueueFields(in *model.CallLegInput) error {
	queued := in.QueueExternalID != nil
	switch {
	case queued && (in.QueueOutcome == nil || in.WaitSeconds == nil):
		return invalid("a queued leg needs queueOutcome and waitSeconds")
	case queued && featureOf(in) != "CALL_QUEUE":
		return invalid("a queued leg has feature CALL_QUEUE, got %s", featureOf(in))
	case queued && strings.TrimSpace(*in.QueueExternalID) == "":
		return invalid("queueExternalId must not be empty")
	case !queued && (in.QueueOutcome != nil || in.WaitSeconds != nil):
		return invalid("queueOutcome and waitSeconds belong to a queued leg (queueExternalId)")
	case in.WaitSeconds != nil && *in.WaitSeconds < 0:
		return invalid("waitSeconds must not be negative, got %d", *in.WaitSeconds)
	}
	return nil
}

// featureOf is the leg's feature: as given, else CALL_QUEUE for a queued leg, else NONE.
func featureOf(in *model.CallLegInput) enum.CallFeature {
	if in.QueueExternalID != nil {
		return deref(in.Feature, "CALL_QUEUE")
	}
	return deref(in.Feature, "NONE")
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// CallLegs stores call legs and brings the calling rollups up to date in the same
// transaction. Each leg is checked and resolved on its own; a leg ID already stored (or
// earlier in the batch) is reported unchanged and changes nothing.
func CallLegs(ctx context.Context, rec *audit.Recorder, items []*model.CallLegInput) (*model.IngestPayload, error) {
	if len(items) > limit.CallLegs {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "a batch has at most %d legs, got %d", limit.CallLegs, len(items))
	}
	return callLegs(ctx, rec, "ingestCallLegs", items, nil)
}

// callLegs is CallLegs under action's name; refs, when given, say how each item names its
// customer and location (see legRef).
func callLegs(ctx context.Context, rec *audit.Recorder, action string, items []*model.CallLegInput, refs []legRef) (*model.IngestPayload, error) {
	// The bulk write on PostgreSQL needs the transaction's database/sql handle.
	ctx = storage.WithSQLTx(ctx)
	return audit.Run(ctx, rec, action, (*viewer.Viewer).CanIngest, func(ctx context.Context, tx *ent.Tx) (*model.IngestPayload, audit.Change, error) {
		b := &legBatch{tx: tx, items: items, refs: refs, now: rec.Now(), out: &model.IngestPayload{Results: make([]*model.IngestResult, len(items))}}
		stored, err := b.store(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		// Read under the customers' locks: a rebuild after new thresholds waits for them.
		t, err := calling.ThresholdsIn(ctx, tx, viewer.FromContext(ctx).PartnerID)
		if err != nil {
			return nil, audit.Change{}, err
		}
		if err := calling.Record(ctx, tx, stored, t); err != nil {
			return nil, audit.Change{}, err
		}
		return b.out, b.change(action, stored), nil
	})
}

// legChunk bounds the legs of one insert statement: about 2 000 parameters, a size both
// databases bind and plan faster than statements ten times larger.
const legChunk = 100

// insertLegs stores the legs and returns those stored: through COPY on
// PostgreSQL (see copyLegs), in chunks of inserts elsewhere.
func insertLegs(ctx context.Context, tx *ent.Tx, rows []*ent.CallLegCreate) ([]*ent.CallLeg, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	if sqlTx := storage.PostgresTx(ctx); sqlTx != nil {
		return copyLegs(ctx, sqlTx, viewer.FromContext(ctx).PartnerID, rows)
	}
	var out []*ent.CallLeg
	for part := range slices.Chunk(rows, legChunk) {
		legs, err := tx.CallLeg.CreateBulk(part...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("store %d call legs: %w", len(part), err)
		}
		out = append(out, legs...)
	}
	return out, nil
}

// alreadyStored returns the customer of each of the leg IDs already stored for the
// partner, whoever may see it, so that a leg ID is never stored twice.
func alreadyStored(ctx context.Context, tx *ent.Tx, legIDs []string) (map[string]int, error) {
	v := viewer.FromContext(ctx)
	if sqlTx := storage.PostgresTx(ctx); sqlTx != nil {
		return storedLegIDs(ctx, sqlTx, v.PartnerID, legIDs)
	}
	sys := viewer.NewContext(ctx, viewer.SystemOf(v.PartnerID))
	out := map[string]int{}
	for part := range slices.Chunk(legIDs, legChunk) {
		legs, err := tx.CallLeg.Query().Where(callleg.PartnerID(v.PartnerID), callleg.LegIDIn(part...)).
			Select(callleg.FieldLegID, callleg.FieldCustomerID).All(sys)
		if err != nil {
			return nil, fmt.Errorf("look up %d leg IDs: %w", len(part), err)
		}
		for _, l := range legs {
			out[l.LegID] = l.CustomerID
		}
	}
	return out, nil
}
