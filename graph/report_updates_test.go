package graph

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestReportUpdated: a subscriber sees its report reach READY; an ADMIN subscribed to every
// report hears nothing of another admin's.
func TestReportUpdated(t *testing.T) {
	s := newReportScene(t)
	h := s.h
	subscribe := func(a *ent.Admin) <-chan *ent.Report {
		ctx, cancel := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: a.PartnerID, AdminID: a.ID, Role: a.Role}))
		t.Cleanup(cancel)
		ch, err := h.resolver.Reports.Updates(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	fulls, admins := subscribe(s.w.full), subscribe(s.w.admin)
	full := h.as(s.w.full)
	r := s.generate(t, full, map[string]any{"templateId": templateID(t, h, full, "Devices"), "region": "US"})
	timeout := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case got := <-fulls:
			if got.GlobalID() != r.ID {
				t.Fatalf("update of %s, want %s", got.GlobalID(), r.ID)
			}
			done = got.State == enum.ReportReady
		case <-timeout:
			t.Fatal("no READY update within 10 s")
		}
	}
	select {
	case got := <-admins:
		t.Errorf("the ADMIN heard of %s (%s), another admin's report", got.GlobalID(), got.State)
	case <-time.After(100 * time.Millisecond):
	}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: s.foreign.partner.ID, AdminID: s.foreign.full.ID, Role: enum.RoleFullAdmin})
	if _, err := h.resolver.Reports.Updates(ctx, &r.ID); err == nil {
		t.Errorf("another partner subscribed to %s, want NOT_FOUND", r.ID)
	}
}
