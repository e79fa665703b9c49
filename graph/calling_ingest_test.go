package graph

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// callLeg is an ingestCallLegs item: an unmeasured AUDIO desk-phone leg; with sets more keys.
func callLeg(legID, callID, customerExt, user, startedAt string, seconds int, with ...map[string]any) map[string]any {
	l := map[string]any{"legId": legID, "callId": callID, "customerExternalId": customerExt, "userId": user,
		"startedAt": startedAt, "durationSeconds": seconds, "direction": "OUTBOUND", "media": "AUDIO", "endpointType": "DESK_PHONE"}
	for _, w := range with {
		for k, v := range w {
			l[k] = v
		}
	}
	return l
}

func metrics(jitter, latency, loss float64) map[string]any {
	return map[string]any{"jitterMs": jitter, "latencyMs": latency, "packetLossPercent": loss}
}

func queued(outcome string, wait int) map[string]any {
	return map[string]any{"feature": "CALL_QUEUE", "queueExternalId": "q-sales", "queueOutcome": outcome, "waitSeconds": wait}
}

// callingScene is a partner with two Calling customers (Acme, assigned to the ADMIN, with
// a queue and two locations; Bravo), a Meetings-only one (Charlie) and a foreign partner
// with a Calling customer; the analysed week is the last completed one, 2026-03-08.
type callingScene struct {
	h                   *harness
	w, foreign          world
	acme                *ent.Customer
	ingester, foreignIn string
	first               []any // the first batch of legs
}

