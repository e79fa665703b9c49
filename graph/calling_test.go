package graph

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

const callingQ = `query($week: Date, $region: Region) { callingAnalytics(week: $week, region: $region) {
	week region regions callQualityThresholds { jitterMs latencyMs packetLossPercent }
	usageTrend(weeks: 2) { weekStart activeUsers users1To5Calls users6To20Calls usersOver20Calls calls legs }
	qualityTrend(weeks: 2) { weekStart legs measuredLegs poorLegs poorRatio { numerator denominator ratio } }
	qualityByEndpoint { endpointType legs measuredLegs poorLegs poorRatio { ratio } }
	featureUsage { huntGroupCalls autoAttendantCalls callQueueCalls }
	queueInsights { queueCalls averageTimeToAnswerSeconds averageWaitBeforeAbandonSeconds abandonedRate { numerator denominator ratio } answered abandoned timedOut overflow transferred }
	customerUsage { totalCount edges { node { customer { name } calls legs minutes videoMinutes activeUsers callsChange legsChange minutesChange activeUsersChange } } }
	customerQuality { totalCount edges { node { customer { name } legs measuredLegs poorLegs poorRatio { ratio } poorLegsChange } } }
	customerQueues { totalCount edges { node { customer { name } queueCalls averageTimeToAnswerSeconds averageWaitBeforeAbandonSeconds abandonedRate { ratio } answered abandoned timedOut overflow transferred } } }
} }`

// analytics returns callingAnalytics as who, for the default week unless vars say otherwise.
func (s *callingScene) analytics(t *testing.T, who string, vars map[string]any) map[string]json.RawMessage {
	t.Helper()
	var out struct{ CallingAnalytics map[string]json.RawMessage }
	s.h.mustDo(t, who, callingQ, vars, &out)
	return out.CallingAnalytics
}

// wantJSON fails t unless got and want hold the same JSON value.
func wantJSON(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s\nwant %s", what, got, want)
	}
}

