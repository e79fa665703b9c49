package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/report"
	"github.com/partnerhub/partnerhub-api/ent/reportschedule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
)

// dueBatch bounds the schedules one instance takes per transaction.
const dueBatch = 20

// Run ticks every interval until ctx ends: every instance runs it, and each due schedule,
// retry and expiry is taken by exactly one of them.
func (s *Service) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Error("report scheduler", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick starts the reports of the schedules due now, retries the failed scheduled reports
// whose time has come and expires the files past their retention.
func (s *Service) Tick(ctx context.Context) error {
	sys := viewer.SystemContext(ctx)
	for {
		n, err := s.runDue(sys)
		if err != nil || n < dueBatch {
			return errors.Join(err, s.recover(sys), s.retry(sys), s.expire(sys))
		}
	}
}

// runDue takes due schedules, locked so that no other instance takes them (PostgreSQL's
// SKIP LOCKED; SQLite has one writer), makes their reports and advances their next run
// past now in the same transaction: a schedule whose runs were missed while no instance
// ran runs once.
func (s *Service) runDue(sys context.Context) (int, error) {
	now := s.Now().UTC()
	tx, err := s.Client.Tx(sys)
	if err != nil {
		return 0, err
	}
	q := tx.ReportSchedule.Query().Where(reportschedule.NextRunAtLTE(now)).Order(ent.Asc(reportschedule.FieldNextRunAt)).Limit(dueBatch)
	if s.Dialect == dialect.Postgres {
		q.ForUpdate(sql.WithLockAction(sql.SkipLocked))
	}
	due, err := q.All(sys)
	if err != nil {
		return 0, errors.Join(err, tx.Rollback())
	}
	var started []*ent.Report
	for _, sc := range due {
		r, err := s.runSchedule(sys, tx, sc, now)
		if err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
		if r != nil {
			started = append(started, r)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	for _, r := range started {
		s.start(r)
	}
	return len(due), nil
}

// runSchedule makes the report of a due schedule, as of its latest run time, and moves
// its next run past now; nil when another instance took the run first.
func (s *Service) runSchedule(sys context.Context, tx *ent.Tx, sc *ent.ReportSchedule, now time.Time) (*ent.Report, error) {
	t := timingOf(sc)
	tmpl, err := templateOf(sys, tx.Client(), sc.Kind, sc.TemplateID)
	if err != nil {
		return nil, err
	}
	if tmpl == nil {
		return nil, fmt.Errorf("schedule %d: its template is gone", sc.ID)
	}
	p := &Params{Template: tmpl, Region: sc.Region}
	if tmpl.HasDateRange {
		from, to := t.Covered(t.Last(now))
		p.From, p.To = &from, &to
	}
	ctx := viewer.NewContext(sys, viewer.SystemOf(sc.PartnerID))
	// Advancing only the run that was read claims it, where no lock was taken.
	n, err := tx.ReportSchedule.Update().Where(reportschedule.ID(sc.ID), reportschedule.NextRunAt(sc.NextRunAt)).
		SetNextRunAt(t.Next(now)).Save(ctx)
	if err != nil || n == 0 {
		return nil, err
	}
	r, err := s.create(ctx, tx, p, sc.CreatedByID, &sc.ID)
	if err != nil {
		return nil, err
	}
	err = audit.Record(ctx, s.Audit, tx, "generateReport", audit.Change{Targets: []string{r.GlobalID(), sc.GlobalID()},
		Summary: fmt.Sprintf("the schedule asked for the report %s (%s)", r.FileName, r.Region)})
	return r, err
}

// staleAfter is how long a QUEUED or RUNNING report may go without a heartbeat before it
// is taken for lost with the instance that was generating it.
const staleAfter = 5 * time.Minute

// recover fails the reports whose instance stopped while generating them; a scheduled one
// is then retried like any failed run.
func (s *Service) recover(sys context.Context) error {
	now := s.Now().UTC()
	lost, err := s.Client.Report.Query().Where(report.StateIn(enum.ReportQueued, enum.ReportRunning), report.UpdatedAtLT(now.Add(-staleAfter))).
		Limit(dueBatch).All(sys)
	if err != nil {
		return err
	}
	for _, r := range lost {
		update := s.Client.Report.Update().Where(report.ID(r.ID), report.StateEQ(r.State), report.UpdatedAt(r.UpdatedAt)).
			SetState(enum.ReportFailed).SetError("INTERNAL: the server generating the report stopped").SetUpdatedAt(now).SetCompletedAt(now)
		if r.ScheduleID != nil && r.Attempts < MaxAttempts {
			update.SetRetryAt(now)
		}
		if err := s.settle(sys, r, update); err != nil {
			return err
		}
	}
	return nil
}

// settle saves update, a state change of r that claims it for this instance, and when it
// did, removes r's stored file and announces the change.
func (s *Service) settle(sys context.Context, r *ent.Report, update *ent.ReportUpdate) error {
	n, err := update.Save(sys)
	if err != nil || n != 1 {
		return err
	}
	if err := s.Store.remove(sys, r); err != nil {
		return err
	}
	s.announce(r.PartnerID)
	return nil
}

// retry starts again the failed scheduled reports whose retry time has come; the state
// change claims each for one instance.
func (s *Service) retry(sys context.Context) error {
	now := s.Now().UTC()
	failed, err := s.Client.Report.Query().Where(report.StateEQ(enum.ReportFailed), report.RetryAtLTE(now)).Limit(dueBatch).All(sys)
	if err != nil {
		return err
	}
	for _, r := range failed {
		// Still due: another instance may have retried it since, and failed again with a
		// later retry time.
		n, err := s.Client.Report.Update().Where(report.ID(r.ID), report.StateEQ(enum.ReportFailed), report.RetryAtLTE(now)).
			SetState(enum.ReportQueued).ClearRetryAt().SetUpdatedAt(s.Now().UTC()).Save(sys)
		if err != nil {
			return err
		}
		if n == 1 {
			s.start(r)
		}
	}
	return nil
}

// expire deletes the files of the reports past their retention and marks them EXPIRED.
func (s *Service) expire(sys context.Context) error {
	old, err := s.Client.Report.Query().Where(report.StateEQ(enum.ReportReady), report.ExpiresAtLTE(s.Now().UTC())).Limit(dueBatch).All(sys)
	if err != nil {
		return err
	}
	for _, r := range old {
		update := s.Client.Report.Update().Where(report.ID(r.ID), report.StateEQ(enum.ReportReady)).
			SetState(enum.ReportExpired).SetUpdatedAt(s.Now().UTC())
		if err := s.settle(sys, r, update); err != nil {
			return err
		}
	}
	return nil
}