func newCallingScene(t *testing.T) *callingScene {
	h := newHarness(t)
	s := &callingScene{h: h, w: h.newWorld("Calling"), foreign: h.newWorld("Foreign calling")}
	line := func(p enum.Product) []subSpec {
		return []subSpec{{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(200), lines: []lineSpec{{product: p, total: 50, assigned: 10}}}}
	}
	s.acme = h.mustCustomer(s.w, customerSpec{name: "Acme", externalID: "acme", subs: line(enum.ProductCalling), assignedTo: []*ent.Admin{s.w.admin}})
	h.mustCustomer(s.w, customerSpec{name: "Bravo", externalID: "bravo", region: enum.RegionEU, subs: line(enum.ProductCalling)})
	h.mustCustomer(s.w, customerSpec{name: "Charlie", externalID: "charlie", subs: line(enum.ProductMeetings)})
	h.mustCustomer(s.foreign, customerSpec{name: "Foreign", externalID: "acme", subs: line(enum.ProductCalling)})
	for _, ext := range []string{"acme-hq", "acme-branch"} {
		h.client.Location.Create().SetPartnerID(s.w.partner.ID).SetCustomerID(s.acme.ID).SetExternalID(ext).SetName(ext).SetCountry("US").SaveX(h.sys)
	}
	s.ingester = h.asToken(s.w.full, viewer.ScopeIngest)
	s.foreignIn = h.asToken(s.foreign.full, viewer.ScopeIngest)
	queue := map[string]any{"customerExternalId": "acme", "externalId": "q-sales", "name": "Sales", "locationExternalId": "acme-hq"}
	if out := h.ingest(t, s.ingester, "upsertCallQueues", callQueuesQ, "queues", []any{queue}); out.Stored != 1 || out.Failed != 0 {
		t.Fatalf("upsertCallQueues = %+v", out)
	}
	if out := h.ingest(t, s.ingester, "upsertCallQueues", callQueuesQ, "queues", []any{queue}); out.Stored != 0 || out.Results[0].Changed {
		t.Fatalf("upsertCallQueues again = %+v, want nothing stored", out)
	}
	hq := map[string]any{"locationExternalId": "acme-hq"}
	// Acme in the week of 2026-03-08: the poor-leg boundaries, one leg each of a call of u-q.
	s.first = []any{
		callLeg("q1", "cq1", "acme", "u-q", "2026-03-09T10:00:00Z", 60, metrics(150, 400, 5), map[string]any{"endpointType": "WEBEX_APP"}),
		callLeg("q2", "cq2", "acme", "u-q", "2026-03-09T10:01:00Z", 60, metrics(150.1, 400, 5), map[string]any{"media": "VIDEO"}),
		callLeg("q3", "cq3", "acme", "u-q", "2026-03-09T10:02:00Z", 60, metrics(150, 401, 5), map[string]any{"endpointType": "ROOM_DEVICE"}),
		callLeg("q4", "cq4", "acme", "u-q", "2026-03-09T10:03:00Z", 60, metrics(150, 400, 5.01), map[string]any{"endpointType": "OTHER"}),
		callLeg("q5", "cq5", "acme", "u-q", "2026-03-09T10:04:00Z", 60, map[string]any{"endpointType": "WEBEX_APP"}),
		// The week boundary: Saturday 23:59:59 belongs to the week before, Sunday 00:00 to this one.
		callLeg("sat", "csat", "acme", "u-b", "2026-03-07T23:59:59Z", 60),
		callLeg("sun", "csun", "acme", "u-b", "2026-03-08T00:00:00Z", 60),
		// A hunt-group call of two legs and an auto-attendant call.
		callLeg("hg1", "chg", "acme", "u-b", "2026-03-10T09:00:00Z", 30, map[string]any{"feature": "HUNT_GROUP", "direction": "INBOUND"}),
		callLeg("hg2", "chg", "acme", "u-b", "2026-03-10T09:00:05Z", 30),
		callLeg("aa", "caa", "acme", "u-b", "2026-03-10T11:00:00Z", 60, map[string]any{"feature": "AUTO_ATTENDANT"}),
		// Seven queued calls of the agent.
		callLeg("qa1", "cqa1", "acme", "agent", "2026-03-11T09:00:00Z", 60, queued("ANSWERED", 10)),
		callLeg("qa2", "cqa2", "acme", "agent", "2026-03-11T09:10:00Z", 60, queued("ANSWERED", 30)),
		callLeg("qa3", "cqa3", "acme", "agent", "2026-03-11T09:20:00Z", 60, queued("TRANSFERRED", 20)),
		callLeg("qa4", "cqa4", "acme", "agent", "2026-03-11T09:30:00Z", 60, queued("ABANDONED", 40)),
		callLeg("qa5", "cqa5", "acme", "agent", "2026-03-11T09:40:00Z", 60, queued("ABANDONED", 60)),
		callLeg("qa6", "cqa6", "acme", "agent", "2026-03-11T09:50:00Z", 60, queued("TIMED_OUT", 300)),
		callLeg("qa7", "cqa7", "acme", "agent", "2026-03-11T10:00:00Z", 60, queued("OVERFLOW", 5)),
		// A call at the head office that a late leg will move to the week before.
		callLeg("m1", "cmove", "acme", "u-m", "2026-03-10T10:00:00Z", 60, hq),
		// Charlie has no Calling: never counted.
		callLeg("c1", "cc1", "charlie", "u-c", "2026-03-09T10:00:00Z", 60),
		callLeg("c2", "cc2", "charlie", "u-c", "2026-03-09T11:00:00Z", 60),
	}
	// Bravo's users with 5, 6, 20 and 21 one-leg calls in the week.
	for _, n := range []int{5, 6, 20, 21} {
		for i := range n {
			user := fmt.Sprintf("u%d", n)
			at := time.Date(2026, 3, 9, 8, n, i, 0, time.UTC).Format(time.RFC3339)
			s.first = append(s.first, callLeg(fmt.Sprintf("b-%s-%d", user, i), fmt.Sprintf("cb-%s-%d", user, i), "bravo", user, at, 60))
		}
	}
	if out := h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", s.first); out.Stored != len(s.first) || out.Failed != 0 {
		t.Fatalf("ingestCallLegs stored %d, failed %d of %d: %+v", out.Stored, out.Failed, len(s.first), out.Results)
	}
	foreign := []any{
		callLeg("q1", "cq1", "acme", "u-q", "2026-03-09T10:00:00Z", 600, metrics(900, 900, 50)),
		callLeg("f2", "cf2", "acme", "u-f", "2026-03-09T10:00:00Z", 600, metrics(900, 900, 50)),
	}
	if out := h.ingest(t, s.foreignIn, "ingestCallLegs", callLegsQ, "legs", foreign); out.Stored != 2 {
		t.Fatalf("foreign ingestCallLegs = %+v", out)
	}
	return s
}

