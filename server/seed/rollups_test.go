package seed_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

// TestRunRollups: the seeded calling rollups are exactly what the rules make of the seeded
// legs, call by call, as ingest would have kept them.
func TestRunRollups(t *testing.T) {
	db := storagetest.MustOpen(t)
	res := mustRun(t, db, seed.Options{Seed: 3, Customers: 60, CallLegs: 2500, Now: now})
	ctx := viewer.SystemContext(context.Background())
	legs := db.Client.CallLeg.Query().Where(callleg.PartnerID(res.PartnerID)).AllX(ctx)
	calls := map[[2]any][]calling.Leg{}
	for _, l := range legs {
		k := [2]any{l.CustomerID, l.CallID}
		calls[k] = append(calls[k], calling.LegOf(l))
	}
	want := calling.NewDelta()
	for _, c := range calls {
		want.AddCall(c, 1, calling.ThresholdsOf(settings.Defaults))
	}
	want.Prune()
	got := calling.NewDelta()
	for _, d := range db.Client.CallingDay.Query().Where(callingday.PartnerID(res.PartnerID)).AllX(ctx) {
		c := countsOf(t, d)
		got.Days[calling.DayKey{CustomerID: d.CustomerID, LocationID: d.LocationID, QueueID: d.QueueID, Day: calling.Day(d.Day)}] = &c
	}
	for _, u := range db.Client.CallingUserWeek.Query().Where(callinguserweek.PartnerID(res.PartnerID)).AllX(ctx) {
		got.Users[calling.UserWeekKey{CustomerID: u.CustomerID, UserID: u.UserID, Week: calling.Day(u.Week)}] = u.Calls
	}
	if len(want.Days) == 0 || len(want.Users) == 0 {
		t.Fatalf("no rollups computed from %d legs", len(legs))
	}
	if !reflect.DeepEqual(got.Users, want.Users) {
		t.Errorf("%d user-week rows, want %d, or their calls differ", len(got.Users), len(want.Users))
	}
	if len(got.Days) != len(want.Days) {
		t.Errorf("%d day rows, want %d", len(got.Days), len(want.Days))
	}
	for k, w := range want.Days {
		if g := got.Days[k]; g == nil || *g != *w {
			t.Errorf("day %+v = %v, want %v", k, g, *w)
		}
	}
}

// countsOf reads a day row's counters by their column names, which its JSON form uses.
func countsOf(t *testing.T, d *ent.CallingDay) calling.Counts {
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	var c calling.Counts
	for i, col := range calling.Counters {
		n, _ := fields[col].(float64)
		c[i] = int64(n)
	}
	return c
}
