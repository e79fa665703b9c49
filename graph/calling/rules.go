// Package calling owns the calling analytics: the poor-leg rule, the calendar of days and
// weeks the figures fall in, the rollups kept at ingest and the analytics read from them.
//
// A leg is measured when it carries all three media metrics, and poor when a measured
// leg's jitter, latency or packet loss exceeds the partner's threshold (any one exceeded).
// A leg belongs to the UTC day and the week (Sunday 00:00 UTC to the next Sunday) of its
// start. A call — the legs sharing a call ID within a customer — counts once, on the day,
// week and location of its earliest known leg, with the features of all its legs; a user's
// calls in a week are the distinct calls among the user's legs started in that week.
//
// The rollups hold exactly the contribution of every stored call: when legs of a call
// arrive, ingest adds the call's contribution with its new legs and subtracts the one it
// had without them, so a late leg that starts earlier moves the call, and a re-sent leg,
// which is not stored again, changes nothing.
package calling

import (
	"time"

	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// Thresholds are the limits above which a measured leg is poor.
type Thresholds struct {
	JitterMs, LatencyMs, PacketLossPercent float64
}

// ThresholdsOf returns the poor-leg thresholds of a partner's settings, defaults applied.
func ThresholdsOf(s settings.Partner) Thresholds {
	s = s.WithDefaults()
	return Thresholds{JitterMs: s.PoorJitterMs, LatencyMs: s.PoorLatencyMs, PacketLossPercent: s.PoorPacketLossPct}
}

// Metrics are a leg's media metrics.
type Metrics struct {
	JitterMs, LatencyMs, PacketLossPercent float64
}

// Poor reports whether legs with metrics m are poor: any one threshold exceeded.
func (t Thresholds) Poor(m Metrics) bool {
	return m.JitterMs > t.JitterMs || m.LatencyMs > t.LatencyMs || m.PacketLossPercent > t.PacketLossPercent
}

// Day is a UTC calendar day as days since 1970-01-01.
type Day int

// LastDay is a day later than any leg's: the open end of a span of days.
const LastDay Day = 1 << 30

// DayOf returns the UTC day t falls on.
func DayOf(t time.Time) Day { return Day(t.UTC().Unix() / 86400) }

// Time returns the start (00:00 UTC) of d.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Week returns the Sunday that starts the week of d.
func (d Day) Week() Day { return DayOf(week.Start(d.Time())) }

// LastCompletedWeek returns the Sunday starting the most recent week that ended by now.
func LastCompletedWeek(now time.Time) Day { return DayOf(week.LastCompleted(now)) }
