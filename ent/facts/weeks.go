package facts

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/licensetrendweek"
	"github.com/partnerhub/partnerhub-api/ent/licenseweek"
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
//
// An earlier week's sums depend on the rows only, not on the clock, and are kept per
// customer and product (LicenseWeek) for the weeks a trend has asked of the partner and
// product, with their sums over the partner (LicenseTrendWeek, marked by Weeks). Each write
// of a customer's lines, subscriptions or snapshots recomputes that customer's weeks in its
// transaction, after holding the customer's row, and moves the partner's sums by the
// difference; Weeks computes a newly marked week while holding every customer of the
// partner, so that a write either committed before it read the rows or sees its mark.

// notLive are the states whose subscriptions never held licenses in use.
var notLive = []enum.SubscriptionState{enum.StateCancelled, enum.StatePendingSetup}

// Tx is a transaction Weeks runs in: a *sql.Tx or an ent transaction.
type Tx interface {
	Executor
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
}

// Weeks marks the given past weeks (week starts) of the partner's product that are not
// marked yet and computes their sums for every customer, in tx; the caller commits. Weeks
// marked by a concurrent transaction are left to it (their marks wait for it to end).
// When it marks some, it drops the weeks that start before since, which the writes then
// no longer recompute (a trend that asks for one again computes it again).
func Weeks(ctx context.Context, tx Tx, dialectName string, partnerID int, product enum.Product, weeks []time.Time, since time.Time) error {
	if len(weeks) == 0 {
		return nil
	}
	if dialectName == dialect.Postgres {
		// Hold every customer, so that a write of a customer's rows either committed before
		// the sums read them, or recomputes its weeks once this transaction ends, with the
		// new marks. SQLite runs one writing transaction at a time.
		ct := sql.Table(customer.Table)
		q := sql.Dialect(dialectName).Select(ct.C(customer.FieldID)).From(ct).
			Where(sql.EQ(ct.C(customer.FieldPartnerID), partnerID)).OrderBy(ct.C(customer.FieldID)).ForShare()
		if _, err := exec(ctx, tx, q); err != nil {
			return fmt.Errorf("hold the customers: %w", err)
		}
	}
	marked, err := mark(ctx, tx, dialectName, partnerID, product, weeks)
	if err != nil || len(marked) == 0 {
		return err
	}
	w := sql.Table(licensetrendweek.Table).As("wk")
	sums := weekSums(func(l *sql.SelectTable) *sql.Predicate {
		return sql.And(sql.EQ(l.C(license.FieldPartnerID), partnerID), sql.EQ(l.C(license.FieldProduct), product))
	}, sql.In(w.C(licensetrendweek.FieldID), marked...))
	if _, err := exec(ctx, tx, insertWeeks(dialectName, sums)); err != nil {
		return fmt.Errorf("compute the trend's weeks: %w", err)
	}
	if _, err := exec(ctx, tx, setTotals(dialectName, sql.In(licensetrendweek.FieldID, marked...))); err != nil {
		return fmt.Errorf("sum the trend's weeks: %w", err)
	}
	for _, table := range []string{licenseweek.Table, licensetrendweek.Table} {
		old := sql.Dialect(dialectName).Delete(table).Where(sql.And(sql.EQ(licenseweek.FieldPartnerID, partnerID),
			sql.EQ(licenseweek.FieldProduct, product), sql.LT(licenseweek.FieldWeekStart, since.UTC())))
		if _, err := exec(ctx, tx, old); err != nil {
			return fmt.Errorf("drop the trend's weeks before %s: %w", since.Format(time.DateOnly), err)
		}
	}
	return nil
}

// setTotals sets the sums of each week matching where (the weeks table unaliased) to the
// sums of all its LicenseWeek rows.
func setTotals(dialectName string, where *sql.Predicate) sql.Querier {
	w, lw := sql.Table(licensetrendweek.Table), sql.Table(licenseweek.Table).As("lw")
	up := sql.Dialect(dialectName).Update(licensetrendweek.Table).Where(where)
	for _, col := range []string{licenseweek.FieldTotal, licenseweek.FieldAssigned, licenseweek.FieldUsed} {
		sum := sql.Select("COALESCE(SUM(" + lw.C(col) + "), 0)").From(lw).Where(sql.And(
			sql.ColumnsEQ(lw.C(licenseweek.FieldPartnerID), w.C(licensetrendweek.FieldPartnerID)),
			sql.ColumnsEQ(lw.C(licenseweek.FieldProduct), w.C(licensetrendweek.FieldProduct)),
			sql.ColumnsEQ(lw.C(licenseweek.FieldWeekStart), w.C(licensetrendweek.FieldWeekStart))))
		up.Set(col, sql.ExprFunc(func(b *sql.Builder) { b.WriteString("(").Join(sum).WriteString(")") }))
	}
	return up
}

