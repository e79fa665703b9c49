package calling

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingpartnerweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// sumKey names summed figures: of one week, and of one customer unless customer is 0.
type sumKey struct {
	customer int
	week     Day
}

// scope is the condition that the customer row of c has a current Calling line, is in
// the region chosen and, when queues is set, has a call queue. It reads only columns of
// the customer_calling_scope index (with queues, of the customer_calling_queues one).
func (a *Analytics) scope(c *sql.SelectTable, queues bool) *sql.Predicate {
	p := sql.And(sql.EQ(c.C(customer.FieldPartnerID), a.partnerID), facts.HasCalling(c))
	if a.region != nil {
		p = sql.And(p, sql.EQ(c.C(customer.FieldRegion), *a.region))
	}
	if queues {
		p = sql.And(p, status.IsTrue(c.C(customer.FieldHasCallQueue)))
	}
	return p
}

// inScope is the condition that the customer of s (whose ID is the column id) is in scope.
func (a *Analytics) inScope(s *sql.Selector, id string) *sql.Predicate {
	c := sql.Table(customer.Table).As("cs_c")
	return sql.In(s.C(id), sql.Select(c.C(customer.FieldID)).From(c).Where(a.scope(c, false)))
}

// sums adds up the counters (indexes into Counters) of the week rollups of the weeks from
// from to the week analysed, with their active users: per week over the customers in scope
// when ids is nil (read from the partner's calling weeks when the viewer sees every
// customer, in every region), else per week and customer of ids. Every week (and customer) has
// figures, zero when nothing was rolled up, and zero in the counters not asked for.
func (a *Analytics) sums(ctx context.Context, from Day, ids []int, counters []int) (map[sumKey]*Figures, error) {
	out := map[sumKey]*Figures{}
	keys := []int{0}
	if ids != nil {
		keys = ids
	}
	for w := from; w <= a.week; w += 7 {
		for _, id := range keys {
			out[sumKey{id, w}] = &Figures{}
		}
	}
	// The sums of every week row, grouped by cols, as s_<column>.
	sumsBy := func(s *sql.Selector, cols ...string) {
		s.Select(cols...).GroupBy(cols...)
		selectSums(s, counterColumns(counters))
		selectSums(s, UserCounters)
	}
	if ids == nil && a.region == nil && viewer.FromContext(ctx).SeesAllCustomers() {
		weeks, err := a.client.CallingPartnerWeek.Query().
			Where(callingpartnerweek.WeekGTE(int(from)), callingpartnerweek.WeekLTE(int(a.week))).
			Modify(func(s *sql.Selector) { sumsBy(s, s.C(callingpartnerweek.FieldWeek)) }).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("sum the partner's calling weeks: %w", err)
		}
		for _, w := range weeks {
			if err := readWeekSums(w.Value, out[sumKey{0, Day(w.Week)}], counters); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	weeks, err := a.client.CallingWeek.Query().
		Where(callingweek.WeekGTE(int(from)), callingweek.WeekLTE(int(a.week))).
		Modify(func(s *sql.Selector) {
			if ids == nil {
				s.Where(a.inScope(s, callingweek.FieldCustomerID))
				sumsBy(s, s.C(callingweek.FieldWeek))
				return
			}
			s.Where(sql.InInts(s.C(callingweek.FieldCustomerID), ids...))
			sumsBy(s, s.C(callingweek.FieldWeek), s.C(callingweek.FieldCustomerID))
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("sum week rollups: %w", err)
	}
	for _, w := range weeks {
		if err := readWeekSums(w.Value, out[sumKey{w.CustomerID, Day(w.Week)}], counters); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readWeekSums reads into f the sums sums selected, by their names: of counters and of
// every one of UserCounters.
func readWeekSums(value func(string) (ent.Value, error), f *Figures, counters []int) error {
	if err := readCounterSums(value, &f.c, counters); err != nil {
		return err
	}
	users := append([]*int64{&f.users}, &f.buckets[0], &f.buckets[1], &f.buckets[2])
	for i, c := range UserCounters {
		var err error
		if *users[i], err = int64Of(value("s_" + c)); err != nil {
			return err
		}
	}
	return nil
}

// AllCounters are the indexes of every counter; TrendCounters those the trends show.
var (
	AllCounters   = allCounters()
	TrendCounters = []int{cLegs, cPoor, cMeasured, cCalls}
)

func allCounters() []int {
	out := make([]int, nCounters)
	for i := range out {
		out[i] = i
	}
	return out
}

// counterColumns returns the columns of counters (indexes into Counters).
func counterColumns(counters []int) []string {
	out := make([]string, len(counters))
	for i, c := range counters {
		out[i] = Counters[c]
	}
	return out
}

// selectSums selects the sum of each of the columns cols of the grouped rows, as s_<col>.
func selectSums(s *sql.Selector, cols []string) {
	for _, c := range cols {
		s.AppendSelectExprAs(sql.Expr("CAST(SUM("+s.C(c)+") AS BIGINT)"), "s_"+c)
	}
}

// selectCounterSums selects the sum of each of counters of the grouped rollups.
func selectCounterSums(s *sql.Selector, counters []int) { selectSums(s, counterColumns(counters)) }

// readCounterSums reads into c the sums selectCounterSums selected, by their names.
func readCounterSums(value func(string) (ent.Value, error), c *Counts, counters []int) error {
	for _, i := range counters {
		var err error
		if c[i], err = int64Of(value("s_" + Counters[i])); err != nil {
			return err
		}
	}
	return nil
}

// int64Of reads an integer aggregate however the driver returns it.
func int64Of(v ent.Value, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	switch n := v.(type) {
	case int64:
		return n, nil
	case nil:
		return 0, nil
	case []byte:
		return strconv.ParseInt(string(n), 10, 64)
	case float64:
		return int64(n), nil
	}
	return 0, fmt.Errorf("aggregate %v (%T) is not an integer", v, v)
}
