package graph

import (
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

const updateSettingsQ = `mutation($in: UpdatePartnerSettingsInput!) { updatePartnerSettings(input: $in) {
  expiringSoonDays inactivityDays horizonDays recentDays lowAssignmentMinAgeDays lowAssignmentFactor lowAssignmentFloor
  lowAssignmentMinLines callQualityThresholds { jitterMs latencyMs packetLossPercent } } }`

// quality is the last completed week's quality as who sees it, with the thresholds used.
type quality struct {
	Thresholds         struct{ JitterMs, LatencyMs, PacketLossPercent float64 }
	Rebuilding         bool
	MeasuredLegs, Poor int
}

func (s *callingScene) quality(t *testing.T, who string) quality {
	t.Helper()
	var got struct {
		CallingAnalytics struct {
			CallQualityThresholds struct{ JitterMs, LatencyMs, PacketLossPercent float64 }
			QualityRebuilding     bool
			QualityTrend          []struct{ MeasuredLegs, PoorLegs int }
		}
	}
	s.h.mustDo(t, who, `{ callingAnalytics { callQualityThresholds { jitterMs latencyMs packetLossPercent } qualityRebuilding
	  qualityTrend(weeks: 1) { measuredLegs poorLegs } } }`, nil, &got)
	a := got.CallingAnalytics
	return quality{Thresholds: a.CallQualityThresholds, Rebuilding: a.QualityRebuilding, MeasuredLegs: a.QualityTrend[0].MeasuredLegs, Poor: a.QualityTrend[0].PoorLegs}
}

// TestUpdatePartnerSettings: only a FULL_ADMIN changes the thresholds, each bounded; new
// poor-leg thresholds rebuild the quality figures of the retained legs and judge the legs
// ingested afterwards, and callingAnalytics says which thresholds it used.
func TestUpdatePartnerSettings(t *testing.T) {
	s := newCallingScene(t)
	full := s.h.as(s.w.full)
	// q2 (jitter 150.1), q3 (latency 401) and q4 (loss 5.01) are poor; q1 (150, 400, 5) is not.
	if q := s.quality(t, full); q.Thresholds.JitterMs != 150 || q.Thresholds.LatencyMs != 400 || q.Thresholds.PacketLossPercent != 5 || q.MeasuredLegs != 4 || q.Poor != 3 || q.Rebuilding {
		t.Fatalf("before: %+v", q)
	}
	jitter := map[string]any{"callQualityThresholds": map[string]any{"jitterMs": 149.9, "latencyMs": 400, "packetLossPercent": 5}}
	for _, who := range []string{s.h.as(s.w.admin), s.h.as(s.w.readOnly), s.h.asToken(s.w.full, viewer.ScopeAnalyticsRead)} {
		if code := s.h.do(t, who, updateSettingsQ, map[string]any{"in": jitter}).code(); code != "FORBIDDEN" {
			t.Errorf("%s: code %q, want FORBIDDEN", who, code)
		}
	}
	for _, bad := range []map[string]any{
		{"expiringSoonDays": 0}, {"horizonDays": 366}, {"lowAssignmentFactor": 1.5}, {"lowAssignmentFloor": 0},
		{"callQualityThresholds": map[string]any{"jitterMs": 150, "latencyMs": 400, "packetLossPercent": 101}},
		{"callQualityThresholds": map[string]any{"jitterMs": -1, "latencyMs": 400, "packetLossPercent": 5}},
	} {
		if code := s.h.do(t, full, updateSettingsQ, map[string]any{"in": bad}).code(); code != "BAD_USER_INPUT" {
			t.Errorf("%v: code %q, want BAD_USER_INPUT", bad, code)
		}
	}
	var out struct {
		UpdatePartnerSettings struct {
			ExpiringSoonDays, HorizonDays int
			CallQualityThresholds         struct{ JitterMs float64 }
		}
	}
	s.h.mustDo(t, full, updateSettingsQ, map[string]any{"in": map[string]any{"horizonDays": 60, "callQualityThresholds": jitter["callQualityThresholds"]}}, &out)
	if o := out.UpdatePartnerSettings; o.ExpiringSoonDays != 30 || o.HorizonDays != 60 || o.CallQualityThresholds.JitterMs != 149.9 {
		t.Errorf("settings = %+v, want expiring 30 (kept), horizon 60, jitter 149.9", o)
	}
	s.h.resolver.Rebuilds.Wait()
	// q1's jitter of 150 is now poor too.
	if q := s.quality(t, full); q.Thresholds.JitterMs != 149.9 || q.MeasuredLegs != 4 || q.Poor != 4 || q.Rebuilding {
		t.Errorf("after a lower jitter: %+v, want 4 of 4 poor", q)
	}
	if n := len(s.h.auditEvents("updatePartnerSettings")); n != 1 {
		t.Errorf("%d audit events, want 1", n)
	}
	// Loose thresholds: nothing poor, and a leg ingested afterwards is judged by them.
	s.h.mustDo(t, full, updateSettingsQ, map[string]any{"in": map[string]any{"callQualityThresholds": map[string]any{"jitterMs": 1000, "latencyMs": 1000, "packetLossPercent": 60}}}, &out)
	s.h.resolver.Rebuilds.Wait()
	late := []any{callLeg("after", "c-after", "acme", "u-q", "2026-03-09T12:00:00Z", 60, metrics(999, 999, 59)),
		callLeg("after-poor", "c-after2", "acme", "u-q", "2026-03-09T12:00:00Z", 60, metrics(1000.5, 1, 1))}
	if o := s.h.ingest(t, s.ingester, "ingestCallLegs", callLegsQ, "legs", late); o.Stored != 2 {
		t.Fatalf("ingest = %+v", o)
	}
	if q := s.quality(t, full); q.MeasuredLegs != 6 || q.Poor != 1 {
		t.Errorf("loose thresholds: %+v, want 1 of 6 poor", q)
	}
	// Another partner's figures keep their own thresholds: both its legs stay poor.
	if q := s.quality(t, s.h.as(s.foreign.full)); q.Thresholds.JitterMs != 150 || q.Poor != 2 {
		t.Errorf("foreign partner: %+v, want its 2 legs poor at 150 ms", q)
	}
	// Saving the same values changes nothing and records nothing.
	s.h.mustDo(t, full, updateSettingsQ, map[string]any{"in": map[string]any{"horizonDays": 60}}, &out)
	if n := len(s.h.auditEvents("updatePartnerSettings")); n != 2 {
		t.Errorf("%d audit events, want 2", n)
	}
	var read struct{ PartnerSettings struct{ HorizonDays int } }
	s.h.mustDo(t, s.h.as(s.w.readOnly), `{ partnerSettings { horizonDays } }`, nil, &read)
	if read.PartnerSettings.HorizonDays != 60 {
		t.Errorf("partnerSettings = %+v, want horizon 60", read)
	}
}
