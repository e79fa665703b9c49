package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/ingest"
)

// streamLegs posts body to POST /ingest/call-legs as who and returns the status and the
// decoded summary (zero when the answer is an error).
func (h *harness) streamLegs(t *testing.T, who, contentType, query string, body io.Reader) (int, ingest.StreamSummary, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+CallLegsPath+query, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Test-Viewer", who)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var sum ingest.StreamSummary
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &sum); err != nil {
			t.Fatalf("summary %s: %v", raw, err)
		}
	}
	return resp.StatusCode, sum, string(raw)
}

func ndjson(legs ...map[string]any) string {
	var b strings.Builder
	for _, l := range legs {
		raw, _ := json.Marshal(l)
		b.Write(raw)
		b.WriteByte('\n')
	}
	return b.String()
}

// weekFigures returns the last completed week's calls, legs and measured legs as who sees them.
func (s *callingScene) weekFigures(t *testing.T, who string) [3]int {
	t.Helper()
	var got struct {
		CallingAnalytics struct {
			UsageTrend   []struct{ Calls, Legs int }
			QualityTrend []struct{ MeasuredLegs int }
		}
	}
	s.h.mustDo(t, who, `{ callingAnalytics { usageTrend(weeks: 1) { calls legs } qualityTrend(weeks: 1) { measuredLegs } } }`, nil, &got)
	a := got.CallingAnalytics
	return [3]int{a.UsageTrend[0].Calls, a.UsageTrend[0].Legs, a.QualityTrend[0].MeasuredLegs}
}

// TestCallLegStreamNDJSON: good lines are stored with their rollups while each malformed
// one gets its error by line; sending the same body again stores nothing and changes no figure.
func TestCallLegStreamNDJSON(t *testing.T) {
	s := newCallingScene(t)
	full := s.h.as(s.w.full)
	before := s.weekFigures(t, full)
	if before != [3]int{68, 69, 4} {
		t.Fatalf("figures before = %v, want 68 calls, 69 legs, 4 measured", before)
	}
	at := "2026-03-10T10:00:00Z"
	body := ndjson(
		callLeg("n1", "cn1", "acme", "u-n", at, 60, metrics(200, 10, 0)), // line 1: stored, measured, poor
		callLeg("n2", "cn1", "acme", "u-n", at, 30),                      // line 2: stored, same call
	) + `{"legId": "broken", ` + "\n" + // line 3: bad JSON
		`{"legId": "nocall", "customerExternalId": "acme"}` + "\n" + // line 4: missing fields
		ndjson(callLeg("typed", "c", "acme", "u", at, 60, map[string]any{"durationSeconds": "sixty"})) + // line 5: wrong type
		strings.Repeat("x", 10<<20) + "\n" + // line 6: a 10 MB line
		"\x00\xff\xfe\x01binary\x9c\n" + // line 7: binary garbage
		"\n" + // line 8: blank, skipped
		ndjson(
			callLeg("q1", "cq1", "acme", "u-q", "2026-03-09T10:00:00Z", 60, metrics(150, 400, 5), map[string]any{"endpointType": "WEBEX_APP"}), // line 9: already stored
			callLeg("nobody", "c", "nobody", "u", at, 60),                               // line 10: unknown customer
			callLeg("neg", "c", "acme", "u", at, -5),                                    // line 11: negative duration
			callLeg("nul\u0000", "c", "acme", "u", at, 5),                               // line 12: NUL in an ID
			callLeg("n3", "cn3", "bravo", "u-n3", at, 90, map[string]any{"unknown": 1}), // line 13: unknown key
			callLeg("n4", "cn4", "bravo", "u-n4", "2026-03-08T00:00:00Z", 90),           // line 14: stored
			callLeg("n5", "cn5", "bravo", "u-n5", "10/03/2026", 90),                     // line 15: bad time
			callLeg("n6", "cn6", "acme", "u-n6", at, 10, metrics(1, 1, 101)),            // line 16: impossible metrics
		)
	status, sum, raw := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", strings.NewReader(body))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, raw)
	}
	if sum.Received != 15 || sum.Stored != 3 || sum.Duplicates != 1 || sum.Failed != 11 {
		t.Errorf("summary = %+v, want 15 received, 3 stored, 1 duplicate, 11 failed", sum)
	}
	wantLines := []int{3, 4, 5, 6, 7, 10, 11, 12, 13, 15, 16}
	wantCodes := []string{"BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "NOT_FOUND",
		"BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"}
	if len(sum.Errors) != len(wantLines) {
		t.Fatalf("errors = %+v, want lines %v", sum.Errors, wantLines)
	}
	for i, e := range sum.Errors {
		if e.Line != wantLines[i] || e.Code != wantCodes[i] || e.Message == "" {
			t.Errorf("error %d = %+v, want line %d with %s", i, e, wantLines[i], wantCodes[i])
		}
	}
	for i, want := range map[int]string{1: "missing callId, userId, startedAt, durationSeconds, direction, media, endpointType",
		2: "durationSeconds takes an integer, got string", 3: "the line exceeds 65536 bytes", 4: "the line is not UTF-8 text"} {
		if sum.Errors[i].Message != want {
			t.Errorf("error %d: %q, want %q", i, sum.Errors[i].Message, want)
		}
	}
	// Two new calls of Acme and one of Bravo, four legs, one of them measured.
	after := s.weekFigures(t, full)
	if after != [3]int{68 + 2, 69 + 3, 4 + 1} {
		t.Errorf("figures after = %v, want 70 calls, 72 legs, 5 measured", after)
	}
	_, again, _ := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", strings.NewReader(body))
	if again.Stored != 0 || again.Duplicates != 4 || again.Failed != 11 {
		t.Errorf("again = %+v, want nothing stored, 4 duplicates", again)
	}
	if got := s.weekFigures(t, full); got != after {
		t.Errorf("figures after sending again = %v, want %v", got, after)
	}
}