// TestCallLegValidation: each bad leg gets its own error while the good one is stored.
func TestCallLegValidation(t *testing.T) {
	s := newCallingScene(t)
	at := "2026-03-16T10:00:00Z"
	legs := []any{
		callLeg("ok", "c-ok", "acme", "u", at, 60),
		callLeg("neg", "c", "acme", "u", at, -1),
		callLeg("loss", "c", "acme", "u", at, 60, metrics(1, 1, 101)),
		callLeg("partial", "c", "acme", "u", at, 60, map[string]any{"jitterMs": 3}),
		callLeg("future", "c", "acme", "u", "2026-03-18T12:05:01Z", 60),
		callLeg("old", "c", "acme", "u", "1999-12-31T23:59:59Z", 60),
		callLeg("nocust", "c", "nobody", "u", at, 60),
		callLeg("noqueue", "c", "acme", "u", at, 60, queued("ANSWERED", 3), map[string]any{"queueExternalId": "q-none"}),
		callLeg("noloc", "c", "acme", "u", at, 60, map[string]any{"locationExternalId": "elsewhere"}),
		callLeg("nooutcome", "c", "acme", "u", at, 60, map[string]any{"queueExternalId": "q-sales"}),
		callLeg("ok", "c-ok", "acme", "u", at, 60),
	}
	out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", legs)
	want := []string{"", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT",
		"NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "BAD_USER_INPUT", ""}
	for i, r := range out.Results {
		code := ""
		if r.Error != nil {
			code = r.Error.Code
		}
		if code != want[i] {
			t.Errorf("leg %d: code %q, want %q (%+v)", i, code, want[i], r.Error)
		}
	}
	if out.Stored != 1 || out.Failed != 9 || !out.Results[0].Created || out.Results[10].Created {
		t.Errorf("stored %d, failed %d; want the first leg stored, its repeat unchanged", out.Stored, out.Failed)
	}
	t.Run("ADMIN, unassigned customer", func(t *testing.T) {
		out := s.h.ingest(t, s.h.asToken(s.w.admin, viewer.ScopeIngest), "ingestCallLegs", callLegsQ, "legs", []any{callLeg("b-x", "c", "bravo", "u", at, 60)})
		if out.Failed != 1 || out.Results[0].Error.Code != "NOT_FOUND" {
			t.Errorf("got %+v, want NOT_FOUND", out.Results)
		}
	})
}

// TestCallLegBatchSize: a batch of 5 000 legs is stored whole (in chunks below the
// databases' limits), one leg more is refused.
func TestCallLegBatchSize(t *testing.T) {
	s := newCallingScene(t)
	legs := make([]any, 5000)
	for i := range legs {
		at := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		legs[i] = callLeg(fmt.Sprintf("bulk-%d", i), fmt.Sprintf("bulk-call-%d", i/2), "bravo", fmt.Sprintf("bulk-user-%d", i%700), at, 30)
	}
	if out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", legs); out.Stored != 5000 || out.Failed != 0 {
		t.Fatalf("stored %d, failed %d of 5000", out.Stored, out.Failed)
	}
	var got struct {
		CallingAnalytics struct {
			UsageTrend []struct{ Calls, Legs, ActiveUsers int }
		}
	}
	s.h.mustDo(t, s.h.as(s.w.full), `{ callingAnalytics { usageTrend(weeks: 1) { calls legs activeUsers } } }`, nil, &got)
	// 68 calls, 69 legs and 8 users before; 2 500 calls of two legs by 700 new users now.
	if p := got.CallingAnalytics.UsageTrend[0]; p.Calls != 68+2500 || p.Legs != 69+5000 || p.ActiveUsers != 8+700 {
		t.Errorf("week = %+v, want 2568 calls, 5069 legs, 708 active users", p)
	}
	resp := s.h.do(t, s.ingester, callLegsQ, in(map[string]any{"legs": append(legs, callLeg("one-more", "c", "bravo", "u", "2026-03-10T00:00:00Z", 1))}))
	if code := resp.code(); code != "BAD_USER_INPUT" {
		t.Errorf("5 001 legs: code %q, want BAD_USER_INPUT", code)
	}
}