// TestCallingAnalytics checks every figure of the last completed week against numbers
// worked out by hand from the scene's legs.
func TestCallingAnalytics(t *testing.T) {
	s := newCallingScene(t)
	got := s.analytics(t, s.h.as(s.w.full), nil)
	wantJSON(t, "week", got["week"], `"2026-03-08"`)
	wantJSON(t, "region", got["region"], `null`)
	wantJSON(t, "regions", got["regions"], `["US", "EU"]`)
	wantJSON(t, "callQualityThresholds", got["callQualityThresholds"], `{"jitterMs": 150, "latencyMs": 400, "packetLossPercent": 5}`)
	// The week before holds only the Saturday 23:59:59 leg; Bravo's users fall into the
	// buckets at 5/6 and 20/21 calls.
	wantJSON(t, "usageTrend", got["usageTrend"], `[
		{"weekStart": "2026-03-01", "activeUsers": 1, "users1To5Calls": 1, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 1, "legs": 1},
		{"weekStart": "2026-03-08", "activeUsers": 8, "users1To5Calls": 4, "users6To20Calls": 3, "usersOver20Calls": 1, "calls": 68, "legs": 69}]`)
	// 150/400/5 is good; 150.1 jitter, 401 latency and 5.01 loss are poor; q5 is unmeasured.
	wantJSON(t, "qualityTrend", got["qualityTrend"], `[
		{"weekStart": "2026-03-01", "legs": 1, "measuredLegs": 0, "poorLegs": 0, "poorRatio": {"numerator": 0, "denominator": 0, "ratio": null}},
		{"weekStart": "2026-03-08", "legs": 69, "measuredLegs": 4, "poorLegs": 3, "poorRatio": {"numerator": 3, "denominator": 4, "ratio": 0.75}}]`)
	wantJSON(t, "qualityByEndpoint", got["qualityByEndpoint"], `[
		{"endpointType": "WEBEX_APP", "legs": 2, "measuredLegs": 1, "poorLegs": 0, "poorRatio": {"ratio": 0}},
		{"endpointType": "DESK_PHONE", "legs": 65, "measuredLegs": 1, "poorLegs": 1, "poorRatio": {"ratio": 1}},
		{"endpointType": "ROOM_DEVICE", "legs": 1, "measuredLegs": 1, "poorLegs": 1, "poorRatio": {"ratio": 1}},
		{"endpointType": "OTHER", "legs": 1, "measuredLegs": 1, "poorLegs": 1, "poorRatio": {"ratio": 1}}]`)
	wantJSON(t, "featureUsage", got["featureUsage"], `{"huntGroupCalls": 1, "autoAttendantCalls": 1, "callQueueCalls": 7}`)
	// Time to answer (10 + 30 + 20) / 3; wait before abandon (40 + 60) / 2; 2 of 7 abandoned.
	queue := `"queueCalls": 7, "averageTimeToAnswerSeconds": 20, "averageWaitBeforeAbandonSeconds": 50,
		"answered": 2, "abandoned": 2, "timedOut": 1, "overflow": 1, "transferred": 1`
	wantJSON(t, "queueInsights", got["queueInsights"], `{`+queue+`, "abandonedRate": {"numerator": 2, "denominator": 7, "ratio": 0.2857142857142857}}`)
	wantJSON(t, "customerUsage", got["customerUsage"], `{"totalCount": 2, "edges": [
		{"node": {"customer": {"name": "Bravo"}, "calls": 52, "legs": 52, "minutes": 52, "videoMinutes": 0, "activeUsers": 4,
			"callsChange": 52, "legsChange": 52, "minutesChange": 52, "activeUsersChange": 4}},
		{"node": {"customer": {"name": "Acme"}, "calls": 16, "legs": 17, "minutes": 16, "videoMinutes": 1, "activeUsers": 4,
			"callsChange": 15, "legsChange": 16, "minutesChange": 15, "activeUsersChange": 3}}]}`)
	wantJSON(t, "customerQuality", got["customerQuality"], `{"totalCount": 2, "edges": [
		{"node": {"customer": {"name": "Acme"}, "legs": 17, "measuredLegs": 4, "poorLegs": 3, "poorRatio": {"ratio": 0.75}, "poorLegsChange": 3}},
		{"node": {"customer": {"name": "Bravo"}, "legs": 52, "measuredLegs": 0, "poorLegs": 0, "poorRatio": {"ratio": null}, "poorLegsChange": 0}}]}`)
	wantJSON(t, "customerQueues", got["customerQueues"], `{"totalCount": 1, "edges": [
		{"node": {"customer": {"name": "Acme"}, `+queue+`, "abandonedRate": {"ratio": 0.2857142857142857}}}]}`)

	t.Run("Per queue", func(t *testing.T) {
		q := s.h.client.CallQueue.Query().Where(callqueue.ExternalID("q-sales")).OnlyX(s.h.sys)
		var legs, abandoned, waits int64
		for _, d := range s.h.client.CallingDay.Query().Where(callingday.QueueID(q.ID)).AllX(s.h.sys) {
			legs, abandoned, waits = legs+d.QueueLegs, abandoned+d.Abandoned, waits+d.AbandonedWait
		}
		if legs != 7 || abandoned != 2 || waits != 100 {
			t.Errorf("queue q-sales: %d legs, %d abandoned waiting %d s; want 7, 2, 100", legs, abandoned, waits)
		}
	})
	t.Run("Region", func(t *testing.T) {
		eu := s.analytics(t, s.h.as(s.w.full), map[string]any{"region": "EU"})
		wantJSON(t, "customerUsage totalCount", json.RawMessage(mustField(t, eu["customerUsage"], "totalCount")), `1`)
		wantJSON(t, "featureUsage", eu["featureUsage"], `{"huntGroupCalls": 0, "autoAttendantCalls": 0, "callQueueCalls": 0}`)
	})
}

// mustField returns one field of a JSON object.
func mustField(t *testing.T, raw json.RawMessage, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[name]
}

