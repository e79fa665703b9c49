// Package partnersettings changes a partner's thresholds of the status, KPI and analytics
// rules: FULL_ADMIN only, every value bounded, in one audited transaction that locks the
// partner's row. A change of the call-quality thresholds has the quality rollups of the
// retained legs recomputed in the background (graph/calling's Rebuilder); the partner stays
// marked quality_rebuilding until that ends.
package partnersettings

import (
	"context"
	"fmt"
	"math"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Update applies in to the viewer's partner and returns its settings, defaults applied;
// rebuild is called, once committed, when the call-quality thresholds changed.
func Update(ctx context.Context, rec *audit.Recorder, in model.UpdatePartnerSettingsInput, rebuild func(partnerID int)) (*settings.Partner, error) {
	quality := false
	out, err := audit.Run(ctx, rec, "updatePartnerSettings", (*viewer.Viewer).CanChangeSettings, func(ctx context.Context, tx *ent.Tx) (*settings.Partner, audit.Change, error) {
		v := viewer.FromContext(ctx)
		sys := viewer.NewContext(ctx, viewer.SystemOf(v.PartnerID))
		p, err := tx.Partner.Query().Where(partner.ID(v.PartnerID)).Modify(func(s *sql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.For(sql.LockNoKeyUpdate)
			}
		}).Only(sys)
		if err != nil {
			return nil, audit.Change{}, fmt.Errorf("read the partner: %w", err)
		}
		before := p.Settings.WithDefaults()
		next, err := apply(before, in)
		if err != nil {
			return nil, audit.Change{}, err
		}
		if next == before {
			return &next, audit.Change{}, nil
		}
		quality = next.PoorJitterMs != before.PoorJitterMs || next.PoorLatencyMs != before.PoorLatencyMs || next.PoorPacketLossPct != before.PoorPacketLossPct
		up := tx.Partner.UpdateOneID(p.ID).SetSettings(next)
		if quality {
			up.SetQualityRebuilding(true)
		}
		if err := up.Exec(sys); err != nil {
			return nil, audit.Change{}, fmt.Errorf("store the settings: %w", err)
		}
		return &next, audit.Change{Targets: []string{p.GlobalID()}, Summary: summary(before, next)}, nil
	})
	if err == nil && quality && rebuild != nil {
		rebuild(viewer.FromContext(ctx).PartnerID)
	}
	return out, err
}

// apply returns s with in's values, each checked.
func apply(s settings.Partner, in model.UpdatePartnerSettingsInput) (settings.Partner, error) {
	days := []struct {
		name string
		v    *int
		to   *int
		max  int
	}{
		{"expiringSoonDays", in.ExpiringSoonDays, &s.ExpiringSoonDays, 365},
		{"inactivityDays", in.InactivityDays, &s.InactivityDays, 365},
		{"horizonDays", in.HorizonDays, &s.HorizonDays, 365},
		{"recentDays", in.RecentDays, &s.RecentDays, 365},
		{"lowAssignmentMinAgeDays", in.LowAssignmentMinAgeDays, &s.LowAssignmentMinAgeDays, 365},
		{"lowAssignmentMinLines", in.LowAssignmentMinLines, &s.LowAssignmentMinLines, 1000},
	}
	for _, d := range days {
		if d.v == nil {
			continue
		}
		if *d.v < 1 || *d.v > d.max {
			return s, gqlerr.Errorf(gqlerr.BadUserInput, "%s takes 1 to %d, got %d", d.name, d.max, *d.v)
		}
		*d.to = *d.v
	}
	type bounded struct {
		name string
		v    *float64
		to   *float64
		max  float64 // 0: none
	}
	fractions := []bounded{
		{"lowAssignmentFactor", in.LowAssignmentFactor, &s.LowAssignmentFactor, 1},
		{"lowAssignmentFloor", in.LowAssignmentFloor, &s.LowAssignmentFloor, 1},
	}
	if q := in.CallQualityThresholds; q != nil {
		fractions = append(fractions, bounded{"jitterMs", &q.JitterMs, &s.PoorJitterMs, 0},
			bounded{"latencyMs", &q.LatencyMs, &s.PoorLatencyMs, 0}, bounded{"packetLossPercent", &q.PacketLossPercent, &s.PoorPacketLossPct, 100})
	}
	for _, f := range fractions {
		if f.v == nil {
			continue
		}
		if x := *f.v; math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 || f.max > 0 && x > f.max {
			limit := "above 0"
			if f.max > 0 {
				limit = fmt.Sprintf("above 0, at most %g", f.max)
			}
			return s, gqlerr.Errorf(gqlerr.BadUserInput, "%s takes a number %s, got %g", f.name, limit, x)
		}
		*f.to = *f.v
	}
	return s, nil
}

// summary describes the change in words.
func summary(before, after settings.Partner) string {
	return fmt.Sprintf("updatePartnerSettings: %+v -> %+v", before, after)
}
