package calling

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
)

// sumKey names summed figures: of one week, and of one customer unless customer is 0.
type sumKey struct {
	customer int
	week     Day
}

// scope is the condition that the customer row of c has a current Calling line, is in
// the region chosen and, when queues is set, has a call queue. It reads only columns of
// the customer_calling_scope index.
func (a *Analytics) scope(c *sql.SelectTable, queues bool) *sql.Predicate {
	p := sql.And(sql.EQ(c.C(customer.FieldPartnerID), a.partnerID), status.HasProduct(c, enum.ProductCalling))
	if a.region != nil {
		p = sql.And(p, sql.EQ(c.C(customer.FieldRegion), *a.region))
	}
	if queues {
		cq := sql.Table(callqueue.Table).As("cs_q")
		p = sql.And(p, sql.In(c.C(customer.FieldID), sql.Select(cq.C(callqueue.FieldCustomerID)).From(cq).
			Where(sql.EQ(cq.C(callqueue.FieldPartnerID), a.partnerID))))
	}
	return p
}

// inScope is the condition that the customer of s (whose ID is the column id) is in scope.
func (a *Analytics) inScope(s *sql.Selector, id string) *sql.Predicate {
	c := sql.Table(customer.Table).As("cs_c")
	return sql.In(s.C(id), sql.Select(c.C(customer.FieldID)).From(c).Where(a.scope(c, false)))
}

// sums adds up the counters (indexes into Counters) of the rollups of the weeks from from
// to the week analysed: per week over the customers in scope when ids is nil, else per
// week and customer of ids. Every week (and customer) has figures, zero when nothing was
// rolled up, and zero in the counters not asked for.
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
	restrict := func(s *sql.Selector, col string) {
		if ids == nil {
			s.Where(a.inScope(s, col))
		} else {
			s.Where(sql.InInts(s.C(col), ids...))
		}
	}
	group := func(s *sql.Selector, week, cust string) {
		cols := []string{s.C(week)}
		if ids != nil {
			cols = append(cols, s.C(cust))
		}
		s.Select(cols...).GroupBy(cols...)
	}
	days, err := a.client.CallingDay.Query().
		Where(callingday.WeekGTE(int(from)), callingday.WeekLTE(int(a.week))).
		Modify(func(s *sql.Selector) {
			restrict(s, callingday.FieldCustomerID)
			group(s, callingday.FieldWeek, callingday.FieldCustomerID)
			selectCounterSums(s, counters)
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("sum day rollups: %w", err)
	}
	for _, d := range days {
		if err := readCounterSums(d, &out[sumKey{d.CustomerID, Day(d.Week)}].c, counters); err != nil {
			return nil, err
		}
	}
	users, err := a.client.CallingUserWeek.Query().
		Where(callinguserweek.WeekGTE(int(from)), callinguserweek.WeekLTE(int(a.week)), callinguserweek.CallsGT(0)).
		Modify(func(s *sql.Selector) {
			restrict(s, callinguserweek.FieldCustomerID)
			group(s, callinguserweek.FieldWeek, callinguserweek.FieldCustomerID)
			calls := s.C(callinguserweek.FieldCalls)
			s.AppendSelectExprAs(sql.Expr("COUNT(*)"), "n_users")
			for i, cond := range []string{calls + " <= 5", calls + " BETWEEN 6 AND 20", calls + " > 20"} {
				s.AppendSelectExprAs(sql.Expr("CAST(SUM(CASE WHEN "+cond+" THEN 1 ELSE 0 END) AS BIGINT)"), "n_bucket"+strconv.Itoa(i))
			}
		}).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("count active users: %w", err)
	}
	for _, u := range users {
		f := out[sumKey{u.CustomerID, Day(u.Week)}]
		if f.users, err = int64Of(u.Value("n_users")); err != nil {
			return nil, err
		}
		for i := range f.buckets {
			if f.buckets[i], err = int64Of(u.Value("n_bucket" + strconv.Itoa(i))); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
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

// selectCounterSums selects the sum of each of counters of the grouped day rollups.
func selectCounterSums(s *sql.Selector, counters []int) {
	for _, i := range counters {
		s.AppendSelectExprAs(sql.Expr("CAST(SUM("+s.C(Counters[i])+") AS BIGINT)"), "s_"+Counters[i])
	}
}

// readCounterSums reads into c the sums selectCounterSums selected of d.
func readCounterSums(d *ent.CallingDay, c *Counts, counters []int) error {
	for _, i := range counters {
		var err error
		if c[i], err = int64Of(d.Value("s_" + Counters[i])); err != nil {
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
