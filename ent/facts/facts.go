// Package facts keeps the write-time facts that the headline KPIs and the subscription
// analytics (DESIGN §4.2, §4.3) read instead of joining and scanning at request time:
//
//   - on each license line, whether its subscription or trial is ACTIVE, when that was
//     added, and its assignment ratio (assigned / total);
//   - on each customer, whether it is in the KPIs' scope (a line of an ACTIVE subscription
//     or trial of a KPI product), whether it is over its license limit (a line of an
//     ACTIVE subscription or trial with assigned > total), and when the first of its
//     ACTIVE, not auto-renewing subscriptions and trials ends (EndingSubscription).
//
// They are recomputed from the rows they come from, in SQL, in the same transaction as the
// write: after every license and subscription mutation (Hook) and, for rows written
// without the ent client — the bulk seed, or rows from before the columns existed — by
// Backfill. A fact that is null has not been computed yet and counts as false.
package facts

import (
	"context"
	stdsql "database/sql"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// ScopeProducts are the products that put a customer in the KPIs' scope (DESIGN §4.2).
var ScopeProducts = []enum.Product{enum.ProductMeetings, enum.ProductCalling}

// Executor runs a statement: a *sql.DB, a *sql.Tx, or an ent client or mutation.
type Executor interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
}

// IsTrue is the condition that the boolean column col is true (false when it is null).
// It is written as the bare column, the form the partial indexes over these facts use.
func IsTrue(col string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) { b.Ident(col) })
}

// ActiveLine is the condition that the license line of alias t belongs to an ACTIVE
// subscription or trial.
func ActiveLine(t *sql.SelectTable) *sql.Predicate { return IsTrue(t.C(license.FieldActive)) }

// ScopeLine is the condition that the license line of alias t puts its customer in the
// KPIs' scope: a line of an ACTIVE subscription or trial of a KPI product.
func ScopeLine(t *sql.SelectTable) []*sql.Predicate {
	ps := make([]any, len(ScopeProducts))
	for i, p := range ScopeProducts {
		ps[i] = p
	}
	return []*sql.Predicate{ActiveLine(t), sql.In(t.C(license.FieldProduct), ps...)}
}

// OverLimitLine is the condition that the license line of alias t is over its limit: a
// line of an ACTIVE subscription or trial with more licenses assigned than purchased. It is
// the LICENSE_OVERAGE status (DESIGN §4.1), the over-limit KPI (§4.2) and the over-limit
// analytics (§4.3).
func OverLimitLine(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{ActiveLine(t), sql.ColumnsGT(t.C(license.FieldAssigned), t.C(license.FieldTotal))}
}

// EndingSubscription is the condition that the subscription or trial of alias t ends
// without renewing: it is ACTIVE and not auto-renewing. A customer's expires_at is the
// earliest end among these.
func EndingSubscription(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(t.C(subscription.FieldState), enum.StateActive),
		sql.EQ(t.C(subscription.FieldAutoRenew), false),
	}
}

// Refresh recomputes the facts of the given customers and of their license lines.
func Refresh(ctx context.Context, x Executor, dialect string, customerIDs ...int) error {
	if len(customerIDs) == 0 {
		return nil
	}
	lines := sql.InInts(sql.Table(license.Table).C(license.FieldCustomerID), customerIDs...)
	customers := sql.InInts(sql.Table(customer.Table).C(customer.FieldID), customerIDs...)
	return refresh(ctx, x, dialect, lines, customers, false)
}

// Backfill computes every fact that has not been computed yet: those of rows written
// without the ent client, or before the columns existed.
func Backfill(ctx context.Context, x Executor, dialect string) error {
	lines := sql.IsNull(sql.Table(license.Table).C(license.FieldActive))
	ct, fe := sql.Table(customer.Table), sql.Table(subscription.Table).As("fx")
	ending := sql.Select(fe.C(subscription.FieldID)).From(fe).Where(sql.And(append(EndingSubscription(fe),
		sql.ColumnsEQ(fe.C(subscription.FieldCustomerID), ct.C(customer.FieldID)))...))
	customers := sql.Or(sql.IsNull(ct.C(customer.FieldKpiScope)),
		sql.And(sql.IsNull(ct.C(customer.FieldExpiresAt)), sql.Exists(ending)))
	return refresh(ctx, x, dialect, lines, customers, true)
}

