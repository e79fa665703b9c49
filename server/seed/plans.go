package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// scenario is what a customer's subscriptions look like; every customer status and every
// headline KPI follows from some of them.
type scenario uint8

const (
	scRenewing     scenario = iota // ACTIVE paid, auto-renewing
	scRenewingSoon                 // ACTIVE paid, auto-renewing within 90 days
	scFixedTerm                    // ACTIVE paid, not auto-renewing, ending after 90 days
	scExpiring90                   // ACTIVE paid, not auto-renewing, ending in 31–90 days
	scExpiringSoon                 // ACTIVE paid, not auto-renewing, ending within 30 days
	scNew                          // ACTIVE paid, added in the last 90 days
	scMessaging                    // ACTIVE paid, Messaging only: outside every KPI
	scTrial                        // ACTIVE trial
	scPending                      // an order in PENDING_SETUP
	scSuspended                    // SUSPENDED for non-payment
	scExpired                      // nothing left but expired subscriptions or trials
	scCancelled                    // nothing left but a cancelled subscription
	numScenarios
)

// scenarioShare is how many customers of every hundred have each scenario. Customers
// draw from a shuffled deck of a hundred, so every hundred customers hold each one.
var scenarioShare = [numScenarios]int{33, 6, 11, 6, 7, 5, 2, 9, 6, 6, 7, 2}

func (g *generator) nextScenario() scenario {
	if len(g.deck) == 0 {
		for sc, n := range scenarioShare {
			for range n {
				g.deck = append(g.deck, scenario(sc))
			}
		}
		g.model.Shuffle(len(g.deck), func(i, j int) { g.deck[i], g.deck[j] = g.deck[j], g.deck[i] })
	}
	sc := g.deck[len(g.deck)-1]
	g.deck = g.deck[:len(g.deck)-1]
	return sc
}

// planSubscriptions gives the customer the subscriptions of its scenario, then dates the
// customer's creation just before the first of them.
func (g *generator) planSubscriptions(c *cust) {
	r, now := g.model, g.now
	earliest := now.AddDate(-3, 0, 0).Add(15 * day)
	var main *sub
	switch c.scenario {
	case scTrial:
		main = g.newSub(enum.KindTrial, enum.StateActive, now.Add(-between(r, day, 85*day)), 3)
	case scPending:
		main = g.newSub(enum.KindPaid, enum.StatePendingSetup, now.Add(-between(r, time.Hour, 20*day)), paidTerm(r))
		main.autoRenew = chance(r, 0.5)
	case scNew:
		main = g.newSub(enum.KindPaid, enum.StateActive, now.Add(-between(r, day, 89*day)), paidTerm(r))
		main.autoRenew = chance(r, 0.75)
	case scExpired:
		ends := now.Add(-between(r, day, 400*day))
		if chance(r, 0.25) {
			main = g.newSub(enum.KindTrial, enum.StateExpired, ends.AddDate(0, -pick(r, []int{1, 2, 3}), 0), 0)
			main.endsAt = ends
		} else {
			main = g.newSub(enum.KindPaid, enum.StateExpired, time.Time{}, 12)
			main.endsAt = ends
			main.startedAt = backFrom(r, ends, 12, earliest)
		}
	case scCancelled:
		main = g.newSub(enum.KindPaid, enum.StateCancelled, time.Time{}, 12)
		main.endsAt = now.Add(-between(r, day, 200*day))
		main.startedAt = backFrom(r, main.endsAt, 12, earliest)
	default:
		term := paidTerm(r)
		termDays := time.Duration(term) * 30 * day
		state, auto, lo, hi := enum.StateActive, true, day, termDays-30*day
		switch c.scenario {
		case scRenewingSoon:
			hi = 89 * day
		case scFixedTerm:
			auto, lo = false, 91*day
		case scExpiring90:
			auto, lo, hi = false, 31*day, 89*day
		case scExpiringSoon:
			auto, hi = false, 29*day
		case scMessaging:
			auto = chance(r, 0.7)
		case scSuspended:
			state, auto = enum.StateSuspended, chance(r, 0.5)
		}
		main = g.newSub(enum.KindPaid, state, time.Time{}, term)
		main.autoRenew = auto
		main.endsAt = now.Add(between(r, lo, hi))
		main.startedAt = backFrom(r, main.endsAt, term, earliest)
	}
	if main.endsAt.IsZero() {
		main.endsAt = main.startedAt.AddDate(0, main.termMonths, 0)
	}
	if c.scenario == scMessaging {
		main.lines = []*line{g.newLine(c, main, enum.ProductMessaging)}
	} else {
		g.addLines(c, main, paidProducts(r, main.kind))
	}
	c.subs = []*sub{main}

	// A trial that turned into the paid subscription.
	if main.kind == enum.KindPaid && c.scenario != scPending && c.scenario != scMessaging && chance(r, 0.2) {
		start := main.startedAt.AddDate(0, -pick(r, []int{1, 2, 3}), 0)
		if start.After(earliest) {
			t := g.newSub(enum.KindTrial, enum.StateExpired, start, 0)
			t.endsAt = main.startedAt
			g.addLines(c, t, []enum.Product{main.lines[0].product})
			main.converted = true
			c.subs = []*sub{t, main}
		}
	}
	first := c.subs[0].startedAt
	c.createdAt = first.Add(-between(r, 0, 14*day))
	if floor := earliest.Add(-14 * day); c.createdAt.Before(floor) && first.After(floor) {
		c.createdAt = floor
	}

	// A co-termed add-on for a product the main subscription lacks.
	if (c.scenario == scRenewing || c.scenario == scRenewingSoon || c.scenario == scFixedTerm) && chance(r, 0.1) {
		var missing []enum.Product
		for _, p := range []enum.Product{enum.ProductCalling, enum.ProductContactCenter, enum.ProductTranslation} {
			if !slices.ContainsFunc(main.lines, func(l *line) bool { return l.product == p }) {
				missing = append(missing, p)
			}
		}
		latest := now.Add(-7 * day)
		if start := main.startedAt.Add(between(r, 30*day, 365*day)); len(missing) > 0 && start.Before(latest) {
			a := g.newSub(enum.KindPaid, enum.StateActive, start, main.termMonths)
			a.endsAt, a.autoRenew = main.endsAt, main.autoRenew
			g.addLines(c, a, []enum.Product{pick(r, missing)})
			c.subs = append(c.subs, a)
		}
	}
	// An early subscription the customer cancelled.
	if c.scenario != scPending && c.scenario != scNew && c.scenario != scCancelled && chance(r, 0.04) {
		start := c.createdAt.Add(between(r, 0, 30*day))
		if start.Before(now.Add(-day)) {
			x := g.newSub(enum.KindPaid, enum.StateCancelled, start, 12)
			x.endsAt = start.AddDate(1, 0, 0)
			g.addLines(c, x, []enum.Product{enum.ProductMeetings})
			c.subs = append(c.subs, x)
		}
	}
}