// TestCallLegBatchStatements: every SQL statement of an ingest is counted, those sent on
// the transaction's own handle (PostgreSQL's COPY, the rollups' upserts) too: a batch of
// new legs runs as many whatever its size, 14 on PostgreSQL; the same batch sent again is
// stored as duplicates and changes no figure.
func TestCallLegBatchStatements(t *testing.T) {
	s := newCallingScene(t)
	batch := func(prefix string, n int) []any {
		legs := make([]any, n)
		for i := range legs {
			at := time.Date(2026, 3, 10, 8, 0, i, 0, time.UTC).Format(time.RFC3339)
			legs[i] = callLeg(fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("%s-call-%d", prefix, i/2), "bravo", fmt.Sprintf("%s-user-%d", prefix, i%7), at, 30)
		}
		return legs
	}
	ingest := func(legs []any) int64 {
		if out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", legs); out.Stored != len(legs) || out.Failed != 0 {
			t.Fatalf("stored %d, failed %d of %d new legs", out.Stored, out.Failed, len(legs))
		}
		return s.h.lastStatements()
	}
	small, large := ingest(batch("small", 2)), ingest(batch("large", 80))
	if large != small {
		t.Errorf("a batch of 80 new legs ran %d SQL statements, one of 2 ran %d; want as many", large, small)
	}
	if want := int64(14); storagetest.Postgres() && large != want {
		t.Errorf("a batch of new legs ran %d SQL statements on PostgreSQL, want %d", large, want)
	}
	usage := func() string {
		var got json.RawMessage
		s.h.mustDo(t, s.h.as(s.w.full), `{ callingAnalytics { usageTrend(weeks: 1) { calls legs activeUsers } customerUsage(first: 5) { edges { node { calls legs minutes } } } } }`, nil, &got)
		return string(got)
	}
	before := usage()
	out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", batch("large", 80))
	if out.Stored != 0 || out.Failed != 0 || out.Results[0].Created || out.Results[0].Changed {
		t.Errorf("the batch sent again: %+v, want every leg unchanged", out)
	}
	if after := usage(); after != before {
		t.Errorf("the batch sent again changed the figures: %s, then %s", before, after)
	}
}

// TestCallLegsConcurrent: legs of the same calls ingested at the same moment by two
// requests still count each call once (ingests of a customer run one after the other).
func TestCallLegsConcurrent(t *testing.T) {
	s := newCallingScene(t)
	const calls = 20
	batch := func(part int) []any {
		legs := make([]any, calls)
		for i := range legs {
			at := time.Date(2026, 3, 12, 9, i, part, 0, time.UTC).Format(time.RFC3339)
			legs[i] = callLeg(fmt.Sprintf("conc-%d-%d", i, part), fmt.Sprintf("conc-call-%d", i), "bravo", fmt.Sprintf("conc-user-%d", part), at, 60)
		}
		return legs
	}
	done := make(chan ingestOut, 2)
	for part := range 2 {
		go func() {
			var out map[string]ingestOut
			resp := s.h.do(t, s.ingester, callLegsQ, in(map[string]any{"legs": batch(part)}))
			if len(resp.Errors) == 0 {
				_ = json.Unmarshal(resp.Data, &out)
			}
			done <- out["ingestCallLegs"]
		}()
	}
	for range 2 {
		if out := <-done; out.Stored != calls {
			t.Fatalf("a batch stored %d of %d legs", out.Stored, calls)
		}
	}
	var got struct {
		CallingAnalytics struct{ UsageTrend []struct{ Calls, Legs int } }
	}
	s.h.mustDo(t, s.h.as(s.w.full), `{ callingAnalytics { usageTrend(weeks: 1) { calls legs } } }`, nil, &got)
	if p := got.CallingAnalytics.UsageTrend[0]; p.Calls != 68+calls || p.Legs != 69+2*calls {
		t.Errorf("week = %+v, want %d calls and %d legs", p, 68+calls, 69+2*calls)
	}
}

