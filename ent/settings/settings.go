// Package settings defines a partner's tunable thresholds of the status, KPI and analytics
// rules, and their defaults.
package settings

// Partner holds the thresholds that the domain rules read; zero fields take the defaults.
type Partner struct {
	// ExpiringSoonDays is the window of the EXPIRING_SOON status.
	ExpiringSoonDays int `json:"expiringSoonDays,omitempty"`
	// InactivityDays is the window of the NO_RECENT_ACTIVITY status.
	InactivityDays int `json:"inactivityDays,omitempty"`
	// HorizonDays is the look-ahead of the expiring and renewing analytics and KPIs.
	HorizonDays int `json:"horizonDays,omitempty"`
	// RecentDays is the look-back of the recently-added analytics.
	RecentDays int `json:"recentDays,omitempty"`
	// LowAssignmentMinAgeDays is how old a subscription must be before its lines can count as low.
	LowAssignmentMinAgeDays int `json:"lowAssignmentMinAgeDays,omitempty"`
	// LowAssignmentFactor multiplies the median assignment ratio to give the bar.
	LowAssignmentFactor float64 `json:"lowAssignmentFactor,omitempty"`
	// LowAssignmentFloor is the absolute bar used when there are too few lines for a median.
	LowAssignmentFloor float64 `json:"lowAssignmentFloor,omitempty"`
	// LowAssignmentMinLines is how many active lines a median needs.
	LowAssignmentMinLines int `json:"lowAssignmentMinLines,omitempty"`
	// PoorJitterMs, PoorLatencyMs and PoorPacketLossPct make a call leg poor when exceeded.
	PoorJitterMs      float64 `json:"poorJitterMs,omitempty"`
	PoorLatencyMs     float64 `json:"poorLatencyMs,omitempty"`
	PoorPacketLossPct float64 `json:"poorPacketLossPct,omitempty"`
	// ReportRegion is the region preselected for new reports, empty for none.
	ReportRegion string `json:"reportRegion,omitempty"`
}

// Defaults are the thresholds when a partner sets none.
var Defaults = Partner{
	ExpiringSoonDays:        30,
	InactivityDays:          30,
	HorizonDays:             90,
	RecentDays:              90,
	LowAssignmentMinAgeDays: 30,
	LowAssignmentFactor:     0.5,
	LowAssignmentFloor:      0.25,
	LowAssignmentMinLines:   5,
	PoorJitterMs:            150,
	PoorLatencyMs:           400,
	PoorPacketLossPct:       5,
}

// WithDefaults returns p with every unset threshold taken from Defaults.
func (p Partner) WithDefaults() Partner {
	d := Defaults
	pick := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	pickf := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&p.ExpiringSoonDays, d.ExpiringSoonDays)
	pick(&p.InactivityDays, d.InactivityDays)
	pick(&p.HorizonDays, d.HorizonDays)
	pick(&p.RecentDays, d.RecentDays)
	pick(&p.LowAssignmentMinAgeDays, d.LowAssignmentMinAgeDays)
	pickf(&p.LowAssignmentFactor, d.LowAssignmentFactor)
	pickf(&p.LowAssignmentFloor, d.LowAssignmentFloor)
	pick(&p.LowAssignmentMinLines, d.LowAssignmentMinLines)
	pickf(&p.PoorJitterMs, d.PoorJitterMs)
	pickf(&p.PoorLatencyMs, d.PoorLatencyMs)
	pickf(&p.PoorPacketLossPct, d.PoorPacketLossPct)
	return p
}
