package graph

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// TestCallLegRetention: legs started before the retention's cut are deleted, whole days
// at a time, for every partner; the figures, read from the rollups, stay as they were.
func TestCallLegRetention(t *testing.T) {
	s := newCallingScene(t)
	full := s.h.as(s.w.full)
	before := s.weekFigures(t, full)
	legs := func() int { return s.h.client.CallLeg.Query().CountX(s.h.sys) }
	total := legs()
	// Nine days at 2026-03-18 12:00 cut on 2026-03-09 00:00: the Saturday leg and the Sunday one go.
	cut := calling.RetentionCut(testNow, 9*24*time.Hour)
	if !cut.Time().Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("cut on %s, want 2026-03-09", cut.Time())
	}
	n, err := calling.PruneLegs(context.Background(), s.h.client, cut)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want the 2 legs of 2026-03-07 and 2026-03-08", n, err)
	}
	if left := legs(); left != total-2 || s.h.client.CallLeg.Query().Where(callleg.LegIDIn("sat", "sun")).ExistX(s.h.sys) {
		t.Errorf("%d legs left of %d, want sat and sun gone", left, total)
	}
	s.h.announce(s.w.partner.ID) // the cache would answer the same anyway: the rollups did not change
	if got := s.weekFigures(t, full); got != before {
		t.Errorf("figures after pruning = %v, want %v", got, before)
	}
	if n, err := calling.PruneLegs(context.Background(), s.h.client, cut); err != nil || n != 0 {
		t.Errorf("second pass pruned %d (%v), want 0", n, err)
	}
}