// newSub returns a subscription with its external ID; termMonths is 0 for a trial's
// own length (set by the caller) and 3 for a standard 90-day trial.
func (g *generator) newSub(kind enum.SubscriptionKind, state enum.SubscriptionState, started time.Time, termMonths int) *sub {
	r := g.model
	s := &sub{id: g.seq.sub.take(), kind: kind, state: state, startedAt: started, termMonths: termMonths}
	if kind == enum.KindTrial {
		g.trialNo++
		s.extID = fmt.Sprintf("Trial-%08X", permute32(g.trialNo, uint32(g.opts.Seed)^0x7e57))
		if termMonths == 3 {
			s.endsAt = started.Add(90 * day)
		}
		return s
	}
	g.subNo++
	s.extID = fmt.Sprintf("Sub-%08X", permute32(g.subNo, uint32(g.opts.Seed)))
	s.billingMonths = []int{12, 3, 1}[weighted(r, 55, 25, 20)]
	return s
}

// paidTerm draws a subscription term in months.
func paidTerm(r *rand.Rand) int { return []int{12, 24, 36}[weighted(r, 60, 15, 25)] }

// backFrom returns when a subscription ending at ends started: a whole number of terms
// before, no earlier than earliest (unless a single term already is).
func backFrom(r *rand.Rand, ends time.Time, term int, earliest time.Time) time.Time {
	k := 1
	for ends.AddDate(0, -term*(k+1), 0).After(earliest) {
		k++
	}
	return ends.AddDate(0, -term*(1+r.IntN(k)), 0)
}

// productWeights are how often each product is on a paid subscription.
var productWeights = map[enum.Product]float64{
	enum.ProductMeetings: 10, enum.ProductCalling: 7, enum.ProductMessaging: 3,
	enum.ProductTranslation: 1.2, enum.ProductContactCenter: 1.2,
}

// paidProducts draws the products of a subscription: one to three distinct products, at
// least one of them Meetings or Calling, in the enum's order.
func paidProducts(r *rand.Rand, kind enum.SubscriptionKind) []enum.Product {
	all := enum.Product("").Values()
	if kind == enum.KindTrial {
		out := []enum.Product{enum.ProductMeetings}
		if chance(r, 0.5) {
			out = append(out, enum.ProductCalling)
		}
		if chance(r, 0.25) {
			out = append(out, enum.ProductMessaging)
		}
		return out
	}
	n := 1 + weighted(r, 12, 33, 55)
	var chosen []enum.Product
	for len(chosen) < n {
		w := make([]float64, len(all))
		for i, p := range all {
			if !slices.Contains(chosen, enum.Product(p)) {
				w[i] = productWeights[enum.Product(p)]
			}
		}
		chosen = append(chosen, enum.Product(all[weighted(r, w...)]))
	}
	if !slices.Contains(chosen, enum.ProductMeetings) && !slices.Contains(chosen, enum.ProductCalling) {
		chosen[0] = enum.ProductMeetings
	}
	slices.SortFunc(chosen, func(a, b enum.Product) int {
		return slices.Index(all, string(a)) - slices.Index(all, string(b))
	})
	return chosen
}

func (g *generator) addLines(c *cust, s *sub, products []enum.Product) {
	for _, p := range products {
		s.lines = append(s.lines, g.newLine(c, s, p))
	}
}
