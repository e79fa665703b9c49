package seed

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

var legColumns = []string{
	callleg.FieldID, callleg.FieldPartnerID, callleg.FieldCustomerID, callleg.FieldLegID, callleg.FieldCallID,
	callleg.FieldLocationID, callleg.FieldUserID, callleg.FieldStartedAt, callleg.FieldDurationSeconds,
	callleg.FieldDirection, callleg.FieldMedia, callleg.FieldEndpointType, callleg.FieldJitterMs,
	callleg.FieldLatencyMs, callleg.FieldPacketLossPct, callleg.FieldFeature, callleg.FieldQueueID,
	callleg.FieldQueueOutcome, callleg.FieldWaitSeconds,
}

// historyCallWeeks is how many weeks, the current one included, the call legs span.
const historyCallWeeks = 10

var (
	directions    = []string{"INBOUND", "OUTBOUND", "INTERNAL"}
	endpointTypes = []string{"WEBEX_APP", "DESK_PHONE", "ROOM_DEVICE", "OTHER"}
	features      = []string{"NONE", "HUNT_GROUP", "AUTO_ATTENDANT", "CALL_QUEUE"}
	outcomes      = []string{"ANSWERED", "ABANDONED", "TIMED_OUT", "OVERFLOW", "TRANSFERRED"}
	// videoShare is how many legs carry video, by endpoint type.
	videoShare = []float64{0.3, 0.02, 0.7, 0.05}
	// outcomeLegs and outcomeWait are the legs and the range of wait seconds of a queued
	// call, by outcome.
	outcomeLegs = []int{2, 1, 1, 2, 3}
	outcomeWait = [][2]int{{3, 120}, {5, 300}, {120, 600}, {30, 300}, {5, 180}}
)

// writeCallLegs writes the chunk's share of Options.CallLegs (its customers' share of all
// customers, plus whatever earlier chunks without Calling customers left over), split
// among its Calling customers by their number of calling users.
func (g *generator) writeCallLegs(b *bulkTx, ccs []*callingCustomer) error {
	budget := g.legQuota
	if budget <= 0 || len(ccs) == 0 {
		return nil
	}
	total := 0.0
	for _, cc := range ccs {
		total += cc.weight
	}
	g.rollups = calling.NewDelta()
	err := b.write(callleg.Table, legColumns, func(w tableWriter) error {
		cum, done := 0.0, 0
		for i, cc := range ccs {
			cum += cc.weight
			upto := int(math.Round(float64(budget) * cum / total))
			if i == len(ccs)-1 {
				upto = budget
			}
			if err := g.customerLegs(w, cc, upto-done); err != nil {
				return err
			}
			done = upto
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.legsWritten += budget
	return g.writeRollups(b, g.rollups)
}

// customerLegs writes n legs of the customer, grouped into calls of one to three legs.
func (g *generator) customerLegs(w tableWriter, cc *callingCustomer, n int) error {
	r := g.calls
	for n > 0 {
		dir := directions[weighted(r, 40, 40, 20)]
		feature := features[weighted(r, 80, 6, 7, 7)]
		if feature == "CALL_QUEUE" && len(cc.queues) == 0 {
			feature = "NONE"
		}
		legs := 1 + weighted(r, 45, 45, 10)
		var queue, outcome, waitAny any
		wait := 0
		if feature != "NONE" {
			dir = "INBOUND"
		}
		if feature == "CALL_QUEUE" {
			o := weighted(r, 60, 15, 8, 7, 10)
			legs, outcome, queue = outcomeLegs[o], outcomes[o], pick(r, cc.queues)
			wait = outcomeWait[o][0] + r.IntN(outcomeWait[o][1]-outcomeWait[o][0])
			waitAny = wait
		}
		legs = min(legs, n)
		call := make([]calling.Leg, 0, legs)
		g.callNo++
		callID := g.uuid(uuidCall, g.callNo)
		start := g.callTime(r, cc.c.region)
		talk := int(min(7200, max(3, math.Exp(math.Log(150)+r.NormFloat64()))))
		for k := range legs {
			u, at, dur := g.callUser(r, cc), start, talk
			if k > 0 {
				at = start.Add(time.Duration(wait+r.IntN(15)) * time.Second)
				dur = max(1, int(float64(talk)*uniform(r, 0.6, 1)))
			} else if outcome != nil {
				dur = wait + talk
				if legs == 1 {
					dur = wait
				}
			}
			if !at.Before(g.now) {
				at = g.now.Add(-time.Second)
			}
			ep := weighted(r, 50, 35, 10, 5)
			media := "AUDIO"
			if chance(r, videoShare[ep]) {
				media = "VIDEO"
			}
			jitter, latency, loss := quality(r)
			uuid, _ := cc.user(u)
			g.legNo++
			legID, site := g.uuid(uuidLeg, g.legNo), cc.sites[u%len(cc.sites)].id
			err := w.Row(g.seq.leg.take(), g.partnerID, cc.c.id, legID, callID,
				site, uuid, at, dur, dir, media, endpointTypes[ep],
				jitter, latency, loss, feature, queue, outcome, waitAny)
			if err != nil {
				return err
			}
			leg := calling.Leg{LegID: legID, CustomerID: cc.c.id, LocationID: site, UserID: uuid, StartedAt: at, Seconds: dur,
				Media: enum.Media(media), Endpoint: enum.EndpointType(endpointTypes[ep]), Feature: enum.CallFeature(feature),
				Metrics: &calling.Metrics{JitterMs: jitter, LatencyMs: latency, PacketLossPercent: loss}}
			if o, ok := outcome.(string); ok {
				leg.Outcome, leg.Wait, leg.QueueID = (*enum.QueueOutcome)(&o), wait, queue.(int)
			}
			call = append(call, leg)
		}
		// The seed's partners keep the default thresholds.
		g.rollups.AddCall(call, 1, calling.ThresholdsOf(settings.Defaults))
		n -= legs
	}
	return nil
}

// callUser draws a calling user, some much busier than others.
func (g *generator) callUser(r *rand.Rand, cc *callingCustomer) int {
	x := r.Float64()
	return int(float64(cc.users) * x * x)
}

// callTime draws when a call started: within the last weeks, mostly in office hours of
// the customer's region.
func (g *generator) callTime(r *rand.Rand, region *regionInfo) time.Time {
	from := g.week0.AddDate(0, 0, -7*(historyCallWeeks-1))
	span := g.now.Sub(from)
	for try := 0; ; try++ {
		t := from.Add(between(r, 0, span))
		local := t.Add(time.Duration(region.utcOffset) * time.Hour)
		h, wd := local.Hour(), local.Weekday()
		if try == 20 || (wd != time.Saturday && wd != time.Sunday && h >= 7 && h < 19) || chance(r, 0.06) {
			return t
		}
	}
}

// quality draws a leg's jitter, latency and packet loss: mostly good, about one leg in
// fourteen poor on one of them.
func quality(r *rand.Rand) (jitter, latency, loss float64) {
	jitter, latency, loss = uniform(r, 0.5, 30), uniform(r, 15, 180), uniform(r, 0, 1.5)
	if chance(r, 0.07) {
		switch r.IntN(3) {
		case 0:
			jitter = uniform(r, 151, 400)
		case 1:
			latency = uniform(r, 401, 1200)
		default:
			loss = uniform(r, 5.1, 25)
		}
	}
	return round1(jitter), round1(latency), round1(loss)
}
