package report

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// TimingInput is a schedule's timing as asked for; nil fields take defaults (or stay).
type TimingInput struct {
	Frequency                      *enum.Frequency
	DayOfWeek, DayOfMonth, HourUTC *int
}

// apply returns t changed by in, checked.
func (in TimingInput) apply(t Timing) (Timing, error) {
	if in.Frequency != nil {
		t.Frequency = *in.Frequency
	}
	for _, f := range []struct {
		v        *int
		to       *int
		name     string
		min, max int
	}{{in.DayOfWeek, &t.DayOfWeek, "dayOfWeek", 0, 6}, {in.DayOfMonth, &t.DayOfMonth, "dayOfMonth", 1, 31}, {in.HourUTC, &t.HourUTC, "hourUtc", 0, 23}} {
		if f.v == nil {
			continue
		}
		if *f.v < f.min || *f.v > f.max {
			return t, gqlerr.Errorf(gqlerr.BadUserInput, "%s takes %d to %d, got %d", f.name, f.min, f.max, *f.v)
		}
		*f.to = *f.v
	}
	return t, nil
}

// DefaultTiming is a new schedule's timing before its input applies: Mondays, the 1st, 06:00 UTC.
var DefaultTiming = Timing{DayOfWeek: 1, DayOfMonth: 1, HourUTC: 6}

// Schedule makes a schedule of the template's reports for the region, run as the viewer.
func (s *Service) Schedule(ctx context.Context, templateID string, region *enum.Region, in TimingInput) (*ent.ReportSchedule, error) {
	p, err := Resolve(ctx, s.Client, s.Now(), templateID, region, nil, nil)
	if err != nil {
		return nil, err
	}
	t, err := in.apply(DefaultTiming)
	if err != nil {
		return nil, err
	}
	return audit.Run(ctx, s.Audit, "scheduleReport", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (*ent.ReportSchedule, audit.Change, error) {
		create := tx.ReportSchedule.Create().SetKind(p.Template.Kind).SetRegion(p.Region).SetFrequency(t.Frequency).
			SetDayOfWeek(t.DayOfWeek).SetDayOfMonth(t.DayOfMonth).SetHourUtc(t.HourUTC).SetNextRunAt(t.Next(s.Now())).
			SetCreatedByID(viewer.FromContext(ctx).AdminID).SetCreatedAt(s.Now().UTC())
		if p.Template.row != 0 {
			create.SetTemplateID(p.Template.row)
		}
		r, err := create.Save(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		return r, audit.Change{Targets: []string{r.GlobalID()}, Summary: fmt.Sprintf("scheduled %s reports of %q (%s)", t.Frequency, p.Template.Name, p.Region)}, nil
	})
}

// findSchedule returns the visible schedule with the global ID, NOT_FOUND otherwise.
func findSchedule(ctx context.Context, tx *ent.Tx, id string) (*ent.ReportSchedule, error) {
	n, err := gid.DecodeAs("ReportSchedule", id)
	if err == nil {
		var r *ent.ReportSchedule
		if r, err = tx.ReportSchedule.Get(ctx, n); err == nil {
			return r, nil
		}
	}
	if err != nil && !ent.IsNotFound(err) && err != gid.ErrMalformed {
		return nil, err
	}
	return nil, gqlerr.Errorf(gqlerr.NotFound, "report schedule %s not found", id)
}

// UpdateSchedule changes a schedule's timing; its next run follows the new timing.
func (s *Service) UpdateSchedule(ctx context.Context, id string, in TimingInput) (*ent.ReportSchedule, error) {
	return audit.Run(ctx, s.Audit, "updateReportSchedule", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (*ent.ReportSchedule, audit.Change, error) {
		r, err := findSchedule(ctx, tx, id)
		if err != nil {
			return nil, audit.Change{}, err
		}
		t, err := in.apply(timingOf(r))
		if err != nil {
			return nil, audit.Change{}, err
		}
		if t == timingOf(r) {
			return r, audit.Change{}, nil
		}
		r, err = tx.ReportSchedule.UpdateOne(r).SetFrequency(t.Frequency).SetDayOfWeek(t.DayOfWeek).SetDayOfMonth(t.DayOfMonth).
			SetHourUtc(t.HourUTC).SetNextRunAt(t.Next(s.Now())).Save(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		return r, audit.Change{Targets: []string{r.GlobalID()}, Summary: fmt.Sprintf("changed a report schedule to %s", t.Frequency)}, nil
	})
}

// DeleteSchedule deletes a schedule; its reports stay.
func (s *Service) DeleteSchedule(ctx context.Context, id string) (string, error) {
	return audit.Run(ctx, s.Audit, "deleteReportSchedule", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (string, audit.Change, error) {
		r, err := findSchedule(ctx, tx, id)
		if err != nil {
			return "", audit.Change{}, err
		}
		if err := tx.ReportSchedule.DeleteOne(r).Exec(ctx); err != nil {
			return "", audit.Change{}, err
		}
		return r.GlobalID(), audit.Change{Targets: []string{r.GlobalID()}, Summary: "deleted a report schedule"}, nil
	})
}

// Schedules pages through the visible schedules, oldest first.
func Schedules(ctx context.Context, c *ent.Client, args page.Args) (*page.Connection[*ent.ReportSchedule], error) {
	if !viewer.FromContext(ctx).CanReport() {
		return nil, errNoScope
	}
	return page.Paginate(ctx, page.Source[*ent.ReportSchedule]{
		Key: page.IDKey(false), ID: func(r *ent.ReportSchedule) int { return r.ID },
		Fetch: func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.ReportSchedule, error) {
			return c.ReportSchedule.Query().Limit(limit).Modify(m).All(ctx)
		},
		Count: func(ctx context.Context) (int, error) { return c.ReportSchedule.Query().Count(ctx) },
	}, args)
}

// ScheduleTemplate returns the template of a schedule's reports.
func ScheduleTemplate(ctx context.Context, c *ent.Client, r *ent.ReportSchedule) (*Template, error) {
	return templateOf(ctx, c, r.Kind, r.TemplateID)
}
