// Package facts keeps the write-time facts that the headline KPIs and the subscription
// analytics read instead of joining and scanning at request time:
//
//   - on each license line, whether its subscription or trial is ACTIVE, when that was
//     added, its assignment ratio (assigned / total), and when it ends (status.EndingSubscription)
//     or renews (status.RenewingSubscription);
//   - on each customer, whether it is in the KPIs' scope (a line of an ACTIVE subscription
//     or trial of a KPI product), whether it is over its license limit (a line of an
//     ACTIVE subscription or trial with assigned > total), when the first of its
//     ACTIVE, not auto-renewing subscriptions and trials ends (status.EndingSubscription),
//     which products it has a line of a current subscription or trial of (status.ProductBits),
//     which of its statuses its subscriptions and trials give it (status.StatusBits), and
//     whether it has a call queue (QueueHook marks it when its first one is created, and
//     Backfill the customers of queues written without the ent client);
//   - per customer, product and past week a trend has asked, the sums of the license
//     distribution trend, and their sums over the partner (Weeks).
//
// They are recomputed from the rows they come from, in SQL, in the same transaction as the
// write: a new customer gets them at creation (CustomerHook), and they follow every license
// and subscription mutation (Hook), the trend's weeks every snapshot mutation too
// (SnapshotHook). Rows written without the ent client — the bulk seed, or
// rows from before the columns existed — have null facts until Backfill computes them, at
// the end of the seed or at the next migration; the conditions on facts read null as false.
package facts

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// Executor runs a statement: a *sql.DB, a *sql.Tx, or an ent client or mutation.
type Executor interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
}

// Refresh recomputes the facts of the given customers and of their license lines.
func Refresh(ctx context.Context, x Tx, dialect string, customerIDs ...int) error {
	if err := refreshRows(ctx, x, dialect, customerIDs); err != nil || len(customerIDs) == 0 {
		return err
	}
	// The customers' rows are held by the update of their facts.
	return refreshWeeks(ctx, x, dialect, false, inIDs(customerIDs))
}

// refreshRows recomputes the facts of the given customers and of their license lines,
// but not their trend's weeks.
func refreshRows(ctx context.Context, x Tx, dialect string, customerIDs []int) error {
	if len(customerIDs) == 0 {
		return nil
	}
	lines := sql.InInts(sql.Table(license.Table).C(license.FieldCustomerID), customerIDs...)
	customers := sql.InInts(sql.Table(customer.Table).C(customer.FieldID), customerIDs...)
	_, err := refresh(ctx, x, dialect, lines, customers, false)
	return err
}

// inIDs matches an ID column against ids.
func inIDs(ids []int) func(col string) *sql.Predicate {
	return func(col string) *sql.Predicate { return sql.InInts(col, ids...) }
}

// Backfilled counts the rows whose facts Backfill computed.
type Backfilled struct{ Lines, Customers int64 }

// Backfill computes every fact that has not been computed yet: those of rows written
// without the ent client (the bulk seed), or before the columns existed.
func Backfill(ctx context.Context, x Tx, dialect string) (Backfilled, error) {
	lt, fb := sql.Table(license.Table), sql.Table(subscription.Table).As("fb")
	dated := sql.Select(fb.C(subscription.FieldID)).From(fb).Where(sql.And(
		sql.ColumnsEQ(fb.C(subscription.FieldID), lt.C(license.FieldSubscriptionID)),
		sql.Or(sql.And(status.EndingSubscription(fb)...), sql.And(append(status.RenewingSubscription(fb), sql.NotNull(fb.C(subscription.FieldRenewalDate)))...))))
	lines := sql.Or(sql.IsNull(lt.C(license.FieldActive)),
		sql.And(sql.IsNull(lt.C(license.FieldEndingAt)), sql.IsNull(lt.C(license.FieldRenewsAt)), sql.Exists(dated)))
	ct, fe := sql.Table(customer.Table), sql.Table(subscription.Table).As("fx")
	// The customers written without the ent client, whose creation gave them no facts,
	// have no weeks of the trend yet either.
	raw := sql.Select(ct.C(customer.FieldID)).From(ct).Where(sql.Or(sql.IsNull(ct.C(customer.FieldKpiScope)),
		sql.IsNull(ct.C(customer.FieldCurrentProducts)), sql.IsNull(ct.C(customer.FieldSubscriptionStatuses))))
	if err := refreshWeeks(ctx, x, dialect, false, func(col string) *sql.Predicate { return sql.In(col, raw) }); err != nil {
		return Backfilled{}, err
	}
	ending := sql.Select(fe.C(subscription.FieldID)).From(fe).Where(sql.And(append(status.EndingSubscription(fe),
		sql.ColumnsEQ(fe.C(subscription.FieldCustomerID), ct.C(customer.FieldID)))...))
	customers := sql.Or(sql.IsNull(ct.C(customer.FieldKpiScope)), sql.IsNull(ct.C(customer.FieldCurrentProducts)),
		sql.IsNull(ct.C(customer.FieldSubscriptionStatuses)), sql.And(sql.IsNull(ct.C(customer.FieldExpiresAt)), sql.Exists(ending)))
	done, err := refresh(ctx, x, dialect, lines, customers, true)
	if err != nil {
		return done, err
	}
	// Customers whose queues were written without the ent client, or before the mark
	// existed, are marked.
	fq := sql.Table(callqueue.Table)
	mark := sql.Dialect(dialect).Update(customer.Table).Set(customer.FieldHasCallQueue, true).
		Where(sql.And(sql.Not(status.IsTrue(ct.C(customer.FieldHasCallQueue))),
			sql.In(ct.C(customer.FieldID), sql.Select(fq.C(callqueue.FieldCustomerID)).From(fq))))
	n, err := exec(ctx, x, mark)
	if err != nil {
		return done, fmt.Errorf("mark the customers with a call queue: %w", err)
	}
	done.Customers += n
	return done, nil
}

