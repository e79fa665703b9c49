package calling

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
)

// InScope limits s, whose customer ID is the column id, to the customers the analytics
// cover: with a current Calling line, in the region chosen.
func (a *Analytics) InScope(s *sql.Selector, id string) { s.Where(a.inScope(s, id)) }

// LocationKey names the figures of one customer at one location (0: legs without one).
type LocationKey struct {
	Customer, Location int
}

// LocationFigures sums, per customer of ids and location, the day rollups from the day
// from to the day to (both included): the figures the analytics show, over any range of
// days. Customers and locations without legs in the range have no entry.
func LocationFigures(ctx context.Context, c *ent.Client, ids []int, from, to Day) (map[LocationKey]*Figures, error) {
	days, err := c.CallingDay.Query().
		Where(callingday.CustomerIDIn(ids...), callingday.DayGTE(int(from)), callingday.DayLTE(int(to))).
		Modify(func(s *sql.Selector) {
			cols := []string{s.C(callingday.FieldCustomerID), s.C(callingday.FieldLocationID)}
			s.Select(cols...).GroupBy(cols...)
			for _, col := range Counters {
				s.AppendSelectExprAs(sql.Expr("CAST(SUM("+s.C(col)+") AS BIGINT)"), "s_"+col)
			}
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("sum day rollups of %d customers: %w", len(ids), err)
	}
	out := make(map[LocationKey]*Figures, len(days))
	for _, d := range days {
		f := &Figures{}
		for i, col := range Counters {
			if f.c[i], err = int64Of(d.Value("s_" + col)); err != nil {
				return nil, err
			}
		}
		if f.Calls() > 0 || f.Legs() > 0 {
			out[LocationKey{d.CustomerID, d.LocationID}] = f
		}
	}
	return out, nil
}

// AudioLegs counts the AUDIO legs.
func (f *Figures) AudioLegs() int { return f.n(cAudioLegs) }

// VideoLegs counts the VIDEO legs.
func (f *Figures) VideoLegs() int { return f.n(cVideoLegs) }

// EndpointLegs counts the legs on the i-th endpoint type (in the order of
// enum.EndpointType's Values).
func (f *Figures) EndpointLegs(i int) int { return f.n(cEndpointLegs + i) }