// TestCallingLateLegs: a late leg of two weeks ago lands in that week, and a late leg
// that starts before a call's first leg moves the call to its own week and location.
func TestCallingLateLegs(t *testing.T) {
	s := newCallingScene(t)
	late := []any{
		callLeg("late", "clate", "acme", "u-late", "2026-03-02T09:00:00Z", 60),
		callLeg("m0", "cmove", "acme", "u-m", "2026-03-03T09:00:00Z", 60, map[string]any{"locationExternalId": "acme-branch"}),
	}
	if out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", late); out.Stored != 2 {
		t.Fatalf("late legs = %+v", out)
	}
	got := s.analytics(t, s.h.as(s.w.full), nil)
	// The call cmove now counts in the week of 2026-03-01; u-m still has a leg in both weeks.
	wantJSON(t, "usageTrend", got["usageTrend"], `[
		{"weekStart": "2026-03-01", "activeUsers": 3, "users1To5Calls": 3, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 3, "legs": 3},
		{"weekStart": "2026-03-08", "activeUsers": 8, "users1To5Calls": 4, "users6To20Calls": 3, "usersOver20Calls": 1, "calls": 67, "legs": 69}]`)
	wantJSON(t, "customerUsage Acme", mustEdge(t, got["customerUsage"], 1), `{"node": {"customer": {"name": "Acme"}, "calls": 15, "legs": 17,
		"minutes": 16, "videoMinutes": 1, "activeUsers": 4, "callsChange": 12, "legsChange": 14, "minutesChange": 13, "activeUsersChange": 1}}`)
	before := s.analytics(t, s.h.as(s.w.full), map[string]any{"week": "2026-03-01"})
	wantJSON(t, "week 2026-03-01", mustEdge(t, before["customerUsage"], 0), `{"node": {"customer": {"name": "Acme"}, "calls": 3, "legs": 3,
		"minutes": 3, "videoMinutes": 0, "activeUsers": 3, "callsChange": 3, "legsChange": 3, "minutesChange": 3, "activeUsersChange": 3}}`)
	// The call left the head office's day for the branch's.
	sites := map[int]string{}
	for _, l := range s.h.client.Location.Query().Where(location.CustomerID(s.acme.ID)).AllX(s.h.sys) {
		sites[l.ID] = l.ExternalID
	}
	calls := map[string]int64{}
	for _, d := range s.h.client.CallingDay.Query().Where(callingday.CustomerID(s.acme.ID), callingday.LocationIDNEQ(0)).AllX(s.h.sys) {
		calls[sites[d.LocationID]+" "+time.Unix(int64(d.Day)*86400, 0).UTC().Format(time.DateOnly)] = d.Calls
	}
	if !reflect.DeepEqual(calls, map[string]int64{"acme-hq 2026-03-10": 0, "acme-branch 2026-03-03": 1}) {
		t.Errorf("calls by location and day = %v", calls)
	}
}

// mustEdge returns the i-th edge of a connection.
func mustEdge(t *testing.T, conn json.RawMessage, i int) json.RawMessage {
	t.Helper()
	var edges []json.RawMessage
	if err := json.Unmarshal(mustField(t, conn, "edges"), &edges); err != nil || i >= len(edges) {
		t.Fatalf("edge %d of %s: %v", i, conn, err)
	}
	return edges[i]
}

// TestCallingReingest: sending the first batch again stores nothing and changes no figure.
func TestCallingReingest(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	before := s.analytics(t, who, nil)
	out := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", s.first)
	if out.Stored != 0 || out.Failed != 0 {
		t.Fatalf("re-ingest stored %d, failed %d", out.Stored, out.Failed)
	}
	for _, r := range out.Results {
		if r.Created || r.Changed || r.Error != nil {
			t.Fatalf("re-sent leg %d = %+v, want unchanged", r.Index, r)
		}
	}
	s.h.announce(s.w.partner.ID) // recompute rather than reuse cached figures
	if after := s.analytics(t, who, nil); !reflect.DeepEqual(before, after) {
		t.Errorf("figures changed on re-ingest:\nbefore %v\nafter  %v", before, after)
	}
}

