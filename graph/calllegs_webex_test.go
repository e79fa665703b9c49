package graph

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callleg"
)

// webexHeader is the header of a Webex Calling detailed call history CSV export: its own
// field names, some the mapping ignores.
const webexHeader = "Report ID,Correlation ID,Start time,Answered,Duration,Direction,Call type,Client type,Model,Org UUID,Location,User UUID,User type,Original reason,Redirect reason,Related reason\n"

// TestCallLegStreamWebex: Webex call records, detected from the CSV header or forced with
// ?format=webex-cdr for NDJSON, are stored as legs mapped field by field; they carry no
// media metrics, so they count in usage and not in quality.
func TestCallLegStreamWebex(t *testing.T) {
	s := newCallingScene(t)
	org := s.acme.OrgID
	body := webexHeader +
		"r-1,corr-1,2026-03-10T09:00:00.500Z,true,36,ORIGINATING,SIP_NATIONAL,WXC_CLIENT,," + org + ",acme-hq,user-1,User,,,\n" +
		"r-2,corr-1,2026-03-10T09:00:02Z,true,12.4,TERMINATING,SIP_ENTERPRISE,WXC_DEVICE,Cisco Room Kit," + org + ",Nowhere,user-2,Place,,,HuntGroup\n" +
		"r-3,corr-3,2026-03-11 10:00:00.000,true,100,TERMINATING,SIP_INBOUND,WXC_DEVICE,DMS Cisco 8851," + org + ",acme-branch,user-3,User,CallQueue,,\n" +
		"r-4,corr-4,2026-03-12T08:00:00Z,false,0,TERMINATING,SIP_INBOUND,SIP,," + org + ",,aa-1,AutomatedAttendantVideo,,,\n" +
		"r-5,corr-5,2026-03-12T08:00:00Z,false,0,TERMINATING,SIP_INBOUND,SIP,,no-such-org,,u,User,,,\n" +
		"r-6,corr-6,2026-03-12T08:00:00Z,false,0,SIDEWAYS,SIP_INBOUND,SIP,," + org + ",,u,User,,,\n" +
		"r-7,,2026-03-12T08:00:00Z,false,0,TERMINATING,SIP_INBOUND,SIP,," + org + ",,u,User,,,\n"
	status, sum, raw := s.h.streamLegs(t, s.ingester, "text/csv", "", strings.NewReader(body))
	if status != http.StatusOK || sum.Received != 7 || sum.Stored != 4 || sum.Failed != 3 {
		t.Fatalf("status %d, summary %+v (%s), want 4 of 7 stored", status, sum, raw)
	}
	for i, want := range []struct {
		line       int
		code, text string
	}{{6, "NOT_FOUND", `customer with org ID "no-such-org" not found`}, {7, "BAD_USER_INPUT", `Direction takes ORIGINATING or TERMINATING, got "SIDEWAYS"`},
		{8, "BAD_USER_INPUT", "missing Correlation ID"}} {
		if e := sum.Errors[i]; e.Line != want.line || e.Code != want.code || e.Message != want.text {
			t.Errorf("error %d = %+v, want %+v", i, e, want)
		}
	}
	hq, branch := s.locationID(t, "acme-hq"), s.locationID(t, "acme-branch")
	for _, want := range []struct {
		legID, callID, user, direction, endpoint, feature string
		start                                             time.Time
		seconds                                           int
		location                                          *int
	}{
		{"r-1", "corr-1", "user-1", "OUTBOUND", "WEBEX_APP", "NONE", time.Date(2026, 3, 10, 9, 0, 0, 500e6, time.UTC), 36, &hq},
		{"r-2", "corr-1", "user-2", "INTERNAL", "ROOM_DEVICE", "HUNT_GROUP", time.Date(2026, 3, 10, 9, 0, 2, 0, time.UTC), 12, nil},
		{"r-3", "corr-3", "user-3", "INBOUND", "DESK_PHONE", "CALL_QUEUE", time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC), 100, &branch},
		{"r-4", "corr-4", "aa-1", "INBOUND", "OTHER", "AUTO_ATTENDANT", time.Date(2026, 3, 12, 8, 0, 0, 0, time.UTC), 0, nil},
	} {
		l := s.h.client.CallLeg.Query().Where(callleg.LegID(want.legID)).OnlyX(s.h.sys)
		switch {
		case l.CustomerID != s.acme.ID || l.CallID != want.callID || l.UserID != want.user || string(l.Direction) != want.direction,
			string(l.EndpointType) != want.endpoint || string(l.Feature) != want.feature || l.Media != "AUDIO",
			!l.StartedAt.Equal(want.start) || l.DurationSeconds != want.seconds,
			(l.LocationID == nil) != (want.location == nil) || (want.location != nil && *l.LocationID != *want.location),
			l.JitterMs != nil || l.LatencyMs != nil || l.PacketLossPct != nil || l.QueueID != nil:
			t.Errorf("%s stored as %+v, want %+v", want.legID, l, want)
		}
	}
	// Three calls of four legs, none measured; the features of the week's calls: one more
	// hunt-group call, queue call and auto-attendant call.
	full := s.h.as(s.w.full)
	if got := s.weekFigures(t, full); got != [3]int{68 + 3, 69 + 4, 4} {
		t.Errorf("figures = %v, want 71 calls, 73 legs, 4 measured", got)
	}
	var got struct {
		CallingAnalytics struct {
			FeatureUsage struct{ HuntGroupCalls, AutoAttendantCalls, CallQueueCalls int }
		}
	}
	s.h.mustDo(t, full, `{ callingAnalytics { featureUsage { huntGroupCalls autoAttendantCalls callQueueCalls } } }`, nil, &got)
	if f := got.CallingAnalytics.FeatureUsage; f.HuntGroupCalls != 1+1 || f.AutoAttendantCalls != 1+1 || f.CallQueueCalls != 7+1 {
		t.Errorf("features = %+v, want 2 hunt-group, 2 auto-attendant, 8 queue calls", f)
	}

	// The same records as NDJSON, as the Webex API returns them (Duration a number).
	line := `{"Report ID":"r-j","Correlation ID":"corr-j","Start time":"2026-03-13T07:00:00Z","Duration":61,"Direction":"ORIGINATING",` +
		`"Client type":"TEAMS_WXC_CLIENT","Org UUID":"` + org + `","Location":"acme-hq","User UUID":"user-j","User type":"User","Answered":true}`
	_, sum, raw = s.h.streamLegs(t, s.ingester, "application/x-ndjson", "?format=webex-cdr", strings.NewReader(line+"\n"+line+"\n"))
	if sum.Stored != 1 || sum.Duplicates != 1 || sum.Failed != 0 {
		t.Fatalf("NDJSON summary %+v (%s), want one stored, its repeat a duplicate", sum, raw)
	}
	l := s.h.client.CallLeg.Query().Where(callleg.LegID("r-j")).OnlyX(s.h.sys)
	if l.CallID != "corr-j" || l.DurationSeconds != 61 || l.EndpointType != "WEBEX_APP" || l.Direction != "OUTBOUND" || l.LocationID == nil || *l.LocationID != hq {
		t.Errorf("r-j stored as %+v", l)
	}
}

// locationID is the ID of Acme's location with external ID ext.
func (s *callingScene) locationID(t *testing.T, ext string) int {
	t.Helper()
	for _, l := range s.h.client.Location.Query().AllX(s.h.sys) {
		if l.ExternalID == ext {
			return l.ID
		}
	}
	t.Fatalf("no location %s", ext)
	return 0
}
