// Package week owns the calendar week of the analytics: weeks run from Sunday 00:00 UTC to
// the next Sunday 00:00 UTC.
package week

import "time"

// Start returns the start (Sunday 00:00 UTC) of the week that contains t.
func Start(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -int(day.Weekday()))
}

// LastCompleted returns the start of the most recent completed week before t.
func LastCompleted(t time.Time) time.Time { return Start(t).AddDate(0, 0, -7) }