// TestCallingVisibility: an ADMIN's analytics count only assigned customers, READ_ONLY_ADMIN
// sees the FULL_ADMIN's figures, the foreign partner only its own legs, and a token without
// analytics:read none.
func TestCallingVisibility(t *testing.T) {
	s := newCallingScene(t)
	full := `[{"weekStart": "2026-03-01", "activeUsers": 1, "users1To5Calls": 1, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 1, "legs": 1},
		{"weekStart": "2026-03-08", "activeUsers": 8, "users1To5Calls": 4, "users6To20Calls": 3, "usersOver20Calls": 1, "calls": 68, "legs": 69}]`
	cases := []struct {
		name, who, trend, usageCount, regions string
	}{
		{"FULL_ADMIN", s.h.as(s.w.full), full, "2", `["US", "EU"]`},
		{"READ_ONLY_ADMIN", s.h.as(s.w.readOnly), full, "2", `["US", "EU"]`},
		{"ADMIN", s.h.as(s.w.admin), `[{"weekStart": "2026-03-01", "activeUsers": 1, "users1To5Calls": 1, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 1, "legs": 1},
			{"weekStart": "2026-03-08", "activeUsers": 4, "users1To5Calls": 3, "users6To20Calls": 1, "usersOver20Calls": 0, "calls": 16, "legs": 17}]`, "1", `["US"]`},
		{"foreign FULL_ADMIN", s.h.as(s.foreign.full), `[{"weekStart": "2026-03-01", "activeUsers": 0, "users1To5Calls": 0, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 0, "legs": 0},
			{"weekStart": "2026-03-08", "activeUsers": 2, "users1To5Calls": 2, "users6To20Calls": 0, "usersOver20Calls": 0, "calls": 2, "legs": 2}]`, "1", `["US"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := s.analytics(t, c.who, nil)
			wantJSON(t, "usageTrend", got["usageTrend"], c.trend)
			wantJSON(t, "customerUsage totalCount", mustField(t, got["customerUsage"], "totalCount"), c.usageCount)
			wantJSON(t, "regions", got["regions"], c.regions)
		})
	}
	t.Run("ADMIN queues", func(t *testing.T) {
		got := s.analytics(t, s.h.as(s.w.admin), nil)
		wantJSON(t, "queueInsights", got["queueInsights"], `{"queueCalls": 7, "averageTimeToAnswerSeconds": 20, "averageWaitBeforeAbandonSeconds": 50,
			"answered": 2, "abandoned": 2, "timedOut": 1, "overflow": 1, "transferred": 1, "abandonedRate": {"numerator": 2, "denominator": 7, "ratio": 0.2857142857142857}}`)
	})
	t.Run("no analytics scope", func(t *testing.T) {
		if code := s.h.do(t, s.h.asToken(s.w.full, viewer.ScopeCustomersRead), callingQ, nil).code(); code != "FORBIDDEN" {
			t.Errorf("code = %s, want FORBIDDEN", code)
		}
	})
}

// TestCallingWeekArgument: the week must be the Sunday of a completed week.
func TestCallingWeekArgument(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	for _, c := range []struct{ name, query, code string }{
		{"Sunday of a completed week", `{ callingAnalytics(week: "2026-03-01") { week } }`, ""},
		{"a Monday", `{ callingAnalytics(week: "2026-03-09") { week } }`, "BAD_USER_INPUT"},
		{"the current week", `{ callingAnalytics(week: "2026-03-15") { week } }`, "BAD_USER_INPUT"},
		{"no weeks", `{ callingAnalytics { usageTrend(weeks: 0) { legs } } }`, "BAD_USER_INPUT"},
		{"too many weeks", `{ callingAnalytics { qualityTrend(weeks: 53) { legs } } }`, "BAD_USER_INPUT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code := s.h.do(t, who, c.query, nil).code(); code != c.code {
				t.Errorf("code = %q, want %q", code, c.code)
			}
		})
	}
}

// TestCallingCustomerPages: the customer tables sort by their figures and page both ways.
func TestCallingCustomerPages(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	type page struct {
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			EndCursor                    *string
		}
		Edges []struct {
			Node struct{ Customer struct{ Name string } }
		}
	}
	list := func(t *testing.T, table, args string, vars map[string]any) page {
		t.Helper()
		var out struct{ CallingAnalytics map[string]page }
		decl := ""
		if vars != nil {
			decl = "($after: Cursor)"
		}
		q := `query` + decl + ` { callingAnalytics { ` + table + `(` + args + `) { pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { customer { name } } } } } }`
		s.h.mustDo(t, who, q, vars, &out)
		return out.CallingAnalytics[table]
	}
	names := func(p page) []string {
		out := []string{}
		for _, e := range p.Edges {
			out = append(out, e.Node.Customer.Name)
		}
		return out
	}
	first := list(t, "customerUsage", "first: 1, orderBy: {field: CUSTOMER_NAME}", nil)
	wantNames(t, "first page by name", names(first), []string{"Acme"})
	if !first.PageInfo.HasNextPage || first.PageInfo.EndCursor == nil {
		t.Fatalf("first page = %+v, want a next page", first.PageInfo)
	}
	second := list(t, "customerUsage", "first: 1, after: $after, orderBy: {field: CUSTOMER_NAME}", map[string]any{"after": *first.PageInfo.EndCursor})
	wantNames(t, "second page by name", names(second), []string{"Bravo"})
	if second.PageInfo.HasNextPage || !second.PageInfo.HasPreviousPage {
		t.Errorf("second page = %+v, want the last one", second.PageInfo)
	}
	for _, c := range []struct {
		table, args string
		want        []string
	}{
		{"customerUsage", "last: 1", []string{"Acme"}},
		{"customerUsage", "orderBy: {field: CALLS, direction: ASC}", []string{"Acme", "Bravo"}},
		{"customerUsage", "orderBy: {field: VIDEO_MINUTES, direction: DESC}", []string{"Acme", "Bravo"}},
		{"customerUsage", "orderBy: {field: ACTIVE_USERS, direction: DESC}", []string{"Bravo", "Acme"}},
		{"customerQuality", "orderBy: {field: LEGS, direction: DESC}", []string{"Bravo", "Acme"}},
		{"customerQuality", "orderBy: {field: POOR_LEGS, direction: ASC}", []string{"Bravo", "Acme"}},
		{"customerQueues", "orderBy: {field: ABANDONED}", []string{"Acme"}},
	} {
		wantNames(t, c.table+"("+c.args+")", names(list(t, c.table, c.args, nil)), c.want)
	}
}

// TestCallingBackfill: legs stored before the rollups existed (here: the rollups deleted)
// are rolled up by calling.Backfill to exactly the figures ingestion gave, once.
func TestCallingBackfill(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	before := s.analytics(t, who, nil)
	s.h.client.CallingDay.Delete().ExecX(s.h.sys)
	s.h.client.CallingUserWeek.Delete().ExecX(s.h.sys)
	s.h.client.CallingWeek.Delete().ExecX(s.h.sys)
	if _, err := s.h.client.ExecContext(s.h.sys, "DELETE FROM calling_partner_weeks"); err != nil {
		t.Fatal(err)
	}
	s.h.announce(s.w.partner.ID)
	if empty := s.analytics(t, who, nil); reflect.DeepEqual(before, empty) {
		t.Fatal("the figures did not change without their rollups")
	}
	n, err := calling.Backfill(context.Background(), s.h.client)
	if err != nil || n == 0 {
		t.Fatalf("Backfill = %d, %v; want the scene's customers rolled up", n, err)
	}
	s.h.announce(s.w.partner.ID)
	if after := s.analytics(t, who, nil); !reflect.DeepEqual(before, after) {
		t.Errorf("figures after the backfill differ:\nbefore %v\nafter  %v", before, after)
	}
	if again, err := calling.Backfill(context.Background(), s.h.client); err != nil || again != 0 {
		t.Errorf("a second Backfill rolled up %d customers (%v), want none", again, err)
	}
}
