package report

import (
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// Timing is when a schedule runs: every day, on a weekday (0 = Sunday) or on a day of the
// month (a day a month lacks is its last day), at an hour UTC.
type Timing struct {
	Frequency  enum.Frequency
	DayOfWeek  int
	DayOfMonth int
	HourUTC    int
}

func timingOf(s *ent.ReportSchedule) Timing {
	return Timing{Frequency: s.Frequency, DayOfWeek: s.DayOfWeek, DayOfMonth: s.DayOfMonth, HourUTC: s.HourUtc}
}

// occurrence returns the run of period n: the day n (daily), the week whose Sunday is day
// n·7 (weekly) or month n since 1970 (monthly).
func (t Timing) occurrence(n int) time.Time {
	epoch := time.Date(1970, 1, 1, t.HourUTC, 0, 0, 0, time.UTC)
	switch t.Frequency {
	case enum.FrequencyDaily:
		return epoch.AddDate(0, 0, n)
	case enum.FrequencyWeekly:
		// 1970-01-04 is a Sunday.
		return epoch.AddDate(0, 0, 3+7*n+t.DayOfWeek)
	}
	first := time.Date(1970, time.Month(1+n), 1, t.HourUTC, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.DayOfMonth, last)-1)
}

// period returns the index of the period holding t, as occurrence counts them.
func (t Timing) period(at time.Time) int {
	at = at.UTC()
	switch t.Frequency {
	case enum.FrequencyDaily:
		return int(at.Unix() / 86400)
	case enum.FrequencyWeekly:
		return int((at.Unix()/86400 - 3) / 7)
	}
	return (at.Year()-1970)*12 + int(at.Month()) - 1
}

// Next returns the first run strictly after at.
func (t Timing) Next(at time.Time) time.Time {
	for n := t.period(at) - 1; ; n++ {
		if r := t.occurrence(n); r.After(at) {
			return r
		}
	}
}

// Last returns the latest run at or before at.
func (t Timing) Last(at time.Time) time.Time {
	for n := t.period(at) + 1; ; n-- {
		if r := t.occurrence(n); !r.After(at) {
			return r
		}
	}
}

// Covered returns the days a scheduled calling usage report run at covers: the day
// before (daily), the last completed week (weekly) or month (monthly).
func (t Timing) Covered(run time.Time) (from, to time.Time) {
	day := run.UTC().Truncate(24 * time.Hour)
	switch t.Frequency {
	case enum.FrequencyDaily:
		return day.AddDate(0, 0, -1), day.AddDate(0, 0, -1)
	case enum.FrequencyWeekly:
		start := week.LastCompleted(run)
		return start, start.AddDate(0, 0, 6)
	}
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)
}