// refresh recomputes the facts of the lines and then of the customers matching the
// conditions. A customer's flags are asked per customer, from its lines' index; with many,
// each flag is instead matched against the set of customers that have such a line, built
// once (the bulk seed refreshes before the lines' indexes are rebuilt).
func refresh(ctx context.Context, x Tx, dialect string, lines, customers *sql.Predicate, many bool) (Backfilled, error) {
	var done Backfilled
	lt, st := sql.Table(license.Table), sql.Table(subscription.Table).As("fs")
	// ofSub is a column of the line's subscription.
	ofSub := func(col string) *sql.Selector {
		return sql.Select(st.C(col)).From(st).Where(sql.ColumnsEQ(st.C(subscription.FieldID), lt.C(license.FieldSubscriptionID)))
	}
	active := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("COALESCE((").Join(ofSub(subscription.FieldState)).WriteString(") = ").Arg(enum.StateActive).WriteString(", FALSE)")
	})
	started := sql.ExprFunc(func(b *sql.Builder) { b.WriteString("(").Join(ofSub(subscription.FieldStartedAt)).WriteString(")") })
	// whenSub is a column of the line's subscription when it matches conds, else null.
	whenSub := func(col string, conds ...*sql.Predicate) sql.Querier {
		value := sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("CASE WHEN ").Join(sql.And(conds...)).WriteString(" THEN ").Ident(st.C(col)).WriteString(" END")
		})
		q := sql.SelectExpr(value).From(st).Where(sql.ColumnsEQ(st.C(subscription.FieldID), lt.C(license.FieldSubscriptionID)))
		return sql.ExprFunc(func(b *sql.Builder) { b.WriteString("(").Join(q).WriteString(")") })
	}
	ratio := sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("CASE WHEN ").Ident(lt.C(license.FieldTotal)).WriteString(" > 0 THEN CAST(").
			Ident(lt.C(license.FieldAssigned)).WriteString(" AS DOUBLE PRECISION) / ").Ident(lt.C(license.FieldTotal)).WriteString(" END")
	})
	up := sql.Dialect(dialect).Update(license.Table).
		Set(license.FieldActive, active).
		Set(license.FieldStartedAt, started).
		Set(license.FieldAssignmentRatio, ratio).
		Set(license.FieldEndingAt, whenSub(subscription.FieldEndsAt, status.EndingSubscription(st)...)).
		Set(license.FieldRenewsAt, whenSub(subscription.FieldRenewalDate, status.RenewingSubscription(st)...)).
		Where(lines)
	var err error
	if done.Lines, err = exec(ctx, x, up); err != nil {
		return done, fmt.Errorf("refresh license facts: %w", err)
	}
	ct := sql.Table(customer.Table)
	if err := moveCallingCustomers(ctx, x, dialect, customers, currentProducts(), many); err != nil {
		return done, err
	}
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
		Set(customer.FieldKpiScope, flag(status.ScopeLine)).
		Set(customer.FieldOverLimit, flag(status.OverLimitLine)).
		Where(customers)
	// Each value is asked per customer, or with many worked out for every customer at once
	// from one pass over its table and set before the flags (the customers' condition may
	// ask for the values).
	for _, v := range []struct {
		col, of string
		q       perCustomer
	}{
		{customer.FieldExpiresAt, "first ends", firstEnds()},
		{customer.FieldCurrentProducts, "products", currentProducts()},
		{customer.FieldSubscriptionStatuses, "subscription statuses", subscriptionStatuses()},
	} {
		if !many {
			uc.Set(v.col, v.q.of(ct.C(customer.FieldID)))
			continue
		}
		if _, err := exec(ctx, x, updateFrom(dialect, v.col, v.q.all(), customers)); err != nil {
			return done, fmt.Errorf("refresh customer %s: %w", v.of, err)
		}
		if v.q.none != "" {
			uc.Set(v.col, sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("COALESCE(").Ident(v.col).WriteString(", " + v.q.none + ")")
			}))
		}
	}
	if done.Customers, err = exec(ctx, x, uc); err != nil {
		return done, fmt.Errorf("refresh customer facts: %w", err)
	}
	return done, nil
}

