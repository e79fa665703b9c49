package analytics

import (
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// The license distribution trend shows the licenses that existed in each week:
//
//   - the current week sums the lines of ACTIVE subscriptions and trials as they are now;
//   - an earlier week sums the lines live in it — their subscription or trial started
//     before the week's end, ends after its start, and is neither CANCELLED nor still
//     PENDING_SETUP — each at its figures as of the week's end: its last weekly snapshot
//     on or before that instant, else its first snapshot, else its current figures.
//
// A line never given usage figures counts with its current ones in every week it was live.

// notLive are the states whose subscriptions never held licenses in use.
var notLive = []enum.SubscriptionState{enum.StateCancelled, enum.StatePendingSetup}

// trend makes s, a selector over the viewer's license lines of the product, select per
// week (week_start) from first to current the sums total, assigned and used.
func trend(s *sql.Selector, first, current time.Time) {
	sub := sql.Table(subscription.Table).As("tr_sub")
	weeks := trendWeeks(first, current).As("tr_week")
	line := func(col string) string { return s.C(col) }
	wk := weeks.C
	live := sql.And(
		sql.ColumnsLT(sub.C(subscription.FieldStartedAt), wk("week_end")),
		sql.ColumnsGT(sub.C(subscription.FieldEndsAt), wk("week_start")),
		sql.NotIn(sub.C(subscription.FieldState), cond.Values(notLive)...))
	current0 := sql.EQ(wk("is_current"), 0)
	s.Join(sub).On(sub.C(subscription.FieldID), line(license.FieldSubscriptionID)).
		Join(weeks).OnP(sql.Or(
		sql.And(sql.EQ(wk("is_current"), 1), sql.EQ(line(license.FieldActive), true)),
		sql.And(current0, live)))
	// The snapshot a past week reads: the last one starting before the week's end, else
	// the first. The line's snapshots are one per week, on the (license_id, week_start) index.
	snap := sql.Table(licensesnapshot.Table).As("tr_snap")
	edge := func(agg string, before bool) sql.Querier {
		h := sql.Table(licensesnapshot.Table).As("tr_" + agg)
		q := sql.Select(agg + "(" + h.C(licensesnapshot.FieldWeekStart) + ")").From(h).
			Where(sql.ColumnsEQ(h.C(licensesnapshot.FieldLicenseID), line(license.FieldID)))
		if before {
			q.Where(sql.ColumnsLT(h.C(licensesnapshot.FieldWeekStart), wk("week_end")))
		}
		return q
	}
	s.LeftJoin(snap).OnP(sql.And(current0,
		sql.ColumnsEQ(snap.C(licensesnapshot.FieldLicenseID), line(license.FieldID)),
		sql.P(func(b *sql.Builder) {
			b.Ident(snap.C(licensesnapshot.FieldWeekStart)).WriteString(" = COALESCE((").Join(edge("MAX", true)).
				WriteString("), (").Join(edge("MIN", false)).WriteString("))")
		})))
	figure := func(col, as string) string {
		return sql.As("COALESCE(SUM(COALESCE("+snap.C(col)+", "+line(col)+")), 0)", as)
	}
	s.Select(sql.As(wk("week_start"), "week_start"),
		figure(license.FieldTotal, "total"), figure(license.FieldAssigned, "assigned"), figure(license.FieldUsed, "used")).
		GroupBy(wk("week_start"))
}

// trendWeeks is a derived table of the weeks from first to current: week_start, week_end
// and is_current (1 for current, else 0).
func trendWeeks(first, current time.Time) *sql.Selector {
	row := func(start time.Time) *sql.Selector {
		isCurrent := " 0 AS is_current"
		if start.Equal(current) {
			isCurrent = " 1 AS is_current"
		}
		return sql.SelectExpr(sql.ExprFunc(func(b *sql.Builder) {
			timeArg(b, start).WriteString(" AS week_start, ")
			timeArg(b, start.AddDate(0, 0, 7)).WriteString(" AS week_end," + isCurrent)
		}))
	}
	weeks := row(first)
	for w := first.AddDate(0, 0, 7); !w.After(current); w = w.AddDate(0, 0, 7) {
		weeks.UnionAll(row(w))
	}
	return weeks
}

// timeArg writes t as an argument; PostgreSQL is told its type, which it cannot infer in a
// derived table.
func timeArg(b *sql.Builder, t time.Time) *sql.Builder {
	if b.Dialect() != dialect.Postgres {
		return b.Arg(t)
	}
	return b.WriteString("CAST(").Arg(t).WriteString(" AS TIMESTAMP WITH TIME ZONE)")
}
