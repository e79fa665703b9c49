package graph

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/report"
	"github.com/partnerhub/partnerhub-api/ent/reportchunk"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	reports "github.com/partnerhub/partnerhub-api/graph/report"
)

// clock is a settable clock shared by scheduler instances.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(s string)   { c.setTime(at(s)) }
func (c *clock) setTime(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// instance is another server instance's report service over the harness's database.
func (h *harness) instance(c *clock) *reports.Service {
	s := reports.NewService(h.client, c.now, h.resolver.Audit, h.broker, &reports.Store{Client: h.client}, []byte("test-link-key"),
		slog.New(slog.NewTextHandler(testLog{h.t}, nil)))
	if storagetest.Postgres() {
		s.Dialect = dialect.Postgres
	}
	h.t.Cleanup(s.Close)
	return s
}

// tick runs one scheduler pass of each instance at once and waits for their reports.
func tick(t *testing.T, instances ...*reports.Service) {
	t.Helper()
	var wg sync.WaitGroup
	for _, s := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Tick(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, s := range instances {
		s.Wait()
	}
}

const scheduleQ = `mutation($in: ScheduleReportInput!) { scheduleReport(input: $in) { reportSchedule { id frequency dayOfWeek dayOfMonth hourUtc nextRunAt template { name } } } }`

// TestReportSchedules: schedules run at their times, once after downtime however many runs
// were missed, a weekly calling usage report covers the last completed week, and two
// instances make each due report once.
func TestReportSchedules(t *testing.T) {
	s := newReportScene(t)
	h, full := s.h, s.h.as(s.w.full)
	usage, devices := templateID(t, h, full, "Calling usage detail"), templateID(t, h, full, "Devices")
	ids := map[string]string{}
	for name, c := range map[string]struct {
		in       map[string]any
		nextRun  string
		dow, dom *int
	}{
		"weekly":  {map[string]any{"templateId": usage, "region": "US", "frequency": "WEEKLY", "dayOfWeek": 1, "hourUtc": 6}, "2026-03-23T06:00:00Z", ptr(1), nil},
		"daily":   {map[string]any{"templateId": devices, "region": "US", "frequency": "DAILY", "hourUtc": 6}, "2026-03-19T06:00:00Z", nil, nil},
		"monthly": {map[string]any{"templateId": devices, "region": "US", "frequency": "MONTHLY", "dayOfMonth": 31, "hourUtc": 6}, "2026-03-31T06:00:00Z", nil, ptr(31)},
	} {
		var out struct {
			ScheduleReport struct {
				ReportSchedule struct {
					ID, NextRunAt         string
					DayOfWeek, DayOfMonth *int
				}
			}
		}
		h.mustDo(t, full, scheduleQ, map[string]any{"in": c.in}, &out)
		got := out.ScheduleReport.ReportSchedule
		if got.NextRunAt != c.nextRun || !equalPtr(got.DayOfWeek, c.dow) || !equalPtr(got.DayOfMonth, c.dom) {
			t.Errorf("%s schedule = %+v, want next run %s", name, got, c.nextRun)
		}
		ids[name] = got.ID
	}
	if got := h.do(t, full, scheduleQ, map[string]any{"in": map[string]any{"templateId": devices, "region": "US", "frequency": "MONTHLY", "dayOfMonth": 32}}).code(); got != "BAD_USER_INPUT" {
		t.Errorf("dayOfMonth 32 = %s, want BAD_USER_INPUT", got)
	}
	c := &clock{}
	a, b := h.instance(c), h.instance(c)
	runs := func(string) []*ent.Report {
		return h.client.Report.Query().Where(report.ScheduleIDNotNil()).AllX(h.sys)
	}
	count := func() map[int]int {
		out := map[int]int{}
		for _, r := range runs("") {
			out[*r.ScheduleID]++
		}
		return out
	}
	c.set("2026-03-19T05:59:59Z")
	tick(t, a, b)
	if n := len(runs("")); n != 0 {
		t.Fatalf("%d reports before any run time, want 0", n)
	}
	c.set("2026-03-23T06:00:00Z") // the daily runs of 19, 20, 21, 22 and 23 March are due
	tick(t, a, b)
	if got := count(); len(got) != 2 || got[idOf(t, ids["daily"])] != 1 || got[idOf(t, ids["weekly"])] != 1 {
		t.Fatalf("reports per schedule = %v, want one daily and one weekly", got)
	}
	weekly := h.client.Report.Query().Where(report.ScheduleID(idOf(t, ids["weekly"]))).OnlyX(h.sys)
	if weekly.From.Format(time.DateOnly) != "2026-03-15" || weekly.To.Format(time.DateOnly) != "2026-03-21" || weekly.State != enum.ReportReady {
		t.Errorf("weekly report covers %s..%s, %s; want 2026-03-15..2026-03-21, READY", weekly.From, weekly.To, weekly.State)
	}
	c.set("2026-04-02T12:00:00Z") // ten days down: each schedule runs once
	tick(t, a, b)
	if got := count(); got[idOf(t, ids["daily"])] != 2 || got[idOf(t, ids["weekly"])] != 2 || got[idOf(t, ids["monthly"])] != 1 {
		t.Fatalf("reports per schedule after downtime = %v, want 2 daily, 2 weekly, 1 monthly", got)
	}
	next := h.client.ReportSchedule.GetX(h.sys, idOf(t, ids["monthly"])).NextRunAt
	if !next.Equal(at("2026-04-30T06:00:00Z")) {
		t.Errorf("monthly next run = %s, want 2026-04-30T06:00:00Z", next)
	}

	t.Run("TwoInstancesOnce", func(t *testing.T) {
		for range 30 {
			h.client.ReportSchedule.Create().SetPartnerID(s.w.partner.ID).SetKind(enum.ReportDevices).SetRegion(enum.RegionUS).
				SetFrequency(enum.FrequencyDaily).SetHourUtc(6).SetNextRunAt(at("2026-04-03T06:00:00Z")).SetCreatedByID(s.w.full.ID).SaveX(h.sys)
		}
		before := len(runs(""))
		c.set("2026-04-03T06:30:00Z")
		tick(t, a, b)
		for id, n := range count() {
			if n > 3 {
				t.Errorf("schedule %d made %d reports", id, n)
			}
		}
		// 30 new schedules and the first daily one are due.
		if got := len(runs("")) - before; got != 31 {
			t.Errorf("two instances made %d reports, want 31", got)
		}
	})

	t.Run("RetryAndExpiry", func(t *testing.T) {
		gone := h.mustAdmin(s.w, enum.RoleFullAdmin)
		sc := h.client.ReportSchedule.Create().SetPartnerID(s.w.partner.ID).SetKind(enum.ReportDevices).SetRegion(enum.RegionUS).
			SetFrequency(enum.FrequencyDaily).SetHourUtc(7).SetNextRunAt(at("2026-04-03T07:00:00Z")).SetCreatedByID(gone.ID).SaveX(h.sys)
		h.client.Admin.UpdateOne(gone).SetRemovedAt(at("2026-04-01T00:00:00Z")).ExecX(h.sys)
		c.set("2026-04-03T07:00:00Z")
		tick(t, a, b)
		failed := func() *ent.Report { return h.client.Report.Query().Where(report.ScheduleID(sc.ID)).OnlyX(h.sys) }
		if r := failed(); r.State != enum.ReportFailed || r.Attempts != 1 || !r.RetryAt.Equal(at("2026-04-03T07:01:00Z")) {
			t.Fatalf("report of a removed admin = %s, %d attempts, retry at %v; want FAILED, 1, 07:01", r.State, r.Attempts, r.RetryAt)
		}
		c.set("2026-04-03T07:00:59Z")
		tick(t, a, b)
		if r := failed(); r.Attempts != 1 {
			t.Errorf("retried before its time: %d attempts", r.Attempts)
		}
		for i, retry := range []string{"2026-04-03T07:01:00Z", "2026-04-03T07:05:00Z", "2026-04-03T07:21:00Z"} {
			c.set(retry)
			tick(t, a, b)
			if r := failed(); r.Attempts != i+2 {
				t.Errorf("at %s: %d attempts, want %d", retry, r.Attempts, i+2)
			}
		}
		if r := failed(); r.RetryAt != nil || r.State != enum.ReportFailed {
			t.Errorf("after %d attempts: retry at %v, %s; want no retry, FAILED", r.Attempts, r.RetryAt, r.State)
		}

		ready := h.client.Report.Query().Where(report.StateEQ(enum.ReportReady)).FirstX(h.sys)
		c.setTime(ready.ExpiresAt.Add(time.Second))
		tick(t, a, b)
		if r := h.client.Report.GetX(h.sys, ready.ID); r.State != enum.ReportExpired {
			t.Errorf("report past its retention is %s, want EXPIRED", r.State)
		}
		if n := h.client.ReportChunk.Query().Where(reportchunk.ReportID(ready.ID)).CountX(h.sys); n != 0 {
			t.Errorf("expired report keeps %d chunks", n)
		}
	})

	t.Run("LostInstance", func(t *testing.T) {
		now := c.now()
		sc := h.client.ReportSchedule.Query().FirstX(h.sys)
		direct, scheduled := s.lostReport(now.Add(-6*time.Minute), nil), s.lostReport(now.Add(-6*time.Minute), &sc.ID)
		beating := s.lostReport(now.Add(-4*time.Minute), nil)
		tick(t, a, b)
		if r := h.client.Report.GetX(h.sys, direct.ID); r.State != enum.ReportFailed || r.RetryAt != nil {
			t.Errorf("lost report = %s, retry %v; want FAILED, no retry", r.State, r.RetryAt)
		}
		if r := h.client.Report.GetX(h.sys, scheduled.ID); r.State != enum.ReportReady || r.Attempts != 2 {
			t.Errorf("lost scheduled report = %s after %d attempts, want READY after 2", r.State, r.Attempts)
		}
		if r := h.client.Report.GetX(h.sys, beating.ID); r.State != enum.ReportRunning {
			t.Errorf("report with a recent heartbeat = %s, want RUNNING", r.State)
		}
	})

	t.Run("SignedLinkExpires", func(t *testing.T) {
		r := h.client.Report.Query().Where(report.StateEQ(enum.ReportReady)).FirstX(h.sys)
		url := *a.DownloadURL(r)
		mux := http.NewServeMux()
		mux.Handle("GET /reports/{id}/download", a.Handler())
		srv := httptest.NewServer(mux)
		defer srv.Close()
		get := func() int {
			resp, err := http.Get(srv.URL + url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		start := c.now()
		if got := get(); got != http.StatusOK {
			t.Errorf("fresh link = %d, want 200", got)
		}
		c.setTime(start.Add(15 * time.Minute))
		if got := get(); got != http.StatusForbidden {
			t.Errorf("link after 15 minutes = %d, want 403", got)
		}
	})
}

// lostReport is a report an instance took at started and stopped generating.
func (s *reportScene) lostReport(started time.Time, schedule *int) *ent.Report {
	return s.h.client.Report.Create().SetPartnerID(s.w.partner.ID).SetTemplateName("Devices").SetKind(enum.ReportDevices).
		SetColumns([]string{"mac"}).SetRegion(enum.RegionUS).SetFileName("Devices_lost_2026-04-03.csv").SetState(enum.ReportRunning).
		SetAttempts(1).SetCreatedByID(s.w.full.ID).SetNillableScheduleID(schedule).SetCreatedAt(started).SetUpdatedAt(started).SaveX(s.h.sys)
}

func ptr[T any](v T) *T { return &v }

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func idOf(t *testing.T, global string) int {
	t.Helper()
	typ, n, err := gid.Decode(global)
	if err != nil || typ != "ReportSchedule" {
		t.Fatalf("%s is not a schedule ID", global)
	}
	return n
}