// moveTotals adds (sign "+") or takes away ("-") the sums of the LicenseWeek rows matching
// rows to or from each week matching where (the weeks table unaliased). The rows are
// summed once, by week, from the index on their customer, which they are asked by; one
// subquery per week and column would let the planner read every customer's rows of the
// week from the partner's index instead, as it does while the table has no statistics.
func moveTotals(dialectName, sign string, rows func(*sql.SelectTable) *sql.Predicate, where *sql.Predicate) sql.Querier {
	w, lw := sql.Table(licensetrendweek.Table), sql.Table(licenseweek.Table).As("lw")
	cols := []string{licenseweek.FieldTotal, licenseweek.FieldAssigned, licenseweek.FieldUsed}
	keys := []string{licenseweek.FieldPartnerID, licenseweek.FieldProduct, licenseweek.FieldWeekStart}
	sums := sql.Select(lw.C(keys[0]), lw.C(keys[1]), lw.C(keys[2])).From(lw).Where(rows(lw)).
		GroupBy(lw.C(keys[0]), lw.C(keys[1]), lw.C(keys[2]))
	for _, col := range cols {
		sums.AppendSelectAs("SUM("+lw.C(col)+")", col)
	}
	return sql.ExprFunc(func(b *sql.Builder) {
		b.SetDialect(dialectName)
		b.WriteString("UPDATE ").Ident(licensetrendweek.Table).WriteString(" SET ")
		for i, col := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.Ident(col).WriteString(" = ").Ident(w.C(col)).WriteString(" " + sign + " ").WriteString(`"d".`).Ident(col)
		}
		b.WriteString(" FROM (").Join(sums).WriteString(`) AS "d" WHERE `)
		for _, k := range keys {
			b.Ident(w.C(k)).WriteString(` = "d".`).Ident(k).WriteString(" AND ")
		}
		b.Join(where)
	})
}

