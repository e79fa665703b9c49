package calling

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
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
	fresh := map[int]bool{}
	calls := map[callKey]bool{}
	for _, l := range stored {
		fresh[l.ID] = true
		calls[callKey{l.CustomerID, l.CallID}] = true
	}
	byCall := map[callKey][]*ent.CallLeg{}
	keys := slices.Collect(maps.Keys(calls))
	for part := range slices.Chunk(keys, callChunk) {
		custs, ids := make([]int, len(part)), make([]string, len(part))
		for i, k := range part {
			custs[i], ids[i] = k.customerID, k.callID
		}
		legs, err := tx.CallLeg.Query().Where(callleg.CustomerIDIn(custs...), callleg.CallIDIn(ids...)).All(ctx)
		if err != nil {
			return fmt.Errorf("read the legs of %d calls: %w", len(part), err)
		}
		for _, l := range legs {
			if k := (callKey{l.CustomerID, l.CallID}); calls[k] {
				byCall[k] = append(byCall[k], l)
			}
		}
	}
	d := NewDelta()
	for _, legs := range byCall {
		var all, before []Leg
		for _, l := range legs {
			all = append(all, LegOf(l))
			if !fresh[l.ID] {
				before = append(before, LegOf(l))
			}
		}
		d.AddCall(all, 1, t)
		d.AddCall(before, -1, t)
	}
	return Apply(ctx, tx, d)
}