// TestCallLegStreamCSV: a CSV with a header row under CallLegInput's keys, empty cells
// absent; a bad header is refused whole.
func TestCallLegStreamCSV(t *testing.T) {
	s := newCallingScene(t)
	full := s.h.as(s.w.full)
	body := "legId,callId,customerExternalId,locationExternalId,userId,startedAt,durationSeconds,direction,media,endpointType,jitterMs,latencyMs,packetLossPercent,feature,queueExternalId,queueOutcome,waitSeconds\r\n" +
		"v1,cv1,acme,acme-hq,u-v,2026-03-10T10:00:00Z,60,INBOUND,VIDEO,ROOM_DEVICE,10,20,0.5,,,,\r\n" +
		"v2,cv2,acme,,u-v,2026-03-10T11:00:00Z,60,INBOUND,AUDIO,DESK_PHONE,,,,CALL_QUEUE,q-sales,ANSWERED,12\r\n" +
		"v3,cv3,acme,,u-v,2026-03-10T11:00:00Z,sixty,INBOUND,AUDIO,DESK_PHONE,,,,,,,\r\n" +
		"v4,cv4,acme\r\n" +
		"v5,\"cv5,\"\"quoted\"\"\",bravo,,u-v5,2026-03-10T12:00:00Z,5,OUTBOUND,AUDIO,OTHER,,,,,,,\n"
	status, sum, raw := s.h.streamLegs(t, s.ingester, "text/csv; charset=utf-8", "", strings.NewReader(body))
	if status != http.StatusOK || sum.Received != 5 || sum.Stored != 3 || sum.Failed != 2 {
		t.Fatalf("status %d, summary %+v (%s), want 3 of 5 stored", status, sum, raw)
	}
	if e := sum.Errors; len(e) != 2 || e[0].Line != 4 || e[0].Message != `durationSeconds takes an integer, got "sixty"` || e[1].Line != 5 || e[1].Message != "the row has 3 cells, the header 17" {
		t.Errorf("errors = %+v", sum.Errors)
	}
	v2 := s.h.client.CallLeg.Query().Where(callleg.LegID("v2")).OnlyX(s.h.sys)
	if v2.QueueID == nil || *v2.QueueOutcome != "ANSWERED" || *v2.WaitSeconds != 12 || v2.JitterMs != nil {
		t.Errorf("v2 = %+v, want a queued unmeasured leg", v2)
	}
	if v5 := s.h.client.CallLeg.Query().Where(callleg.LegID("v5")).OnlyX(s.h.sys); v5.CallID != `cv5,"quoted"` {
		t.Errorf("v5 call ID %q", v5.CallID)
	}
	if got := s.weekFigures(t, full); got != [3]int{68 + 3, 69 + 3, 4 + 1} {
		t.Errorf("figures = %v, want 71 calls, 72 legs, 5 measured", got)
	}
	for header, want := range map[string]string{
		"legId,callId\n":   "the CSV header lacks the column customerExternalId",
		"legId,colour\n":   `unknown column \"colour\" in the CSV header`,
		"\"legId,callId\n": "line 1: the CSV header does not parse",
	} {
		status, _, raw := s.h.streamLegs(t, s.ingester, "text/csv", "", strings.NewReader(header+"a,b\n"))
		if status != http.StatusBadRequest || !strings.Contains(raw, want) {
			t.Errorf("header %q: status %d, %s; want 400 with %q", header, status, raw, want)
		}
	}
}

