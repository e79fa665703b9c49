package graph

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// weekRow names a week rollup: customer and week.
type weekRow struct{ customer, week int }

// weekColumns are the week rollup's figures.
var weekColumns = append(append([]string{}, calling.Counters...), calling.UserCounters...)

// storedWeeks reads the week rollups, leaving out those with nothing in them.
func (s *callingScene) storedWeeks(t *testing.T) map[weekRow][]int64 {
	return s.storedRows(t, "customer_id", "calling_weeks")
}

// storedRows reads the figures of table by key (its first column) and week, leaving out
// the rows with nothing in them.
func (s *callingScene) storedRows(t *testing.T, key, table string) map[weekRow][]int64 {
	t.Helper()
	rows, err := s.h.client.QueryContext(s.h.sys, "SELECT "+key+", week, "+strings.Join(weekColumns, ", ")+" FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[weekRow][]int64{}
	for rows.Next() {
		var k weekRow
		v := make([]int64, len(weekColumns))
		dest := []any{&k.customer, &k.week}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, make([]int64, len(v))) {
			out[k] = v
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// weeksFromLegs recomputes the week rollups from the raw legs, each call with all its
// legs, under each partner's thresholds as stored now.
func (s *callingScene) weeksFromLegs(t *testing.T) map[weekRow][]int64 {
	t.Helper()
	d := calling.NewDelta()
	calls := map[[2]any][]calling.Leg{}
	for _, l := range s.h.client.CallLeg.Query().Order(callleg.ByID()).AllX(s.h.sys) {
		k := [2]any{l.CustomerID, l.CallID}
		calls[k] = append(calls[k], calling.LegOf(l))
	}
	for _, legs := range calls {
		c := s.h.client.Customer.GetX(s.h.sys, legs[0].CustomerID)
		d.AddCall(legs, 1, calling.ThresholdsOf(s.h.client.Partner.GetX(s.h.sys, c.PartnerID).Settings))
	}
	out := map[weekRow][]int64{}
	row := func(k weekRow) []int64 {
		if out[k] == nil {
			out[k] = make([]int64, len(weekColumns))
		}
		return out[k]
	}
	for k, c := range d.Days {
		r := row(weekRow{k.CustomerID, int(k.Day.Week())})
		for i, n := range c {
			r[i] += n
		}
	}
	users := len(calling.Counters)
	for k, n := range d.Users {
		if n <= 0 {
			continue
		}
		r := row(weekRow{k.CustomerID, int(k.Week)})
		r[users]++
		switch {
		case n <= 5:
			r[users+1]++
		case n <= 20:
			r[users+2]++
		default:
			r[users+3]++
		}
	}
	for k, v := range out {
		if reflect.DeepEqual(v, make([]int64, len(v))) {
			delete(out, k)
		}
	}
	return out
}

// storedPartnerWeeks reads the partners' calling weeks, by partner (in weekRow's customer)
// and week, leaving out those with nothing in them.
func (s *callingScene) storedPartnerWeeks(t *testing.T) map[weekRow][]int64 {
	return s.storedRows(t, "partner_id", "calling_partner_weeks")
}

// partnerWeeksOf sums weeks (by customer and week) by partner and week, over the customers
// that have a current Calling line now.
func (s *callingScene) partnerWeeksOf(weeks map[weekRow][]int64) map[weekRow][]int64 {
	out := map[weekRow][]int64{}
	for k, v := range weeks {
		c := s.h.client.Customer.GetX(s.h.sys, k.customer)
		if !slices.Contains(status.Products(c.CurrentProducts), enum.ProductCalling) {
			continue
		}
		p := weekRow{c.PartnerID, k.week}
		if out[p] == nil {
			out[p] = make([]int64, len(v))
		}
		for i, n := range v {
			out[p][i] += n
		}
	}
	return out
}

// wantWeeksFromLegs checks that every week rollup is what the raw legs give, and every
// partner's calling week the sum of its customers' with Calling.
func (s *callingScene) wantWeeksFromLegs(t *testing.T, when string) {
	t.Helper()
	got, want := s.storedWeeks(t), s.weeksFromLegs(t)
	if len(want) == 0 {
		t.Fatalf("%s: no legs to roll up", when)
	}
	for k, w := range want {
		if g := got[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s: week %d of customer %d = %v, legs give %v", when, k.week, k.customer, g, w)
		}
	}
	for k, g := range got {
		if want[k] == nil {
			t.Errorf("%s: week %d of customer %d = %v, legs give nothing", when, k.week, k.customer, g)
		}
	}
	gotP, wantP := s.storedPartnerWeeks(t), s.partnerWeeksOf(want)
	if !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("%s: partners' calling weeks = %v, their customers' with Calling give %v", when, gotP, wantP)
	}
}

// TestCallingPartnerWeeksFollowCalling: a customer's calls count in the analytics of a
// viewer who sees every customer once it has a current Calling line, and no longer once
// it has none, with the partner's weeks what its customers' give at each step.
func TestCallingPartnerWeeksFollowCalling(t *testing.T) {
	s := newCallingScene(t)
	full, admin := s.h.as(s.w.full), s.h.as(s.w.admin)
	// The week of 2026-03-08: Charlie's two calls by one user count only with Calling.
	week := map[string]any{"week": "2026-03-08"}
	lastPoint := func(who string) map[string]any {
		var points []map[string]any
		if err := json.Unmarshal(s.analytics(t, who, week)["usageTrend"], &points); err != nil {
			t.Fatal(err)
		}
		p := points[len(points)-1]
		return map[string]any{"calls": p["calls"], "legs": p["legs"], "activeUsers": p["activeUsers"]}
	}
	without := map[string]any{"calls": 68.0, "legs": 69.0, "activeUsers": 8.0}
	with := map[string]any{"calls": 70.0, "legs": 71.0, "activeUsers": 9.0}
	adminSees := lastPoint(admin)
	for _, step := range []struct {
		what, state string
		want        map[string]any
	}{
		{"before", "", without},
		{"Charlie's Calling subscription ACTIVE", "ACTIVE", with},
		{"Charlie's Calling subscription CANCELLED", "CANCELLED", without},
		{"Charlie's Calling subscription ACTIVE again", "ACTIVE", with},
	} {
		if step.state != "" {
			sub := subscriptionItem("charlie", "S-CHARLIE", 5)
			sub["state"] = step.state
			if out := s.h.ingest(t, s.ingester, "upsertSubscriptions", upsertSubsQ, "subscriptions", []any{sub}); out.Stored != 1 {
				t.Fatalf("%s: upsertSubscriptions = %+v", step.what, out)
			}
		}
		s.wantWeeksFromLegs(t, step.what)
		if got := lastPoint(full); !reflect.DeepEqual(got, step.want) {
			t.Errorf("%s: FULL_ADMIN's week = %v, want %v", step.what, got, step.want)
		}
		if got := lastPoint(admin); !reflect.DeepEqual(got, adminSees) {
			t.Errorf("%s: the ADMIN of Acme alone sees %v, want %v as before", step.what, got, adminSees)
		}
	}
}

// TestCallingWeekRollups: the week rollups stay what the raw legs give through late legs
// of past weeks, a late leg that moves a call's earliest leg to another week and day,
// re-sent legs, and a rebuild after new thresholds.
func TestCallingWeekRollups(t *testing.T) {
	s := newCallingScene(t)
	s.wantWeeksFromLegs(t, "first batch")
	late := []any{
		callLeg("late2", "clate2", "acme", "u-late", "2026-02-24T09:00:00Z", 60, queued("ABANDONED", 12)),
		callLeg("late1", "clate1", "bravo", "u5", "2026-03-02T09:00:00Z", 60, metrics(200, 1, 1)),
		// cmove's earliest leg is now in the week before, at the branch.
		callLeg("m0", "cmove", "acme", "u-m", "2026-03-03T09:00:00Z", 60, map[string]any{"locationExternalId": "acme-branch"}),
		// Another call of u6 (6 calls): now 7, still 6–20; u5 moves from 1–5 to 6–20.
		callLeg("u5-more", "cu5-more", "bravo", "u5", "2026-03-12T09:00:00Z", 60),
		callLeg("u20-more", "cu20-more", "bravo", "u20", "2026-03-12T09:00:00Z", 60),
	}
	if out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", late); out.Stored != len(late) {
		t.Fatalf("late legs = %+v", out)
	}
	s.wantWeeksFromLegs(t, "late legs")
	if out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", append(s.first, late...)); out.Stored != 0 {
		t.Fatalf("re-sent legs stored %d", out.Stored)
	}
	s.wantWeeksFromLegs(t, "re-sent legs")
	var out struct{ UpdatePartnerSettings struct{ HorizonDays int } }
	s.h.mustDo(t, s.h.as(s.w.full), updateSettingsQ, map[string]any{"in": map[string]any{
		"callQualityThresholds": map[string]any{"jitterMs": 1000, "latencyMs": 1000, "packetLossPercent": 60}}}, &out)
	s.h.resolver.Rebuilds.Wait()
	s.wantWeeksFromLegs(t, "new thresholds")
}