// refresh recomputes the facts of the lines and then of the customers matching the
// conditions. A customer's flags are asked per customer, from its lines' index; with many,
// each flag is instead matched against the set of customers that have such a line, built
// once (the bulk seed refreshes before the lines' indexes are rebuilt).
func refresh(ctx context.Context, x Executor, dialect string, lines, customers *sql.Predicate, many bool) error {
	lt, st := sql.Table(license.Table), sql.Table(subscription.Table).As("fs")
	// ofSub is a column of the line's subscription.
	ofSub := func(col string) *sql.Selector {
		return sql.Select(st.C(col)).From(st).Where(sql.ColumnsEQ(st.C(subscription.FieldID), lt.C(license.FieldSubscriptionID)))
	}
	active := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("COALESCE((").Join(ofSub(subscription.FieldState)).WriteString(") = ").Arg(enum.StateActive).WriteString(", FALSE)")
	})
	started := sql.ExprFunc(func(b *sql.Builder) { b.WriteString("(").Join(ofSub(subscription.FieldStartedAt)).WriteString(")") })
	ratio := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("CASE WHEN ").Ident(lt.C(license.FieldTotal)).WriteString(" > 0 THEN CAST(").
			Ident(lt.C(license.FieldAssigned)).WriteString(" AS DOUBLE PRECISION) / ").Ident(lt.C(license.FieldTotal)).WriteString(" END")
	})
	up := sql.Dialect(dialect).Update(license.Table).
		Set(license.FieldActive, active).
		Set(license.FieldStartedAt, started).
		Set(license.FieldAssignmentRatio, ratio).
		Where(lines)
	if err := exec(ctx, x, up); err != nil {
		return fmt.Errorf("refresh license facts: %w", err)
	}
	ct := sql.Table(customer.Table)
	flag := func(conds func(*sql.SelectTable) []*sql.Predicate) sql.Querier {
		l := sql.Table(license.Table).As("fl")
		q := sql.Select(l.C(license.FieldCustomerID)).From(l).Where(sql.And(conds(l)...))
		if many {
			return sql.ExprFunc(func(b *sql.Builder) {
				b.Ident(ct.C(customer.FieldID)).WriteString(" IN (").Join(q).WriteString(")")
			})
		}
		q.Where(sql.ColumnsEQ(l.C(license.FieldCustomerID), ct.C(customer.FieldID)))
		return sql.Exists(q)
	}
	uc := sql.Dialect(dialect).Update(customer.Table).
		Set(customer.FieldKpiScope, flag(ScopeLine)).
		Set(customer.FieldOverLimit, flag(OverLimitLine)).
		Where(customers)
	fe := sql.Table(subscription.Table).As("fe")
	ends := sql.Select(sql.As(sql.Min(fe.C(subscription.FieldEndsAt)), subscription.FieldEndsAt)).
		From(fe).Where(sql.And(EndingSubscription(fe)...))
	if many {
		// Every customer's first end at once, from one pass over the subscriptions, before
		// the flags (the customers' condition may ask for the end).
		ends.AppendSelect(fe.C(subscription.FieldCustomerID)).GroupBy(fe.C(subscription.FieldCustomerID))
		b := &sql.Builder{}
		b.SetDialect(dialect)
		b.WriteString("UPDATE ").Ident(customer.Table).WriteString(" SET ").Ident(customer.FieldExpiresAt).
			WriteString(" = ").Ident("e").WriteString(".").Ident(subscription.FieldEndsAt).WriteString(" FROM (").Join(ends).WriteString(") AS ").Ident("e").
			WriteString(" WHERE ").Ident(ct.C(customer.FieldID)).WriteString(" = ").Ident("e").WriteString(".").Ident(subscription.FieldCustomerID).
			WriteString(" AND (").Join(customers).WriteString(")")
		if err := exec(ctx, x, b); err != nil {
			return fmt.Errorf("refresh customer expiries: %w", err)
		}
	} else {
		ends.Where(sql.ColumnsEQ(fe.C(subscription.FieldCustomerID), ct.C(customer.FieldID)))
		uc.Set(customer.FieldExpiresAt, sql.ExprFunc(func(b *sql.Builder) { b.WriteString("(").Join(ends).WriteString(")") }))
	}
	if err := exec(ctx, x, uc); err != nil {
		return fmt.Errorf("refresh customer facts: %w", err)
	}
	return nil
}

func exec(ctx context.Context, x Executor, q sql.Querier) error {
	query, args := q.Query()
	_, err := x.ExecContext(ctx, query, args...)
	return err
}
