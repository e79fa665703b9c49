package calling

import (
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Figures are the summed rollups of a set of customer-days, with the active users of the
// same customers and week.
type Figures struct {
	c     Counts
	users int64
	// buckets count the active users with 1–5, 6–20 and more than 20 calls.
	buckets [3]int64
}

func (f *Figures) n(i int) int { return int(f.c[i]) }

// Calls counts the calls whose earliest leg started in the week.
func (f *Figures) Calls() int { return f.n(cCalls) }

// Legs counts the legs started in the week.
func (f *Figures) Legs() int { return f.n(cLegs) }

// Minutes is Σ leg duration / 60.
func (f *Figures) Minutes() float64 { return float64(f.c[cSeconds]) / 60 }

// VideoMinutes is Σ duration of the VIDEO legs / 60.
func (f *Figures) VideoMinutes() float64 { return float64(f.c[cVideoSeconds]) / 60 }

// ActiveUsers counts the distinct users with a leg in the week.
func (f *Figures) ActiveUsers() int { return int(f.users) }

// MeasuredLegs counts the legs with media metrics.
func (f *Figures) MeasuredLegs() int { return f.n(cMeasured) }

// PoorLegs counts the poor legs.
func (f *Figures) PoorLegs() int { return f.n(cPoor) }

// PoorRatio is poor legs / measured legs.
func (f *Figures) PoorRatio() *model.Ratio { return analytics.Ratio(f.c[cPoor], f.c[cMeasured]) }

// HuntGroupCalls counts the calls with a hunt-group leg.
func (f *Figures) HuntGroupCalls() int { return f.n(cFeatureCalls) }

// AutoAttendantCalls counts the calls with an auto-attendant leg.
func (f *Figures) AutoAttendantCalls() int { return f.n(cFeatureCalls + 1) }

// CallQueueCalls counts the calls with a call-queue leg.
func (f *Figures) CallQueueCalls() int { return f.n(cFeatureCalls + 2) }

// The queue outcomes, as offsets from cOutcomes and cOutcomeWaits.
const (
	answered = iota
	abandoned
	timedOut
	overflow
	transferred
)

// QueueCalls counts the legs that waited in a queue.
func (f *Figures) QueueCalls() int { return f.n(cQueueLegs) }

// AverageTimeToAnswerSeconds is the average wait of the answered and transferred legs.
func (f *Figures) AverageTimeToAnswerSeconds() *float64 {
	return average(f.c[cOutcomeWaits+answered]+f.c[cOutcomeWaits+transferred], f.c[cOutcomes+answered]+f.c[cOutcomes+transferred])
}

// AverageWaitBeforeAbandonSeconds is the average wait of the abandoned legs.
func (f *Figures) AverageWaitBeforeAbandonSeconds() *float64 {
	return average(f.c[cOutcomeWaits+abandoned], f.c[cOutcomes+abandoned])
}

// AbandonedRate is abandoned legs / queue legs.
func (f *Figures) AbandonedRate() *model.Ratio {
	return analytics.Ratio(f.c[cOutcomes+abandoned], f.c[cQueueLegs])
}

// Answered counts the answered queue legs.
func (f *Figures) Answered() int { return f.n(cOutcomes + answered) }

// Abandoned counts the abandoned queue legs.
func (f *Figures) Abandoned() int { return f.n(cOutcomes + abandoned) }

// TimedOut counts the timed-out queue legs.
func (f *Figures) TimedOut() int { return f.n(cOutcomes + timedOut) }

// Overflow counts the queue legs passed on by overflow.
func (f *Figures) Overflow() int { return f.n(cOutcomes + overflow) }

// Transferred counts the queue legs moved to another queue.
func (f *Figures) Transferred() int { return f.n(cOutcomes + transferred) }

func average(sum, n int64) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// endpoint returns the figures of the legs on the i-th endpoint type.
func (f *Figures) endpoint(i int) *model.EndpointQuality {
	return &model.EndpointQuality{Legs: f.n(cEndpointLegs + i), MeasuredLegs: f.n(cEndpointMeasured + i), PoorLegs: f.n(cEndpointPoor + i),
		PoorRatio: analytics.Ratio(f.c[cEndpointPoor+i], f.c[cEndpointMeasured+i])}
}