// TestCallingBackfillWeeks: customers rolled up before the week rollups existed (here: the
// week rollups deleted) get them from their day and user-week rollups, once.
func TestCallingBackfillWeeks(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	before := s.analytics(t, who, nil)
	s.h.client.CallingWeek.Delete().ExecX(s.h.sys)
	if _, err := s.h.client.ExecContext(s.h.sys, "DELETE FROM calling_partner_weeks"); err != nil {
		t.Fatal(err)
	}
	s.h.announce(s.w.partner.ID)
	if empty := s.analytics(t, who, nil); reflect.DeepEqual(before, empty) {
		t.Fatal("the figures did not change without the week rollups")
	}
	n, err := calling.BackfillWeeks(context.Background(), s.h.client)
	if err != nil || n == 0 {
		t.Fatalf("BackfillWeeks = %d, %v; want the scene's customers rolled up", n, err)
	}
	s.h.announce(s.w.partner.ID)
	if after := s.analytics(t, who, nil); !reflect.DeepEqual(before, after) {
		t.Errorf("figures after the backfill differ:\nbefore %v\nafter  %v", before, after)
	}
	s.wantWeeksFromLegs(t, "backfill")
	if again, err := calling.BackfillWeeks(context.Background(), s.h.client); err != nil || again != 0 {
		t.Errorf("a second BackfillWeeks rolled up %d customers (%v), want none", again, err)
	}
}

