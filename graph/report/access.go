package report

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/predicate"
	"github.com/partnerhub/partnerhub-api/ent/report"
	"github.com/partnerhub/partnerhub-api/ent/reportschedule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// readsAnalytics tells whether reports of kind are made of analytics figures: the calling
// usage detail is. Asking for one needs the analytics:read scope besides reports, and it is
// generated with both.
func readsAnalytics(kind enum.ReportKind) bool { return kind == enum.ReportCallingUsage }

// Filter narrows a list of reports.
type Filter struct {
	TemplateID                  *string
	State                       *enum.ReportState
	CreatedAfter, CreatedBefore *time.Time
}

// Find returns the visible report with the global ID; NOT_FOUND when there is none, as
// for a report of another partner or (for an ADMIN) of another admin.
func Find(ctx context.Context, c *ent.Client, id string) (*ent.Report, error) {
	if !viewer.FromContext(ctx).CanReport() {
		return nil, errNoScope
	}
	n, err := gid.DecodeAs("Report", id)
	if err == nil {
		var r *ent.Report
		if r, err = c.Report.Get(ctx, n); err == nil {
			return r, nil
		}
	}
	if err != nil && !ent.IsNotFound(err) && err != gid.ErrMalformed {
		return nil, err
	}
	return nil, gqlerr.Errorf(gqlerr.NotFound, "report %s not found", id)
}

// List pages through the visible reports matching f, newest first.
func List(ctx context.Context, c *ent.Client, args page.Args, f *Filter) (*page.Connection[*ent.Report], error) {
	if !viewer.FromContext(ctx).CanReport() {
		return nil, errNoScope
	}
	where, err := f.predicates()
	if err != nil {
		return nil, err
	}
	return page.Paginate(ctx, page.Source[*ent.Report]{
		Key: page.IDKey(true), ID: func(r *ent.Report) int { return r.ID },
		Fetch: func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Report, error) {
			return c.Report.Query().Where(where...).Limit(limit).Modify(m).All(ctx)
		},
		Count: func(ctx context.Context) (int, error) { return c.Report.Query().Where(where...).Count(ctx) },
	}, args)
}

func (f *Filter) predicates() ([]predicate.Report, error) {
	var where []predicate.Report
	if f == nil {
		return where, nil
	}
	if f.TemplateID != nil {
		typ, n, err := gid.Decode(*f.TemplateID)
		switch {
		case err == nil && typ == defaultType && n <= len(kinds):
			where = append(where, report.TemplateIDIsNil(), report.KindEQ(kinds[n-1]))
		case err == nil && typ == customType:
			where = append(where, report.TemplateID(n))
		default:
			return nil, gqlerr.Errorf(gqlerr.BadUserInput, "filter.templateId is not a report template ID")
		}
	}
	if f.State != nil {
		where = append(where, report.StateEQ(*f.State))
	}
	if f.CreatedAfter != nil {
		where = append(where, report.CreatedAtGTE(*f.CreatedAfter))
	}
	if f.CreatedBefore != nil {
		where = append(where, report.CreatedAtLT(*f.CreatedBefore))
	}
	return where, nil
}

// TemplateOf returns the template report r was made from; nil once its custom template is gone.
func TemplateOf(ctx context.Context, c *ent.Client, r *ent.Report) (*Template, error) {
	return templateOf(ctx, c, r.Kind, r.TemplateID)
}

// ScheduleOf returns the schedule that made r, nil when none (or deleted).
func ScheduleOf(ctx context.Context, c *ent.Client, r *ent.Report) (*ent.ReportSchedule, error) {
	if r.ScheduleID == nil {
		return nil, nil
	}
	s, err := c.ReportSchedule.Query().Where(reportschedule.ID(*r.ScheduleID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return s, err
}

// Updates sends the report with the global ID (every visible report when id is nil) each
// time it changes, until ctx ends.
func (s *Service) Updates(ctx context.Context, id *string) (<-chan *ent.Report, error) {
	v := viewer.FromContext(ctx)
	if !v.CanReport() {
		return nil, errNoScope
	}
	var where []predicate.Report
	if id != nil {
		n, err := gid.DecodeAs("Report", *id)
		if err == nil {
			_, err = s.Client.Report.Get(ctx, n)
		}
		if err != nil {
			return nil, gqlerr.Errorf(gqlerr.NotFound, "report %s not found", *id)
		}
		where = append(where, report.ID(n))
	}
	changes, cancel := s.Broker.Subscribe(v.PartnerID)
	// Reports changed since the subscription began are compared with what was sent: the
	// clock may not move between two changes (a fixed clock in tests, a coarse one).
	where = append(where, report.UpdatedAtGTE(s.Now().UTC()))
	type seen struct {
		state    enum.ReportState
		attempts int
	}
	sent := map[int]seen{}
	out := make(chan *ent.Report, 1)
	go func() {
		defer cancel()
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case <-changes:
			}
			rs, err := s.Client.Report.Query().Where(where...).Order(ent.Asc(report.FieldUpdatedAt), ent.Asc(report.FieldID)).Limit(100).All(ctx)
			if err != nil {
				s.Logger.WarnContext(ctx, "read changed reports", "err", err)
				continue
			}
			for _, r := range rs {
				if now := (seen{r.State, r.Attempts}); sent[r.ID] != now {
					sent[r.ID] = now
					select {
					case out <- r:
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}()
	return out, nil
}
