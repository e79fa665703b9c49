package app

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/week"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

const callingSubscription = `subscription { callingAnalyticsUpdated { week usageTrend(weeks: 1) { calls legs } } }`

// liveCalling is what callingAnalyticsUpdated sends.
type liveCalling struct {
	CallingAnalyticsUpdated struct {
		Week       string
		UsageTrend []struct{ Calls, Legs int }
	}
}

// ingestLeg posts one ingestCallLegs leg of live-1 and fails on errors.
func ingestLeg(t *testing.T, w liveWorld, legID string, at time.Time) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($l: [CallLegInput!]!) { ingestCallLegs(input: {legs: $l}) { failed } }`,
		"variables": map[string]any{"l": []map[string]any{{"legId": legID, "callId": "call-" + legID, "customerExternalId": "live-1",
			"userId": "u", "startedAt": at.Format(time.RFC3339), "durationSeconds": 60, "direction": "OUTBOUND", "media": "AUDIO", "endpointType": "DESK_PHONE"}}},
	})
	if resp := postRaw(t, w.srvA, w.writer, body); len(resp.Errors) > 0 || resp.Data["ingestCallLegs"].(map[string]any)["failed"].(float64) != 0 {
		t.Fatalf("ingest failed: %+v %v", resp.Errors, resp.Data)
	}
}

// TestLiveCallingAnalytics: a subscriber gets the calling analytics of the last completed
// week on subscribe, again after an ingest that changes them, nothing after one that leaves
// them equal (a re-sent leg, a leg of the current week), and the next week's once it has
// completed.
func TestLiveCallingAnalytics(t *testing.T) {
	// Tokens outlive the week the clock is moved on by.
	w := newLiveWorld(t, 1, map[string]string{"PARTNERHUB_TOKEN_TTL": "720h"})
	sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvB), mustToken(t, w.a, w.f.admins[enum.RoleReadOnlyAdmin]), callingSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	next := func(d time.Duration) (liveCalling, error) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var got liveCalling
		data, err := sub.Next(ctx)
		if err != nil {
			return got, err
		}
		return got, json.Unmarshal(data, &got)
	}
	last := week.LastCompleted(time.Now())
	first, err := next(5 * time.Second)
	if err != nil || first.CallingAnalyticsUpdated.Week != last.Format(time.DateOnly) || first.CallingAnalyticsUpdated.UsageTrend[0].Calls != 0 {
		t.Fatalf("first = %+v (%v), want week %s without calls", first, err, last.Format(time.DateOnly))
	}
	ingestLeg(t, w, "l1", last.Add(30*time.Hour))
	if got, err := next(5 * time.Second); err != nil || got.CallingAnalyticsUpdated.UsageTrend[0].Calls != 1 {
		t.Fatalf("after a leg of the week = %+v (%v), want 1 call", got, err)
	}
	ingestLeg(t, w, "l1", last.Add(30*time.Hour))                  // re-sent: nothing changes
	ingestLeg(t, w, "l2", week.Start(time.Now()).Add(time.Minute)) // the current week: not shown yet
	if got, err := next(1500 * time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %+v (%v) after changes that leave the figures equal", got, err)
	}
	// Just past Sunday 00:00 the current week has completed: its leg shows, within a minute
	// or at the next notification (a leg of the new current week, not shown itself).
	w.skew.Store(int64(time.Until(week.Start(time.Now()).AddDate(0, 0, 7)) + time.Minute))
	ingestLeg(t, w, "l3", time.Now().Add(time.Duration(w.skew.Load())))
	got, err := next(5 * time.Second)
	if err != nil || got.CallingAnalyticsUpdated.Week != last.AddDate(0, 0, 7).Format(time.DateOnly) || got.CallingAnalyticsUpdated.UsageTrend[0].Calls != 1 {
		t.Fatalf("a week later = %+v (%v), want the next week with its call", got, err)
	}
}
