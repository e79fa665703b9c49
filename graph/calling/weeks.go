package calling

import (
	"cmp"
	"context"
	stdsql "database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/facts"
)

// The week rollups (calling_weeks) hold, per customer and week, the sums of its day
// rollups and the counts of its active users by calls, so that the analytics read at most
// one row per customer and week. An ingest adds to them exactly what it adds to the finer
// rollups: its day counters summed by week, and the moves of its users between the
// call-count buckets, which the user-weeks' counts before and after the change tell. A
// rebuild, a backfill and the seed set the rows they touch anew from the finer rollups
// instead (RefreshWeeks).

// UserCounters are the week rollup's counts of active users: all of them, and those with
// 1–5, 6–20 and more than 20 calls.
var UserCounters = []string{callingweek.FieldUsers, callingweek.FieldUsers1To5, callingweek.FieldUsers6To20, callingweek.FieldUsersOver20}

// nBuckets is how many UserCounters there are.
const nBuckets = 4

// userBuckets are the calls, from lo to hi included, of the users each of UserCounters
// counts.
var userBuckets = [nBuckets]struct{ lo, hi int64 }{{1, math.MaxInt64}, {1, 5}, {6, 20}, {21, math.MaxInt64}}

// bucketCondition is the SQL condition on a user-week's calls of UserCounters[i].
func bucketCondition(i int) string {
	if b := userBuckets[i]; b.hi < math.MaxInt64 {
		return fmt.Sprintf("calls BETWEEN %d AND %d", b.lo, b.hi)
	}
	return fmt.Sprintf("calls >= %d", userBuckets[i].lo)
}

// inBuckets returns, for each of UserCounters, 1 if a user-week with calls calls counts in
// it, else 0.
func inBuckets(calls int64) (in [nBuckets]int64) {
	for i, b := range userBuckets {
		if calls >= b.lo && calls <= b.hi {
			in[i] = 1
		}
	}
	return in
}

// WeekKey names a week rollup row.
type WeekKey struct {
	CustomerID int
	Week       Day
}

// WeekCounts are a week rollup's counters: those of Counters, then those of UserCounters.
type WeekCounts [nCounters + nBuckets]int64

// weekChange returns the change of the week rollups that goes with d: d's day counters
// summed by week, and the moves between buckets of its users, given each one's calls after
// the change (after; a user-week absent has none). Weeks left as they were are dropped.
func (d *Delta) weekChange(after map[UserWeekKey]int64) map[WeekKey]*WeekCounts {
	out := map[WeekKey]*WeekCounts{}
	week := func(k WeekKey) *WeekCounts {
		w := out[k]
		if w == nil {
			w = &WeekCounts{}
			out[k] = w
		}
		return w
	}
	for k, c := range d.Days {
		w := week(WeekKey{k.CustomerID, k.Day.Week()})
		for i, n := range c {
			w[i] += n
		}
	}
	for k, n := range d.Users {
		now, was := inBuckets(after[k]), inBuckets(after[k]-n)
		w := week(WeekKey{k.CustomerID, k.Week})
		for i := range now {
			w[nCounters+i] += now[i] - was[i]
		}
	}
	for k, w := range out {
		if *w == (WeekCounts{}) {
			delete(out, k)
		}
	}
	return out
}

// sortedWeeks returns the keys of weeks in key order.
func sortedWeeks(weeks map[WeekKey]*WeekCounts) []WeekKey {
	return slices.SortedFunc(maps.Keys(weeks), func(a, b WeekKey) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.Week, b.Week))
	})
}

// Execer runs a statement: an ent transaction or a database/sql one.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
}

// RefreshWeeks sets the week rollups of partnerID's customers ids (every customer of the
// partner when ids is nil) for the weeks from to to (both included) to what their day and
// user-week rollups add up to, in one statement, and the partner's calling weeks with
// them: the customers' rows are taken out of those before and added back after (set anew
// for every customer). Rows are only ever created or updated: day rollups are never
// removed, so a week once rolled up keeps a day row. x is a transaction of dialectName's
// database.
func RefreshWeeks(ctx context.Context, x Execer, dialectName string, partnerID int, ids []int, from, to Day) error {
	if ids != nil && len(ids) == 0 {
		return nil
	}
	where := fmt.Sprintf("partner_id = %d AND week BETWEEN %d AND %d", partnerID, from, to)
	mine := func(ct *sql.SelectTable) *sql.Predicate { return sql.EQ(ct.C(customer.FieldPartnerID), partnerID) }
	if ids != nil {
		list := make([]string, len(ids))
		for i, id := range ids {
			list[i] = strconv.Itoa(id)
		}
		where += " AND customer_id IN (" + strings.Join(list, ", ") + ")"
		mine = func(ct *sql.SelectTable) *sql.Predicate { return sql.InInts(ct.C(customer.FieldID), ids...) }
		if err := facts.MoveCallingWeeks(ctx, x, dialectName, "-", mine, int(from), int(to)); err != nil {
			return err
		}
	}
	sums, picks, sets := make([]string, len(Counters)), make([]string, len(Counters)), make([]string, 0, len(Counters)+len(UserCounters))
	for i, c := range Counters {
		sums[i] = fmt.Sprintf("SUM(%s) AS %s", c, c)
		picks[i] = "d." + c
		sets = append(sets, fmt.Sprintf("%s = excluded.%s", c, c))
	}
	counts, users := make([]string, len(UserCounters)), make([]string, len(UserCounters))
	for i, c := range UserCounters {
		counts[i] = fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", bucketCondition(i), c)
		users[i] = fmt.Sprintf("COALESCE(u.%s, 0)", c)
		sets = append(sets, fmt.Sprintf("%s = excluded.%s", c, c))
	}
	q := fmt.Sprintf(`INSERT INTO %s (partner_id, customer_id, week, %s, %s)
SELECT d.partner_id, d.customer_id, d.week, %s, %s
FROM (SELECT partner_id, customer_id, week, %s FROM %s WHERE %s GROUP BY partner_id, customer_id, week) d
LEFT JOIN (SELECT customer_id, week, %s FROM %s WHERE %s GROUP BY customer_id, week) u ON u.customer_id = d.customer_id AND u.week = d.week
WHERE 1 = 1 ORDER BY d.customer_id, d.week
ON CONFLICT (customer_id, week) DO UPDATE SET %s`,
		callingweek.Table, strings.Join(Counters, ", "), strings.Join(UserCounters, ", "),
		strings.Join(picks, ", "), strings.Join(users, ", "),
		strings.Join(sums, ", "), callingday.Table, where,
		strings.Join(counts, ", "), callinguserweek.Table, where,
		strings.Join(sets, ", "))
	if _, err := x.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("roll up the weeks of partner %d: %w", partnerID, err)
	}
	if ids == nil {
		return facts.SetCallingWeeks(ctx, x, dialectName, partnerID, int(from), int(to))
	}
	return facts.MoveCallingWeeks(ctx, x, dialectName, "+", mine, int(from), int(to))
}
