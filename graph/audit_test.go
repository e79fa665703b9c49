package graph

import (
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestAuditEvents: a mutation records actor, token, action, targets, summary and time; a
// failed one records nothing; auditEvents filters them and is for FULL_ADMIN only.
func TestAuditEvents(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Audited")
	h.newWorld("Audited elsewhere")
	var created struct {
		CreateTag struct{ Tag struct{ ID string } }
	}
	h.mustDo(t, h.asToken(w.admin, viewer.ScopeTagsWrite), createTagQ, in(map[string]any{"name": "Audited tag"}), &created)
	tagID := created.CreateTag.Tag.ID
	h.mustDo(t, h.as(w.full), deleteTagQ, in(map[string]any{"id": tagID}), &struct{}{})
	if got := h.mutate(t, h.as(w.full), "createTag", createTagQ, in(map[string]any{"name": ""})); got.code != "BAD_USER_INPUT" {
		t.Fatalf("invalid createTag = %s, want BAD_USER_INPUT", got.code)
	}
	if n := h.auditCount(t); n != 2 {
		t.Fatalf("%d events, want 2 (the failed mutation records none)", n)
	}
	ev := h.auditEvents("createTag")[0]
	if ev.ActorID == nil || *ev.ActorID != w.admin.ID || ev.TokenID != "jti-"+h.asToken(w.admin, viewer.ScopeTagsWrite) ||
		len(ev.TargetIds) != 1 || ev.TargetIds[0] != tagID || ev.Summary != `created tag "Audited tag"` || !ev.CreatedAt.Equal(testNow) {
		t.Errorf("event = %+v, want the ADMIN's token creating %s at %s", ev, tagID, testNow)
	}
	const q = `query($f: AuditEventFilter) { auditEvents(first: 10, filter: $f) { totalCount edges { node { action actor { email } tokenId targetIds summary createdAt } } } }`
	cases := []struct {
		name   string
		filter map[string]any
		want   int
	}{
		{"All", nil, 2},
		{"Actor", map[string]any{"actorId": w.full.GlobalID()}, 1},
		{"Action", map[string]any{"action": "createTag"}, 1},
		{"Target", map[string]any{"targetId": tagID}, 2},
		// A target ID is matched whole and literally: no wildcard, no part of an ID.
		{"TargetPercent", map[string]any{"targetId": "%"}, 0},
		{"TargetUnderscores", map[string]any{"targetId": strings.Repeat("_", len(tagID))}, 0},
		{"TargetPart", map[string]any{"targetId": tagID[:len(tagID)-1]}, 0},
		{"TargetOtherCase", map[string]any{"targetId": strings.ToLower(tagID)}, 0},
		{"FromNow", map[string]any{"from": "2026-03-18T12:00:00Z"}, 2},
		{"ToNow", map[string]any{"to": "2026-03-18T12:00:00Z"}, 0},
		{"Window", map[string]any{"from": "2026-03-18T11:00:00Z", "to": "2026-03-18T13:00:00Z", "action": "deleteTag"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out struct{ AuditEvents struct{ TotalCount int } }
			h.mustDo(t, h.as(w.full), q, map[string]any{"f": c.filter}, &out)
			if out.AuditEvents.TotalCount != c.want {
				t.Errorf("auditEvents(%v) totalCount = %d, want %d", c.filter, out.AuditEvents.TotalCount, c.want)
			}
		})
	}
	for _, who := range []string{h.as(w.admin), h.as(w.readOnly)} {
		if resp := h.do(t, who, q, nil); resp.code() != "FORBIDDEN" {
			t.Errorf("auditEvents as a non-FULL_ADMIN = %q, want FORBIDDEN", resp.code())
		}
	}
}

// TestAuditReadScope: a narrowed token reads the audit trail and the API token records only
// with the scope audit:read; an unscoped token reads them as its role allows.
func TestAuditReadScope(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Audit scope")
	cases := []struct {
		name, who             string
		wantAudit, wantTokens string
	}{
		{"FullAdminUnscoped", h.as(w.full), "OK", "OK"},
		{"FullAdminAuditRead", h.asToken(w.full, viewer.ScopeAuditRead), "OK", "OK"},
		{"FullAdminIngest", h.asToken(w.full, viewer.ScopeIngest), "FORBIDDEN", "FORBIDDEN"},
		{"FullAdminReadScopes", h.asToken(w.full, viewer.ScopeCustomersRead, viewer.ScopeAnalyticsRead, viewer.ScopeReports), "FORBIDDEN", "FORBIDDEN"},
		{"AdminAuditRead", h.asToken(w.admin, viewer.ScopeAuditRead), "FORBIDDEN", "OK"},
		{"AdminTagsWrite", h.asToken(w.admin, viewer.ScopeTagsWrite), "FORBIDDEN", "FORBIDDEN"},
		{"ReadOnlyUnscoped", h.as(w.readOnly), "FORBIDDEN", "OK"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for field, want := range map[string]string{"auditEvents": c.wantAudit, "apiTokens": c.wantTokens} {
				got := h.do(t, c.who, `{ `+field+`(first: 1) { totalCount } }`, nil).code()
				if got == "" {
					got = "OK"
				}
				if got != want {
					t.Errorf("%s = %s, want %s", field, got, want)
				}
			}
		})
	}
}
