package calling

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
)

// The week rollups (calling_weeks) hold, per customer and week, the sums of its day
// rollups and the counts of its active users by calls, so that the analytics read at most
// one row per customer and week. They are never added to: each change of the finer
// rollups sets the week rows it touched anew from them, which keeps them exact whatever
// moved (a late leg, a call's earliest leg, a rebuild of the poor counters).

// UserCounters are the week rollup's counts of active users: all of them, and those with
// 1–5, 6–20 and more than 20 calls.
var UserCounters = []string{callingweek.FieldUsers, callingweek.FieldUsers1To5, callingweek.FieldUsers6To20, callingweek.FieldUsersOver20}

// userBuckets are the conditions on a user-week's calls of UserCounters.
var userBuckets = []string{"calls > 0", "calls BETWEEN 1 AND 5", "calls BETWEEN 6 AND 20", "calls > 20"}

// Execer runs a statement: an ent transaction or a database/sql one.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
}

// RefreshWeeks sets the week rollups of partnerID's customers ids (every customer of the
// partner when ids is nil) for the weeks from to to (both included) to what their day and
// user-week rollups add up to, in one statement. Rows are only ever created or updated:
// day rollups are never removed, so a week once rolled up keeps a day row.
func RefreshWeeks(ctx context.Context, x Execer, partnerID int, ids []int, from, to Day) error {
	if ids != nil && len(ids) == 0 {
		return nil
	}
	where := fmt.Sprintf("partner_id = %d AND week BETWEEN %d AND %d", partnerID, from, to)
	if ids != nil {
		list := make([]string, len(ids))
		for i, id := range ids {
			list[i] = strconv.Itoa(id)
		}
		where += " AND customer_id IN (" + strings.Join(list, ", ") + ")"
	}
	sums, picks, sets := make([]string, len(Counters)), make([]string, len(Counters)), make([]string, 0, len(Counters)+len(UserCounters))
	for i, c := range Counters {
		sums[i] = fmt.Sprintf("SUM(%s) AS %s", c, c)
		picks[i] = "d." + c
		sets = append(sets, fmt.Sprintf("%s = excluded.%s", c, c))
	}
	counts, users := make([]string, len(UserCounters)), make([]string, len(UserCounters))
	for i, c := range UserCounters {
		counts[i] = fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", userBuckets[i], c)
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
	return nil
}

// weekSpan returns the customers the change touches, sorted, and the first and last week
// it touches (ok false when it touches none).
func (d *Delta) weekSpan() (ids []int, from, to Day, ok bool) {
	seen := map[int]bool{}
	note := func(customer int, week Day) {
		if !seen[customer] {
			seen[customer] = true
			ids = append(ids, customer)
		}
		if !ok || week < from {
			from = week
		}
		if !ok || week > to {
			to = week
		}
		ok = true
	}
	for k := range d.Days {
		note(k.CustomerID, k.Day.Week())
	}
	for k := range d.Users {
		note(k.CustomerID, k.Week)
	}
	slices.Sort(ids)
	return ids, from, to, ok
}
