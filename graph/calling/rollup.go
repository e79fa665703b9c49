package calling

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// Leg is what the rollups need of a call leg.
type Leg struct {
	LegID      string
	CustomerID int
	LocationID int // 0 for none
	QueueID    int // 0 for none
	UserID     string
	StartedAt  time.Time
	Seconds    int
	Media      enum.Media
	Endpoint   enum.EndpointType
	Metrics    *Metrics // nil when unmeasured
	Feature    enum.CallFeature
	// Queued legs have an outcome and a wait.
	Outcome *enum.QueueOutcome
	Wait    int
}

// The counters of a day's rollup, in the order of Counters.
const (
	cLegs = iota
	cPoor
	cMeasured
	cSeconds
	cVideoSeconds
	cAudioLegs
	cVideoLegs
	cEndpointLegs     // four, in the order of enum.EndpointType's Values
	cEndpointPoor     = cEndpointLegs + 4
	cEndpointMeasured = cEndpointPoor + 4
	cCalls            = cEndpointMeasured + 4
	cFeatureCalls     = cCalls + 1 // three: HUNT_GROUP, AUTO_ATTENDANT, CALL_QUEUE
	cQueueLegs        = cFeatureCalls + 3
	cOutcomes         = cQueueLegs + 1    // five, in the order of enum.QueueOutcome's Values
	cOutcomeWaits     = cOutcomes + 5     // five, likewise
	nCounters         = cOutcomeWaits + 5 // how many
)

// Counters are the columns of the day rollup's counters, in their index order.
var Counters = []string{
	callingday.FieldLegs, callingday.FieldPoorLegs, callingday.FieldMeasuredLegs, callingday.FieldSeconds,
	callingday.FieldVideoSeconds, callingday.FieldAudioLegs, callingday.FieldVideoLegs,
	callingday.FieldWebexAppLegs, callingday.FieldDeskPhoneLegs, callingday.FieldRoomDeviceLegs, callingday.FieldOtherLegs,
	callingday.FieldWebexAppPoor, callingday.FieldDeskPhonePoor, callingday.FieldRoomDevicePoor, callingday.FieldOtherPoor,
	callingday.FieldWebexAppMeasured, callingday.FieldDeskPhoneMeasured, callingday.FieldRoomDeviceMeasured, callingday.FieldOtherMeasured,
	callingday.FieldCalls, callingday.FieldHuntGroupCalls, callingday.FieldAutoAttendantCalls, callingday.FieldCallQueueCalls,
	callingday.FieldQueueLegs, callingday.FieldAnswered, callingday.FieldAbandoned, callingday.FieldTimedOut,
	callingday.FieldOverflow, callingday.FieldTransferred,
	callingday.FieldAnsweredWait, callingday.FieldAbandonedWait, callingday.FieldTimedOutWait,
	callingday.FieldOverflowWait, callingday.FieldTransferredWait,
}

// Counts are a day rollup's counters, indexed like Counters.
type Counts [nCounters]int64

// DayKey names a day rollup row.
type DayKey struct {
	CustomerID, LocationID, QueueID int
	Day                             Day
}

// UserWeekKey names a user-week rollup row.
type UserWeekKey struct {
	CustomerID int
	UserID     string
	Week       Day
}

// Delta is a change of the rollups.
type Delta struct {
	Days  map[DayKey]*Counts
	Users map[UserWeekKey]int64
}

// NewDelta returns an empty change.
func NewDelta() *Delta { return &Delta{Days: map[DayKey]*Counts{}, Users: map[UserWeekKey]int64{}} }

func (d *Delta) day(k DayKey) *Counts {
	c := d.Days[k]
	if c == nil {
		c = &Counts{}
		d.Days[k] = c
	}
	return c
}

// AddCall adds sign times the contribution of one call, given all its legs (of one
// customer), to d: each leg's figures on its own day, location and queue, the call and its
// features on those of its earliest leg, and one call to each user-week
// among its legs.
func (d *Delta) AddCall(legs []Leg, sign int64, t Thresholds) {
	if len(legs) == 0 {
		return
	}
	first := legs[0]
	var features [3]bool
	users := make([]UserWeekKey, 0, len(legs)) // a call has few legs: a slice beats a set
	for _, l := range legs {
		if l.StartedAt.Before(first.StartedAt) || l.StartedAt.Equal(first.StartedAt) && l.LegID < first.LegID {
			first = l
		}
		if i := slices.Index(featureOrder, l.Feature); i >= 0 {
			features[i] = true
		}
		day := DayOf(l.StartedAt)
		if u := (UserWeekKey{l.CustomerID, l.UserID, day.Week()}); !slices.Contains(users, u) {
			users = append(users, u)
		}
		d.day(DayKey{l.CustomerID, l.LocationID, l.QueueID, day}).addLeg(l, sign, t)
	}
	c := d.day(DayKey{first.CustomerID, first.LocationID, first.QueueID, DayOf(first.StartedAt)})
	c[cCalls] += sign
	for i, has := range features {
		if has {
			c[cFeatureCalls+i] += sign
		}
	}
	for _, k := range users {
		d.Users[k] += sign
	}
}

var (
	// featureOrder are the features counted per call, in the order of their counters.
	featureOrder = []enum.CallFeature{"HUNT_GROUP", "AUTO_ATTENDANT", "CALL_QUEUE"}
	// endpointOrder and outcomeOrder are the orders of their counters.
	endpointOrder = enum.EndpointType("").Values()
	outcomeOrder  = enum.QueueOutcome("").Values()
)

// addLeg adds sign times one leg's own figures.
func (c *Counts) addLeg(l Leg, sign int64, t Thresholds) {
	ep := max(0, slices.Index(endpointOrder, string(l.Endpoint)))
	c[cLegs] += sign
	c[cEndpointLegs+ep] += sign
	c[cSeconds] += sign * int64(l.Seconds)
	if l.Media == "VIDEO" {
		c[cVideoLegs] += sign
		c[cVideoSeconds] += sign * int64(l.Seconds)
	} else {
		c[cAudioLegs] += sign
	}
	if l.Metrics != nil {
		c[cMeasured] += sign
		c[cEndpointMeasured+ep] += sign
		if t.Poor(*l.Metrics) {
			c[cPoor] += sign
			c[cEndpointPoor+ep] += sign
		}
	}
	if l.Outcome != nil {
		o := max(0, slices.Index(outcomeOrder, string(*l.Outcome)))
		c[cQueueLegs] += sign
		c[cOutcomes+o] += sign
		c[cOutcomeWaits+o] += sign * int64(l.Wait)
	}
}

// SortedDays returns the day rows of the change in key order: writers that follow it lock
// rows in the same order, and the seed's rows come out the same every time.
func (d *Delta) SortedDays() []DayKey {
	return slices.SortedFunc(maps.Keys(d.Days), func(a, b DayKey) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.LocationID, b.LocationID),
			cmp.Compare(a.QueueID, b.QueueID), cmp.Compare(a.Day, b.Day))
	})
}

// SortedUsers returns the user-week rows of the change in key order.
func (d *Delta) SortedUsers() []UserWeekKey {
	return slices.SortedFunc(maps.Keys(d.Users), func(a, b UserWeekKey) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Week, b.Week), strings.Compare(a.UserID, b.UserID))
	})
}

// Prune drops the rows the change leaves as they were.
func (d *Delta) Prune() {
	for k, c := range d.Days {
		if *c == (Counts{}) {
			delete(d.Days, k)
		}
	}
	for k, n := range d.Users {
		if n == 0 {
			delete(d.Users, k)
		}
	}
}
