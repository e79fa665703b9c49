package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// MaxAttempts bounds the generations of a scheduled report; failures are retried after
// retryDelay(attempt).
const MaxAttempts = 4

// retryDelay is how long a scheduled report waits after its attempt-th failure: 1, 4, 16
// minutes.
func retryDelay(attempt int) time.Duration { return time.Minute << (2 * (attempt - 1)) }

// generate runs report id of the partner: RUNNING, then READY with its file, or FAILED.
func (s *Service) generate(partnerID, id int) {
	sys := viewer.NewContext(s.ctx, viewer.SystemOf(partnerID))
	r, err := s.Client.Report.UpdateOneID(id).SetState(enum.ReportRunning).AddAttempts(1).ClearError().
		SetUpdatedAt(s.Now().UTC()).Save(sys)
	if err != nil {
		s.Logger.Error("start report", "report", id, "err", err)
		return
	}
	s.announce(partnerID)
	stop := s.heartbeat(sys, id)
	rows, size, path, err := s.write(sys, r)
	stop()
	now := s.Now().UTC()
	update := s.Client.Report.UpdateOneID(id).SetUpdatedAt(now).SetCompletedAt(now)
	if err != nil {
		msg := "internal error"
		if code, m, internal := gqlerr.Classify(sys, err); !internal {
			msg = fmt.Sprintf("%s: %s", code, m)
		} else {
			s.Logger.Error("generate report", "report", id, "err", err)
		}
		update.SetState(enum.ReportFailed).SetError(msg)
		if r.ScheduleID != nil && r.Attempts < MaxAttempts {
			update.SetRetryAt(now.Add(retryDelay(r.Attempts)))
		}
		if err := s.Store.remove(sys, r); err != nil {
			s.Logger.Error("remove failed report's file", "report", id, "err", err)
		}
	} else {
		update.SetState(enum.ReportReady).SetRowCount(rows).SetByteSize(size).SetNillableFilePath(path).
			SetExpiresAt(now.Add(s.Retention)).ClearRetryAt()
	}
	if err := update.Exec(viewer.NewContext(context.WithoutCancel(s.ctx), viewer.SystemOf(partnerID))); err != nil {
		s.Logger.Error("complete report", "report", id, "err", err)
	}
	s.announce(partnerID)
}

// heartbeat shows the report is still being generated, every staleAfter/4, until stop:
// the scheduler fails reports whose instance stopped beating (see recover).
func (s *Service) heartbeat(sys context.Context, id int) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(staleAfter / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := s.Client.Report.UpdateOneID(id).SetUpdatedAt(s.Now().UTC()).Exec(sys); err != nil {
					s.Logger.Warn("report heartbeat", "report", id, "err", err)
				}
			}
		}
	}()
	return func() { close(done) }
}

func (s *Service) announce(partnerID int) {
	// Reports are no figure of the KPIs or analytics: their caches stay.
	touched := change.Set{Kinds: []change.Kind{"Report"}}
	if err := s.Broker.Publish(s.ctx, live.Change{PartnerID: partnerID, Set: touched}); err != nil {
		s.Logger.Warn("announce report change", "partner", partnerID, "err", err)
	}
}

// errCreatorGone fails the reports of an admin who was removed.
var errCreatorGone = gqlerr.Errorf(gqlerr.Forbidden, "the admin who asked for the report was removed")

// creator returns the viewer a report is generated as: its creator, with their role now.
func (s *Service) creator(sys context.Context, r *ent.Report) (*viewer.Viewer, error) {
	a, err := s.Client.Admin.Query().Where(admin.ID(r.CreatedByID)).WithPartner().Only(sys)
	if ent.IsNotFound(err) || err == nil && a.RemovedAt != nil {
		return nil, errCreatorGone
	}
	if err != nil {
		return nil, err
	}
	scopes := []string{viewer.ScopeReports}
	if readsAnalytics(r.Kind) {
		scopes = append(scopes, viewer.ScopeAnalyticsRead)
	}
	return &viewer.Viewer{PartnerID: r.PartnerID, AdminID: a.ID, Role: a.Role, Scopes: scopes,
		Settings: a.Edges.Partner.Settings.WithDefaults()}, nil
}

// write streams the report's rows into its stored file and returns the rows and bytes
// written and where the file is.
func (s *Service) write(sys context.Context, r *ent.Report) (rows int, size int64, path *string, err error) {
	v, err := s.creator(sys, r)
	if err != nil {
		return 0, 0, nil, err
	}
	w, path, err := s.Store.create(sys, r)
	if err != nil {
		return 0, 0, nil, err
	}
	counted := &countingWriter{w: w}
	out := csv.NewWriter(counted)
	cols := pick(r.Kind, r.Columns)
	record := make([]string, len(cols))
	for i, c := range cols {
		record[i] = c.title
	}
	err = out.Write(record)
	if err == nil {
		q := query{c: s.Client, kind: r.Kind, region: r.Region}
		if r.From != nil {
			q.from, q.to = *r.From, *r.To
		}
		err = q.each(viewer.NewContext(s.ctx, v), func(row *row) error {
			for i, c := range cols {
				record[i] = c.value(row)
			}
			rows++
			return out.Write(record)
		})
	}
	out.Flush()
	err = errors.Join(err, out.Error(), w.Close())
	return rows, counted.n, path, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