// TestCallLegStreamAccess: a token needs the ingest scope; an ADMIN streams legs only of
// assigned customers; another partner's customers are unknown; a body of another type is
// refused with 415. No answer is a 5xx.
func TestCallLegStreamAccess(t *testing.T) {
	s := newCallingScene(t)
	leg := ndjson(callLeg("a1", "ca1", "bravo", "u", "2026-03-10T10:00:00Z", 60))
	for _, c := range []struct {
		name, who, contentType string
		status                 int
	}{
		{"anonymous", "nobody", "application/x-ndjson", http.StatusUnauthorized},
		{"no ingest scope", s.h.asToken(s.w.full), "application/x-ndjson", http.StatusForbidden},
		{"read-only", s.h.asToken(s.w.readOnly, viewer.ScopeIngest), "application/x-ndjson", http.StatusForbidden},
		{"XML", s.ingester, "application/xml", http.StatusUnsupportedMediaType},
	} {
		if status, _, raw := s.h.streamLegs(t, c.who, c.contentType, "", strings.NewReader(leg)); status != c.status {
			t.Errorf("%s: status %d (%s), want %d", c.name, status, raw, c.status)
		}
	}
	_, sum, _ := s.h.streamLegs(t, s.h.asToken(s.w.admin, viewer.ScopeIngest), "application/x-ndjson", "", strings.NewReader(leg))
	if sum.Stored != 0 || len(sum.Errors) != 1 || sum.Errors[0].Code != "NOT_FOUND" {
		t.Errorf("ADMIN, unassigned Bravo: %+v, want NOT_FOUND", sum)
	}
	_, sum, _ = s.h.streamLegs(t, s.foreignIn, "application/x-ndjson", "", strings.NewReader(leg))
	if sum.Stored != 0 || len(sum.Errors) != 1 || sum.Errors[0].Code != "NOT_FOUND" {
		t.Errorf("foreign partner, Bravo: %+v, want NOT_FOUND", sum)
	}
	if status, _, raw := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "?format=xml", strings.NewReader(leg)); status != http.StatusBadRequest {
		t.Errorf("format=xml: status %d (%s), want 400", status, raw)
	}
}

// TestCallLegStreamBatches: a body longer than a batch is stored whole, batch after batch;
// the summary lists the first 1 000 errors and counts them all.
func TestCallLegStreamBatches(t *testing.T) {
	s := newCallingScene(t)
	var b bytes.Buffer
	good := 0
	for i := range 6200 {
		if i%5 == 0 && i < 5500 { // 1 100 lines of garbage
			b.WriteString("not json\n")
			continue
		}
		at := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		b.WriteString(ndjson(callLeg(fmt.Sprintf("s-%d", i), fmt.Sprintf("cs-%d", i), "bravo", fmt.Sprintf("su-%d", i%50), at, 30)))
		good++
	}
	_, sum, raw := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", &b)
	if sum.Received != 6200 || sum.Stored != 5100 || good != 5100 || sum.Failed != 1100 || len(sum.Errors) != 1000 {
		t.Fatalf("summary received %d, stored %d, failed %d, %d errors (%.200s)", sum.Received, sum.Stored, sum.Failed, len(sum.Errors), raw)
	}
	if first, last := sum.Errors[0], sum.Errors[999]; first.Line != 1 || last.Line != 4996 {
		t.Errorf("errors from line %d to %d, want 1 to 4996", first.Line, last.Line)
	}
	if got := s.weekFigures(t, s.h.as(s.w.full)); got != [3]int{68 + 5100, 69 + 5100, 4} {
		t.Errorf("figures = %v, want 5168 calls, 5169 legs", got)
	}
	if n := s.h.client.CallLeg.Query().Where(callleg.LegIDHasPrefix("s-")).CountX(s.h.sys); n != 5100 {
		t.Errorf("%d legs stored, want 5100", n)
	}
}

