package calling

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// LegOf returns what the rollups need of a stored leg.
func LegOf(l *ent.CallLeg) Leg {
	out := Leg{LegID: l.LegID, CustomerID: l.CustomerID, UserID: l.UserID, StartedAt: l.StartedAt, Seconds: l.DurationSeconds,
		Media: l.Media, Endpoint: l.EndpointType, Feature: l.Feature, Outcome: l.QueueOutcome}
	if l.LocationID != nil {
		out.LocationID = *l.LocationID
	}
	if l.QueueID != nil {
		out.QueueID = *l.QueueID
	}
	if l.JitterMs != nil && l.LatencyMs != nil && l.PacketLossPct != nil {
		out.Metrics = &Metrics{JitterMs: *l.JitterMs, LatencyMs: *l.LatencyMs, PacketLossPercent: *l.PacketLossPct}
	}
	if l.WaitSeconds != nil {
		out.Wait = *l.WaitSeconds
	}
	return out
}

// callKey names a call: its customer and call ID.
type callKey struct {
	customerID int
	callID     string
}

// callChunk bounds the call IDs of one lookup.
const callChunk = 500

// Record brings the rollups up to date with legs just stored in tx: for each call they
// belong to, it adds the call's contribution with every leg now stored and subtracts its
// contribution without the new ones. Callers serialise ingests of a customer (they lock
// its row), so the legs read here are all the call has.
func Record(ctx context.Context, tx *ent.Tx, stored []*ent.CallLeg, t Thresholds) error {
	fresh := map[callKey][]Leg{}
	for _, l := range stored {
		k := callKey{l.CustomerID, l.CallID}
		fresh[k] = append(fresh[k], LegOf(l))
	}
	earlier, err := earlierLegsOf(ctx, tx, stored, slices.Collect(maps.Keys(fresh)))
	if err != nil {
		return err
	}
	d := NewDelta()
	for k, legs := range fresh {
		before := earlier[k]
		d.AddCall(append(slices.Clip(before), legs...), 1, t)
		d.AddCall(before, -1, t)
	}
	return Apply(ctx, tx, d)
}

// earlierLegsOf returns, by call, the legs of the calls in keys stored before stored (a
// leg ID names one leg of the partner).
func earlierLegsOf(ctx context.Context, tx *ent.Tx, stored []*ent.CallLeg, keys []callKey) (map[callKey][]Leg, error) {
	isFresh := make(map[string]bool, len(stored))
	for _, l := range stored {
		isFresh[l.LegID] = true
	}
	if sqlTx := storage.PostgresTx(ctx); sqlTx != nil {
		return earlierLegs(ctx, sqlTx, keys, isFresh)
	}
	calls := make(map[callKey]bool, len(keys))
	for _, k := range keys {
		calls[k] = true
	}
	out := map[callKey][]Leg{}
	for part := range slices.Chunk(keys, callChunk) {
		custs, ids := make([]int, len(part)), make([]string, len(part))
		for i, k := range part {
			custs[i], ids[i] = k.customerID, k.callID
		}
		legs, err := tx.CallLeg.Query().Where(callleg.CustomerIDIn(custs...), callleg.CallIDIn(ids...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the legs of %d calls: %w", len(part), err)
		}
		for _, l := range legs {
			if k := (callKey{l.CustomerID, l.CallID}); calls[k] && !isFresh[l.LegID] {
				out[k] = append(out[k], LegOf(l))
			}
		}
	}
	return out, nil
}
