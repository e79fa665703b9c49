package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// cust is one generated customer with everything that hangs off it.
type cust struct {
	id, index    int
	name, domain string
	externalID   any // nil or string
	region       *regionInfo
	country      *country
	city         string
	createdAt    time.Time
	lastActivity any // nil or time.Time
	scenario     scenario
	seats        int
	admins, tags []int
	subs         []*sub
}

// sub is a subscription or trial of a customer.
type sub struct {
	id            int
	extID         string
	kind          enum.SubscriptionKind
	state         enum.SubscriptionState
	startedAt     time.Time
	endsAt        time.Time
	autoRenew     bool
	termMonths    int
	billingMonths int
	converted     bool // a paid subscription that followed a trial
	lines         []*line
}

// line is a license line of a subscription, with the shape of its history.
type line struct {
	id                            int
	product                       enum.Product
	total, assigned, used, used90 int
	usage                         float64 // used / assigned behind the weekly history
	growth                        float64 // how much assignment grew over the history
	changeWeek                    int     // history week of an ADD or REDUCE order, -1 for none
	changeDelta                   int     // total before changeWeek is total - changeDelta
}

// callingLine returns the customer's first Calling line, or nil.
func (c *cust) callingLine() *line {
	for _, s := range c.subs {
		for _, l := range s.lines {
			if l.product == enum.ProductCalling {
				return l
			}
		}
	}
	return nil
}

// newCustomer generates the customer with the given index (0-based over the whole run).
func (g *generator) newCustomer(index int) *cust {
	r := g.model
	c := &cust{id: g.seq.customer.take(), index: index, scenario: g.nextScenario()}
	c.name, c.domain = companyName(r)
	regionIdx := weighted(r, regionWeights...)
	c.region = &regions[regionIdx]
	countries := c.region.countries
	if len(countries) == 1 || chance(r, 0.5) {
		c.country = &countries[0]
	} else {
		c.country = &countries[r.IntN(len(countries))]
	}
	c.city = pick(r, c.country.cities)
	if chance(r, 0.25) {
		c.externalID = fmt.Sprintf("WS-%010d", permute32(uint32(index), uint32(g.opts.Seed)))
	}
	// Seats are log-uniform: many small customers, a few with thousands of users.
	c.seats = round(math.Exp(uniform(r, math.Log(5), math.Log(2500))))
	g.planSubscriptions(c)
	c.lastActivity = g.lastActivity(r, c)
	c.admins = g.assignAdmins(r)
	c.tags = g.pickTags(r, c)
	return c
}

var regionWeights = func() []float64 {
	w := make([]float64, len(regions))
	for i, r := range regions {
		w[i] = float64(r.weight)
	}
	return w
}()

// companyName returns a name like "Northwind Coastal Logistics" and its domain.
func companyName(r *rand.Rand) (name, domain string) {
	words := []string{pick(r, companyWords)}
	if chance(r, 0.4) {
		words = append(words, pick(r, companyMiddles))
	}
	words = append(words, pick(r, companySuffixes))
	name = strings.Join(words, " ")
	return name, slug(name) + ".example"
}

// lastActivity is when one of the customer's own admins last signed in: mostly within
// the last days, sometimes more than 30 days ago (more often for lapsed customers) or never.
func (g *generator) lastActivity(r *rand.Rand, c *cust) any {
	age := g.now.Sub(c.createdAt)
	pStale := 0.10
	if c.scenario == scExpired || c.scenario == scCancelled {
		pStale = 0.5
	}
	switch {
	case chance(r, 0.05):
		return nil
	case chance(r, pStale) && age > 31*day:
		return g.now.Add(-between(r, 31*day, min(age, 400*day)))
	default:
		recent := 7 * day
		if chance(r, 0.3) {
			recent = 29 * day
		}
		return g.now.Add(-between(r, 10*time.Minute, min(recent, max(age, time.Hour))))
	}
}

// assignAdmins returns the partner ADMINs who manage the customer: none, one or two, the
// first ADMIN (the demo login) getting a good share.
func (g *generator) assignAdmins(r *rand.Rand) []int {
	n := weighted(r, 30, 50, 20)
	var out []int
	for len(out) < n {
		id := g.adminIDs[0]
		if !chance(r, 0.3) {
			id = pick(r, g.adminIDs)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		} else if len(g.adminIDs) == 1 {
			break
		}
	}
	slices.Sort(out)
	return out
}

// pickTags returns up to five distinct tags, some chosen for what the customer is.
func (g *generator) pickTags(r *rand.Rand, c *cust) []int {
	want := weighted(r, 35, 28, 18, 10, 6, 3)
	var idx []int
	add := func(i int, p float64) {
		if len(idx) < maxTagsCustomer && chance(r, p) && !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	suffix := c.name[strings.LastIndexByte(c.name, ' ')+1:]
	switch suffix {
	case "Health", "Medical", "Clinics", "Pharma":
		add(tagHealthcare, 0.7)
	case "Bank", "Financial", "Insurance":
		add(tagFinance, 0.6)
	}
	if c.externalID != nil {
		add(tagWholesale, 0.6)
	}
	switch c.scenario {
	case scExpiringSoon, scSuspended, scExpiring90:
		add(tagRenewalRisk, 0.5)
	case scNew, scPending, scTrial:
		add(tagOnboarding, 0.5)
	}
	if c.callingLine() != nil {
		add(tagCalling, 0.15)
	}
	for len(idx) < want {
		add(r.IntN(tagCount), 1)
	}
	out := make([]int, len(idx))
	for i, t := range idx {
		out[i] = g.tagIDs[t]
	}
	slices.Sort(out)
	return out
}