// TestCallLegIDOfAnotherCustomer: a leg whose ID a leg of another customer of the partner
// has is refused with CONFLICT and changes no figure, a re-sent leg of the same customer is
// unchanged, and the other legs of the batch are stored.
func TestCallLegIDOfAnotherCustomer(t *testing.T) {
	s := newCallingScene(t)
	legs := []any{
		callLeg("q1", "cq1", "bravo", "u-x", "2026-03-09T12:00:00Z", 900),       // Acme's leg q1
		callLeg("sat", "csat", "acme", "u-b", "2026-03-07T23:59:59Z", 60),       // re-sent as it was
		callLeg("new-b", "c-new-b", "bravo", "u-x", "2026-03-09T12:00:00Z", 60), // new
	}
	out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", legs)
	if out.Stored != 1 || out.Failed != 1 || out.Results[0].Error == nil || out.Results[0].Error.Code != "CONFLICT" ||
		out.Results[1].Error != nil || out.Results[1].Created || !out.Results[2].Created {
		t.Fatalf("got %+v, want q1 refused (CONFLICT), sat unchanged, new-b stored", out.Results)
	}
	var got struct {
		CallingAnalytics struct {
			UsageTrend []struct{ Calls, Legs, ActiveUsers int }
		}
	}
	s.h.mustDo(t, s.h.as(s.w.full), `{ callingAnalytics { usageTrend(weeks: 1) { calls legs activeUsers } } }`, nil, &got)
	// 68 calls, 69 legs and 8 users before (see TestCallLegBatchSize); new-b adds one of each.
	if p := got.CallingAnalytics.UsageTrend[0]; p.Calls != 69 || p.Legs != 70 || p.ActiveUsers != 9 {
		t.Errorf("week = %+v, want 69 calls, 70 legs, 9 active users", p)
	}
}

// TestCallLegStoredMeanwhile: legs that another transaction stores after a batch looked
// their IDs up, committed while the batch writes its legs, are reported unchanged (of the
// same customer) or refused with CONFLICT (of another), and the rest of the batch is
// stored and counted once.
func TestCallLegStoredMeanwhile(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("the embedded database writes one transaction at a time")
	}
	s := newCallingScene(t)
	ctx := s.h.sys
	bravo := s.h.client.Customer.Query().Where(customer.PartnerID(s.w.partner.ID), customer.ExternalID("bravo")).OnlyX(ctx)
	other, err := s.h.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	for _, l := range []struct {
		legID    string
		customer int
	}{{"late-same", bravo.ID}, {"late-other", s.acme.ID}} {
		if _, err := other.ExecContext(ctx, `INSERT INTO call_legs (partner_id, customer_id, leg_id, call_id, user_id, started_at,
			duration_seconds, direction, media, endpoint_type, feature) VALUES ($1, $2, $3, $3, 'u-late', '2026-03-09T12:00:00Z', 60,
			'OUTBOUND', 'AUDIO', 'DESK_PHONE', 'NONE')`, s.w.partner.ID, l.customer, l.legID); err != nil {
			t.Fatal(err)
		}
	}
	legs := []any{
		callLeg("late-same", "late-same", "bravo", "u-late", "2026-03-09T12:00:00Z", 60),
		callLeg("late-other", "late-other", "bravo", "u-late", "2026-03-09T12:00:00Z", 60),
		callLeg("late-new", "late-new", "bravo", "u-late", "2026-03-09T12:00:00Z", 60),
	}
	done := make(chan ingestOut, 1)
	go func() {
		var out map[string]ingestOut
		resp := s.h.do(t, s.ingester, callLegsQ, in(map[string]any{"legs": legs}))
		if len(resp.Errors) > 0 {
			t.Errorf("ingestCallLegs: %v", resp.Errors)
		}
		_ = json.Unmarshal(resp.Data, &out)
		done <- out["ingestCallLegs"]
	}()
	// The batch waits for the other transaction's leg IDs once it writes its legs.
	for waiting, deadline := 0, time.Now().Add(time.Minute); waiting == 0; time.Sleep(10 * time.Millisecond) {
		if err := s.h.db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never waited for the other transaction's leg IDs")
		}
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	out := <-done
	if out.Stored != 1 || out.Failed != 1 || len(out.Results) != 3 || out.Results[0].Error != nil || out.Results[0].Created ||
		out.Results[1].Error == nil || out.Results[1].Error.Code != "CONFLICT" || !out.Results[2].Created {
		t.Fatalf("got %+v, want late-same unchanged, late-other refused (CONFLICT), late-new stored", out)
	}
	var got struct {
		CallingAnalytics struct{ UsageTrend []struct{ Calls, Legs int } }
	}
	s.h.mustDo(t, s.h.as(s.w.full), `{ callingAnalytics { usageTrend(weeks: 1) { calls legs } } }`, nil, &got)
	// 68 calls and 69 legs before (see TestCallLegBatchSize); late-new adds one of each.
	if p := got.CallingAnalytics.UsageTrend[0]; p.Calls != 69 || p.Legs != 70 {
		t.Errorf("week = %+v, want 69 calls and 70 legs", p)
	}
}
