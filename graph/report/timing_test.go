package report

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestTiming: the next and latest runs of each frequency at fixed clocks, and the days a
// calling usage report of each run covers.
func TestTiming(t *testing.T) {
	daily := Timing{Frequency: enum.FrequencyDaily, HourUTC: 6}
	weekly := Timing{Frequency: enum.FrequencyWeekly, DayOfWeek: 1, HourUTC: 6} // Mondays
	monthly31 := Timing{Frequency: enum.FrequencyMonthly, DayOfMonth: 31, HourUTC: 6}
	monthly30 := Timing{Frequency: enum.FrequencyMonthly, DayOfMonth: 30}
	for _, c := range []struct {
		name       string
		timing     Timing
		now        string
		next, last string
	}{
		{"DailyBeforeHour", daily, "2026-03-18T05:59:59Z", "2026-03-18T06:00:00Z", "2026-03-17T06:00:00Z"},
		{"DailyAtHour", daily, "2026-03-18T06:00:00Z", "2026-03-19T06:00:00Z", "2026-03-18T06:00:00Z"},
		{"WeeklyWednesday", weekly, "2026-03-18T12:00:00Z", "2026-03-23T06:00:00Z", "2026-03-16T06:00:00Z"},
		{"WeeklySunday", Timing{Frequency: enum.FrequencyWeekly, DayOfWeek: 0}, "2026-03-21T23:00:00Z", "2026-03-22T00:00:00Z", "2026-03-15T00:00:00Z"},
		{"Monthly31stToApril30", monthly31, "2026-03-31T07:00:00Z", "2026-04-30T06:00:00Z", "2026-03-31T06:00:00Z"},
		{"Monthly31stFebruary", monthly31, "2026-02-01T00:00:00Z", "2026-02-28T06:00:00Z", "2026-01-31T06:00:00Z"},
		{"Monthly31stLeapFebruary", monthly31, "2028-02-01T00:00:00Z", "2028-02-29T06:00:00Z", "2028-01-31T06:00:00Z"},
		{"Monthly30thFebruary", monthly30, "2026-02-27T00:00:00Z", "2026-02-28T00:00:00Z", "2026-01-30T00:00:00Z"},
		{"MonthlyYearEnd", monthly31, "2026-12-31T06:00:01Z", "2027-01-31T06:00:00Z", "2026-12-31T06:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.timing.Next(at(c.now)); !got.Equal(at(c.next)) {
				t.Errorf("Next(%s) = %s, want %s", c.now, got.Format(time.RFC3339), c.next)
			}
			if got := c.timing.Last(at(c.now)); !got.Equal(at(c.last)) {
				t.Errorf("Last(%s) = %s, want %s", c.now, got.Format(time.RFC3339), c.last)
			}
		})
	}
	for _, c := range []struct {
		name     string
		timing   Timing
		run      string
		from, to string
	}{
		{"Daily", daily, "2026-03-18T06:00:00Z", "2026-03-17", "2026-03-17"},
		{"Weekly", weekly, "2026-03-16T06:00:00Z", "2026-03-08", "2026-03-14"},
		{"Monthly", monthly31, "2026-03-31T06:00:00Z", "2026-02-01", "2026-02-28"},
		{"MonthlyJanuary", monthly31, "2026-01-31T06:00:00Z", "2025-12-01", "2025-12-31"},
	} {
		t.Run("Covered"+c.name, func(t *testing.T) {
			from, to := c.timing.Covered(at(c.run))
			if from.Format(time.DateOnly) != c.from || to.Format(time.DateOnly) != c.to {
				t.Errorf("Covered(%s) = %s..%s, want %s..%s", c.run, from.Format(time.DateOnly), to.Format(time.DateOnly), c.from, c.to)
			}
		})
	}
}