// TestCallingAnalyzeWeeks: on PostgreSQL, week rollups the planner knows nothing of are
// analysed once; then they are left to autovacuum.
func TestCallingAnalyzeWeeks(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := context.Background()
	w := db.Client.Partner.Create().SetName("Analysed").SetOrgID("analysed").SaveX(viewer.SystemContext(ctx))
	c := db.Client.Customer.Create().SetPartnerID(w.ID).SetName("A").SetOrgID("analysed-a").SetRegion(enum.RegionUS).SetCountry("US").SaveX(viewer.SystemContext(ctx))
	db.Client.CallingWeek.Create().SetPartnerID(w.ID).SetCustomerID(c.ID).SetWeek(20000).SetCalls(1).SaveX(viewer.SystemContext(ctx))
	for i, want := range []bool{storagetest.Postgres(), false} {
		if ok, err := calling.AnalyzeWeeks(ctx, db.SQL, db.Dialect); err != nil || ok != want {
			t.Errorf("AnalyzeWeeks #%d = %t, %v; want %t", i+1, ok, err, want)
		}
	}
}

// TestCallingBackfillPartnerWeeks: partners rolled up before their calling weeks existed
// (here: the calling weeks deleted) get them from their customers' week rollups, once.
func TestCallingBackfillPartnerWeeks(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	before := s.analytics(t, who, nil)
	if _, err := s.h.client.ExecContext(s.h.sys, "DELETE FROM calling_partner_weeks"); err != nil {
		t.Fatal(err)
	}
	s.h.announce(s.w.partner.ID)
	if empty := s.analytics(t, who, nil); reflect.DeepEqual(before, empty) {
		t.Fatal("the figures did not change without the partner's calling weeks")
	}
	if n, err := calling.BackfillPartnerWeeks(context.Background(), s.h.client); err != nil || n != 2 {
		t.Fatalf("BackfillPartnerWeeks = %d, %v; want both partners' weeks set", n, err)
	}
	s.h.announce(s.w.partner.ID)
	if after := s.analytics(t, who, nil); !reflect.DeepEqual(before, after) {
		t.Errorf("figures after the backfill differ:\nbefore %v\nafter  %v", before, after)
	}
	s.wantWeeksFromLegs(t, "backfill")
	if again, err := calling.BackfillPartnerWeeks(context.Background(), s.h.client); err != nil || again != 0 {
		t.Errorf("a second BackfillPartnerWeeks set %d partners (%v), want none", again, err)
	}
}
