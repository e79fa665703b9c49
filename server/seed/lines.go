package seed

import (
	"math/rand/v2"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// historyWeeks is how many weekly snapshots a license line's history spans.
const historyWeeks = 26

// weekStart returns the start of history week w (0 the oldest, historyWeeks-1 the
// current week).
func (g *generator) weekStart(w int) time.Time {
	return g.week0.AddDate(0, 0, -7*(historyWeeks-1-w))
}

// weekIndex returns the history week holding t, negative when t is before the history.
func (g *generator) weekIndex(t time.Time) int {
	return historyWeeks - 1 - int(g.week0.Sub(week.Start(t))/(7*day))
}

// newLine returns a license line of s for product p with current figures that fit the
// subscription's state: nothing assigned before setup, some lines over their limit or
// barely assigned while active, nobody using an ended subscription.
func (g *generator) newLine(c *cust, s *sub, p enum.Product) *line {
	r := g.model
	l := &line{id: g.seq.license.take(), product: p, changeWeek: -1}
	l.total = lineTotal(r, c.seats, s.kind, p)
	l.growth = uniform(r, -0.05, 0.35)
	l.usage = uniform(r, 0.35, 0.95)
	ratio := uniform(r, 0.5, 0.98)
	overage := false
	age := g.now.Sub(s.startedAt)
	ended := s.state == enum.StateExpired || s.state == enum.StateCancelled
	switch {
	case s.state == enum.StatePendingSetup:
		ratio = 0
	case s.state == enum.StateActive:
		x := r.Float64()
		switch {
		case x < 0.07:
			overage = true
		case s.kind == enum.KindTrial:
			ratio = uniform(r, 0.2, 0.95)
		case x < 0.16 && age > 35*day:
			ratio = uniform(r, 0.04, 0.25) // a low-assignment line
		case age < 30*day:
			ratio = uniform(r, 0.1, 0.7)
		}
	case s.state == enum.StateSuspended:
		l.usage = uniform(r, 0.02, 0.3)
	case ended:
		ratio = uniform(r, 0.3, 0.9)
	}
	l.assigned = round(float64(l.total) * ratio)
	if overage {
		l.assigned = l.total + max(1, round(float64(l.total)*uniform(r, 0.02, 0.3)))
	}
	l.used = min(l.assigned, round(float64(l.assigned)*l.usage))
	l.used90 = min(max(l.assigned, l.used), l.used+round(float64(l.assigned)*uniform(r, 0.02, 0.2)))
	if ended {
		l.used, l.used90 = 0, 0
		if since := g.now.Sub(s.endsAt); since > 0 && since < 90*day {
			l.used90 = round(float64(l.assigned) * uniform(r, 0.05, 0.4))
		}
	}
	// Some running paid lines were topped up or reduced during the history.
	if s.kind == enum.KindPaid && (s.state == enum.StateActive || s.state == enum.StateSuspended) {
		first := max(0, g.weekIndex(s.startedAt))
		if x := r.Float64(); x < 0.16 && l.total > 1 && first < historyWeeks-1 {
			l.changeWeek = first + 1 + r.IntN(historyWeeks-1-first)
			if x < 0.12 {
				l.changeDelta = min(l.total-1, max(1, round(float64(l.total)*uniform(r, 0.1, 0.3))))
			} else {
				l.changeDelta = -max(1, round(float64(l.total)*uniform(r, 0.1, 0.25)))
			}
		}
	}
	return l
}

// initialTotal is the line's total before the order that changed it during the history.
func (l *line) initialTotal() int {
	if l.changeWeek < 0 {
		return l.total
	}
	return l.total - l.changeDelta
}

// lineTotal draws how many licenses of p a customer with that many seats bought.
func lineTotal(r *rand.Rand, seats int, kind enum.SubscriptionKind, p enum.Product) int {
	if kind == enum.KindTrial {
		if p == enum.ProductCalling {
			return pick(r, []int{10, 25, 50})
		}
		return pick(r, []int{25, 50, 100, 200})
	}
	switch p {
	case enum.ProductCalling:
		return max(1, round(float64(seats)*uniform(r, 0.3, 1)))
	case enum.ProductTranslation:
		return max(5, round(float64(seats)*0.05))
	case enum.ProductContactCenter:
		return max(2, round(float64(seats)*uniform(r, 0.03, 0.1)))
	default:
		return seats
	}
}