// TestCallLegStreamEarliestAcrossBatches: within one stream, a leg of a later batch that
// starts before its call's leg stored by an earlier batch moves the call to its own week,
// where it counts once; sending the stream again changes nothing.
func TestCallLegStreamEarliestAcrossBatches(t *testing.T) {
	s := newCallingScene(t)
	who := s.h.as(s.w.full)
	trend := func() (out [2][2]int) {
		var got struct {
			CallingAnalytics struct{ UsageTrend []struct{ Calls, Legs int } }
		}
		s.h.mustDo(t, who, `{ callingAnalytics { usageTrend(weeks: 2) { calls legs } } }`, nil, &got)
		for i, p := range got.CallingAnalytics.UsageTrend {
			out[i] = [2]int{p.Calls, p.Legs}
		}
		return out
	}
	var b strings.Builder
	b.WriteString(ndjson(callLeg("x-late", "cx", "bravo", "xu", "2026-03-10T09:00:00Z", 60)))
	b.WriteString(strings.Repeat("not json\n", ingest.StreamBatchLegs-1)) // the rest of the first batch
	b.WriteString(ndjson(callLeg("x-early", "cx", "bravo", "xu", "2026-03-05T09:00:00Z", 60)))
	before := trend()
	_, sum, raw := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", strings.NewReader(b.String()))
	if sum.Received != ingest.StreamBatchLegs+1 || sum.Stored != 2 || sum.Failed != ingest.StreamBatchLegs-1 {
		t.Fatalf("summary received %d, stored %d, failed %d (%.200s)", sum.Received, sum.Stored, sum.Failed, raw)
	}
	// Weeks 2026-03-01 and 2026-03-08: the call counts in the first, a leg lands in each.
	want := [2][2]int{{before[0][0] + 1, before[0][1] + 1}, {before[1][0], before[1][1] + 1}}
	if got := trend(); got != want {
		t.Errorf("calls and legs of the two weeks = %v, want %v (before: %v)", got, want, before)
	}
	if _, sum, _ := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", strings.NewReader(b.String())); sum.Stored != 0 || sum.Duplicates != 2 {
		t.Errorf("the stream again stored %d, %d duplicates, want 0 and 2", sum.Stored, sum.Duplicates)
	}
	if got := trend(); got != want {
		t.Errorf("after the stream again: %v, want %v", got, want)
	}
}

// TestCallLegStreamCrossedLegIDs: legs of two customers stored by the two transactions of
// a batch at once, each sending the other's leg IDs too, never deadlock: each leg ID is
// stored once and refused as a conflict for the other customer, and the stream answers 200.
func TestCallLegStreamCrossedLegIDs(t *testing.T) {
	s := newCallingScene(t)
	var b bytes.Buffer
	const n = 4000
	for i := range n {
		at := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		// acme and bravo are stored by different parts of the batch.
		b.WriteString(ndjson(callLeg(fmt.Sprintf("x-%d", i), fmt.Sprintf("cx-a%d", i), "acme", "u", at, 30)))
		b.WriteString(ndjson(callLeg(fmt.Sprintf("x-%d", n-1-i), fmt.Sprintf("cx-b%d", i), "bravo", "u", at, 30)))
	}
	status, sum, raw := s.h.streamLegs(t, s.ingester, "application/x-ndjson", "", &b)
	if status != http.StatusOK || sum.Received != 2*n || sum.Stored != n || sum.Failed != n {
		t.Fatalf("status %d, received %d, stored %d, failed %d (%.300s); want 200, %d, %d, %d", status, sum.Received, sum.Stored, sum.Failed, raw, 2*n, n, n)
	}
	for _, e := range sum.Errors {
		if e.Code != "CONFLICT" {
			t.Fatalf("line %d refused with %s: %s, want CONFLICT", e.Line, e.Code, e.Message)
		}
	}
	if got := s.h.client.CallLeg.Query().Where(callleg.LegIDHasPrefix("x-")).CountX(s.h.sys); got != n {
		t.Errorf("%d legs stored, want %d", got, n)
	}
}