// perCustomer is a value worked out per customer from its rows.
type perCustomer struct {
	value    sql.Querier // an aggregate over the rows
	none     string      // the value of a customer without rows, if not null
	customer string      // the rows' customer column
	rows     func(*sql.Selector) *sql.Selector
}

// of is the value of the customer whose ID is the column id.
func (p perCustomer) of(id string) sql.Querier {
	q := p.rows(sql.SelectExpr(p.value)).Where(sql.ColumnsEQ(p.customer, id))
	return sql.ExprFunc(func(b *sql.Builder) {
		if p.none == "" {
			b.WriteString("(").Join(q).WriteString(")")
			return
		}
		b.WriteString("COALESCE((").Join(q).WriteString("), " + p.none + ")")
	})
}

// all selects the value, as v, of every customer with rows, by customer_id.
func (p perCustomer) all() *sql.Selector {
	return p.rows(sql.Select(sql.As(p.customer, license.FieldCustomerID)).AppendSelectExprAs(p.value, "v")).GroupBy(p.customer)
}

// firstEnds is the first end among a customer's ACTIVE, not auto-renewing subscriptions
// and trials.
func firstEnds() perCustomer {
	fe := sql.Table(subscription.Table).As("fe")
	return perCustomer{
		value: sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("MIN(").Ident(fe.C(subscription.FieldEndsAt)).WriteString(")")
		}),
		customer: fe.C(subscription.FieldCustomerID),
		rows: func(q *sql.Selector) *sql.Selector {
			return q.From(fe).Where(sql.And(status.EndingSubscription(fe)...))
		},
	}
}

// currentProducts is the status.ProductBits of the products of a customer's lines of current
// subscriptions and trials (each product's bit added once: their OR).
func currentProducts() perCustomer {
	fp, fs := sql.Table(license.Table).As("fp"), sql.Table(subscription.Table).As("fps")
	return perCustomer{
		value: sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("SUM(DISTINCT CASE ").Ident(fp.C(license.FieldProduct))
			for _, p := range enum.Product("").Values() {
				b.WriteString(" WHEN ").Arg(p).WriteString(" THEN " + strconv.Itoa(status.ProductBits(enum.Product(p))))
			}
			b.WriteString(" END)")
		}),
		none:     "0",
		customer: fp.C(license.FieldCustomerID),
		rows: func(q *sql.Selector) *sql.Selector {
			return q.From(fp).Join(fs).On(fs.C(subscription.FieldID), fp.C(license.FieldSubscriptionID)).
				Where(sql.In(fs.C(subscription.FieldState), cond.Values(status.CurrentStates)...))
		},
	}
}

// subscriptionStatuses is the status.StatusBits of the statuses that a customer's subscriptions
// and trials give it, each by its status.SubscriptionRule over one pass of them.
func subscriptionStatuses() perCustomer {
	fss := sql.Table(subscription.Table).As("fss")
	return perCustomer{
		value: sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("0")
			for _, v := range enum.CustomerStatus("").Values() {
				st := enum.CustomerStatus(v)
				rule, ok := status.SubscriptionRuleOf(st)
				if !ok {
					continue
				}
				b.WriteString(" + CASE WHEN ")
				anyRow(b, rule.Has).WriteString(" = 1")
				if rule.None != nil {
					b.WriteString(" AND ")
					anyRow(b, rule.None).WriteString(" = 0")
				}
				b.WriteString(" THEN " + strconv.Itoa(status.StatusBits(st)) + " ELSE 0 END")
			}
		}),
		none:     "0",
		customer: fss.C(subscription.FieldCustomerID),
		rows:     func(q *sql.Selector) *sql.Selector { return q.From(fss) },
	}
}

// anyRow writes an aggregate over the rows of a group that is 1 when one of them matches
// every one of conds, 0 when none does and null when there are no rows.
func anyRow(b *sql.Builder, conds []*sql.Predicate) *sql.Builder {
	return b.WriteString("MAX(CASE WHEN ").Join(sql.And(conds...)).WriteString(" THEN 1 ELSE 0 END)")
}

// updateFrom sets col of the customers matching where to the value v that q selects per
// customer_id, for the customers q selects.
func updateFrom(dialect, col string, q *sql.Selector, where *sql.Predicate) sql.Querier {
	return sql.ExprFunc(func(b *sql.Builder) {
		ct := sql.Table(customer.Table)
		b.SetDialect(dialect)
		b.WriteString("UPDATE ").Ident(customer.Table).WriteString(" SET ").Ident(col).WriteString(" = ").
			Ident("e").WriteString(".").Ident("v").WriteString(" FROM (").Join(q).WriteString(") AS ").Ident("e").
			WriteString(" WHERE ").Ident(ct.C(customer.FieldID)).WriteString(" = ").Ident("e").WriteString(".").Ident(license.FieldCustomerID).
			WriteString(" AND (").Join(where).WriteString(")")
	})
}

// exec runs q and returns the number of rows it changed.
func exec(ctx context.Context, x Executor, q sql.Querier) (int64, error) {
	query, args := q.Query()
	res, err := x.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