// mark inserts the marks of weeks that do not exist and returns the IDs of those it added.
func mark(ctx context.Context, tx Tx, dialectName string, partnerID int, product enum.Product, weeks []time.Time) ([]any, error) {
	ins := sql.Dialect(dialectName).Insert(licensetrendweek.Table).
		Columns(licensetrendweek.FieldPartnerID, licensetrendweek.FieldProduct, licensetrendweek.FieldWeekStart, licensetrendweek.FieldWeekEnd)
	for _, start := range weeks {
		start = start.UTC()
		ins.Values(partnerID, product, start, start.AddDate(0, 0, 7))
	}
	ins.OnConflict(sql.ConflictColumns(licensetrendweek.FieldPartnerID, licensetrendweek.FieldProduct, licensetrendweek.FieldWeekStart), sql.DoNothing()).
		Returning(licensetrendweek.FieldID)
	query, args := ins.Query()
	ids, err := queryInts(ctx, tx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("mark the trend's weeks: %w", err)
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out, nil
}

// refreshWeeks recomputes the weeks of the customers whose ID column matches of. With
// lock, it first holds the customers' rows (a write that has not updated them).
func refreshWeeks(ctx context.Context, x Executor, dialectName string, lock bool, of func(col string) *sql.Predicate) error {
	if lock && dialectName == dialect.Postgres {
		ct := sql.Table(customer.Table)
		q := sql.Dialect(dialectName).Select(ct.C(customer.FieldID)).From(ct).Where(of(ct.C(customer.FieldID))).
			OrderBy(ct.C(customer.FieldID)).For(sql.LockNoKeyUpdate)
		if _, err := exec(ctx, x, q); err != nil {
			return fmt.Errorf("hold the customers of the trend's weeks: %w", err)
		}
	}
	// The weeks of the customers' partners, held in one order against other writers.
	ct, w := sql.Table(customer.Table).As("wc"), sql.Table(licensetrendweek.Table)
	weeks := sql.In(w.C(licensetrendweek.FieldPartnerID), sql.Select(ct.C(customer.FieldPartnerID)).From(ct).Where(of(ct.C(customer.FieldID))))
	if dialectName == dialect.Postgres {
		q := sql.Dialect(dialectName).Select(w.C(licensetrendweek.FieldID)).From(w).Where(weeks).
			OrderBy(w.C(licensetrendweek.FieldID)).ForUpdate()
		if _, err := exec(ctx, x, q); err != nil {
			return fmt.Errorf("hold the trend's weeks: %w", err)
		}
	}
	mine := func(lw *sql.SelectTable) *sql.Predicate { return of(lw.C(licenseweek.FieldCustomerID)) }
	del := sql.Dialect(dialectName).Delete(licenseweek.Table).Where(of(licenseweek.FieldCustomerID))
	sums := weekSums(func(l *sql.SelectTable) *sql.Predicate { return of(l.C(license.FieldCustomerID)) }, nil)
	for _, step := range []struct {
		what string
		q    sql.Querier
	}{
		{"take the customers' weeks from their sums", moveTotals(dialectName, "-", mine, weeks)},
		{"clear the customers' weeks", del},
		{"compute the customers' weeks", insertWeeks(dialectName, sums)},
		{"add the customers' weeks to their sums", moveTotals(dialectName, "+", mine, weeks)},
	} {
		if _, err := exec(ctx, x, step.q); err != nil {
			return fmt.Errorf("%s: %w", step.what, err)
		}
	}
	return nil
}

// weekColumns are the columns of LicenseWeek that weekSums selects, in its order.
var weekColumns = []string{licenseweek.FieldPartnerID, licenseweek.FieldCustomerID, licenseweek.FieldProduct,
	licenseweek.FieldWeekStart, licenseweek.FieldTotal, licenseweek.FieldAssigned, licenseweek.FieldUsed}

// insertWeeks inserts the rows sums selects into LicenseWeek.
func insertWeeks(dialectName string, sums *sql.Selector) sql.Querier {
	return sql.ExprFunc(func(b *sql.Builder) {
		b.SetDialect(dialectName)
		b.WriteString("INSERT INTO ").Ident(licenseweek.Table).WriteString(" (").IdentComma(weekColumns...).
			WriteString(") ").Join(sums)
	})
}

// weekSums selects the weekColumns of the lines matching lines, in each marked week
// matching weeks (any when nil), by the trend's rule for an earlier week.
func weekSums(lines func(*sql.SelectTable) *sql.Predicate, weeks *sql.Predicate) *sql.Selector {
	l := sql.Table(license.Table).As("wl")
	sub := sql.Table(subscription.Table).As("ws")
	wk := sql.Table(licensetrendweek.Table).As("wk")
	live := sql.And(
		sql.ColumnsEQ(wk.C(licensetrendweek.FieldPartnerID), l.C(license.FieldPartnerID)),
		sql.ColumnsEQ(wk.C(licensetrendweek.FieldProduct), l.C(license.FieldProduct)),
		sql.ColumnsLT(sub.C(subscription.FieldStartedAt), wk.C(licensetrendweek.FieldWeekEnd)),
		sql.ColumnsGT(sub.C(subscription.FieldEndsAt), wk.C(licensetrendweek.FieldWeekStart)),
		sql.NotIn(sub.C(subscription.FieldState), cond.Values(notLive)...))
	if weeks != nil {
		live = sql.And(live, weeks)
	}
	// The snapshot a week reads: the last one starting before the week's end, else the
	// first. The line's snapshots are one per week, on the (license_id, week_start) index.
	snap := sql.Table(licensesnapshot.Table).As("wsn")
	edge := func(agg string, before bool) sql.Querier {
		h := sql.Table(licensesnapshot.Table).As("w" + agg)
		q := sql.Select(agg + "(" + h.C(licensesnapshot.FieldWeekStart) + ")").From(h).
			Where(sql.ColumnsEQ(h.C(licensesnapshot.FieldLicenseID), l.C(license.FieldID)))
		if before {
			q.Where(sql.ColumnsLT(h.C(licensesnapshot.FieldWeekStart), wk.C(licensetrendweek.FieldWeekEnd)))
		}
		return q
	}
	s := sql.Select().From(l).Join(sub).On(sub.C(subscription.FieldID), l.C(license.FieldSubscriptionID)).
		Join(wk).OnP(live).
		LeftJoin(snap).OnP(sql.And(
		sql.ColumnsEQ(snap.C(licensesnapshot.FieldLicenseID), l.C(license.FieldID)),
		sql.P(func(b *sql.Builder) {
			b.Ident(snap.C(licensesnapshot.FieldWeekStart)).WriteString(" = COALESCE((").Join(edge("MAX", true)).
				WriteString("), (").Join(edge("MIN", false)).WriteString("))")
		}))).
		Where(lines(l))
	figure := func(col string) string {
		return "COALESCE(SUM(COALESCE(" + snap.C(col) + ", " + l.C(col) + ")), 0)"
	}
	group := []string{l.C(license.FieldPartnerID), l.C(license.FieldCustomerID), l.C(license.FieldProduct), wk.C(licensetrendweek.FieldWeekStart)}
	return s.Select(append(group, figure(license.FieldTotal), figure(license.FieldAssigned), figure(license.FieldUsed))...).
		GroupBy(group...)
}
