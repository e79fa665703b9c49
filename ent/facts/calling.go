package facts

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/callingpartnerweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/status"
)

// A partner's calling weeks (CallingPartnerWeek) are the sums of the week rollups
// (CallingWeek) of its customers that have a current Calling line, so that a viewer who
// sees every customer reads one row per week. Whatever changes either side keeps them, in
// the same transaction: an ingest adds its change of the week rollups of such customers
// (package calling), a rollup set anew is taken out and added back (MoveCallingWeeks),
// and the facts refresh moves the weeks of a customer that gains or loses its Calling
// line. Writers hold the customers' rows first (ingest and the refresh alike), so that
// the customer's products and weeks they read are the ones their change goes with.

// PartnerWeekCounters are the counters of a partner's calling week, the week rollup's
// columns of the same names.
var PartnerWeekCounters = partnerWeekCounters()

func partnerWeekCounters() []string {
	var out []string
	for _, c := range callingpartnerweek.Columns {
		switch c {
		case callingpartnerweek.FieldID, callingpartnerweek.FieldPartnerID, callingpartnerweek.FieldWeek:
		default:
			out = append(out, c)
		}
	}
	return out
}

// HasCalling is the condition that the customer of alias t has a current Calling line:
// the customers a partner's calling weeks sum.
func HasCalling(t *sql.SelectTable) *sql.Predicate {
	return status.HoldsProduct(t, enum.ProductCalling)
}

// MoveCallingWeeks adds (sign "+") or takes away ("-") the week rollups, of the weeks from
// to to (both included), of the customers that match of and have a current Calling line
// to or from their partners' calling weeks, in one statement: rows missing are created.
func MoveCallingWeeks(ctx context.Context, x Executor, dialectName, sign string, of func(ct *sql.SelectTable) *sql.Predicate, from, to int) error {
	ct := sql.Table(customer.Table).As("mc")
	_, err := exec(ctx, x, addCallingWeeks(dialectName, sign, sql.And(of(ct), HasCalling(ct)), ct, from, to))
	if err != nil {
		return fmt.Errorf("move week rollups of the partner's calling weeks: %w", err)
	}
	return nil
}

// addCallingWeeks is the upsert that adds (sign "+") or takes away ("-") the sums of the
// week rollups of the customers of alias ct matching where, of the weeks from to to, by
// partner and week.
func addCallingWeeks(dialectName, sign string, where *sql.Predicate, ct *sql.SelectTable, from, to int) sql.Querier {
	w := sql.Table(callingweek.Table).As("mw")
	custs := sql.Select(ct.C(customer.FieldID)).From(ct).Where(where)
	sums := sql.Select(w.C(callingweek.FieldPartnerID), w.C(callingweek.FieldWeek)).From(w).
		Where(sql.And(sql.In(w.C(callingweek.FieldCustomerID), custs), sql.GTE(w.C(callingweek.FieldWeek), from), sql.LTE(w.C(callingweek.FieldWeek), to))).
		GroupBy(w.C(callingweek.FieldPartnerID), w.C(callingweek.FieldWeek)).
		OrderBy(w.C(callingweek.FieldPartnerID), w.C(callingweek.FieldWeek))
	for _, c := range PartnerWeekCounters {
		sums.AppendSelectAs(sign+"SUM("+w.C(c)+")", c)
	}
	return sql.ExprFunc(func(b *sql.Builder) {
		b.SetDialect(dialectName)
		cols := append([]string{callingpartnerweek.FieldPartnerID, callingpartnerweek.FieldWeek}, PartnerWeekCounters...)
		b.WriteString("INSERT INTO ").Ident(callingpartnerweek.Table).WriteString(" (" + strings.Join(cols, ", ") + ") ").Join(sums)
		b.WriteString(" ON CONFLICT (partner_id, week) DO UPDATE SET " + AddProposed(callingpartnerweek.Table, PartnerWeekCounters))
	})
}

// AddProposed is the SET list of an upsert into table that adds the values it proposes
// for the counters to those stored.
func AddProposed(table string, counters []string) string {
	sets := make([]string, len(counters))
	for i, c := range counters {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	return strings.Join(sets, ", ")
}

// SetCallingWeeks sets partnerID's calling weeks from from to to anew from the week
// rollups.
func SetCallingWeeks(ctx context.Context, x Executor, dialectName string, partnerID, from, to int) error {
	del := sql.Dialect(dialectName).Delete(callingpartnerweek.Table).Where(sql.And(sql.EQ(callingpartnerweek.FieldPartnerID, partnerID),
		sql.GTE(callingpartnerweek.FieldWeek, from), sql.LTE(callingpartnerweek.FieldWeek, to)))
	if _, err := exec(ctx, x, del); err != nil {
		return fmt.Errorf("clear the partner's calling weeks: %w", err)
	}
	return MoveCallingWeeks(ctx, x, dialectName, "+", func(ct *sql.SelectTable) *sql.Predicate {
		return sql.EQ(ct.C(customer.FieldPartnerID), partnerID)
	}, from, to)
}

// moveCallingCustomers moves the weeks of the customers matching of whose Calling line the
// refresh of their products (products, their value to come) adds or removes: out of
// their partners' calling weeks for those that lose it, into them for those that gain it.
// It runs before the refresh writes the products. A customer's products to come are asked
// per customer, from its lines' index; with many, they are instead joined from the
// products of every customer, worked out in one pass over the lines (the bulk seed
// refreshes before the lines' indexes are rebuilt: per customer, each would scan them
// all). On PostgreSQL it holds the rows of the customers it moves as it finds them,
// against an ingest that would add to their weeks meanwhile; a customer that keeps or
// lacks Calling is moved nowhere.
func moveCallingCustomers(ctx context.Context, x Tx, dialectName string, of *sql.Predicate, products perCustomer, many bool) error {
	query, args := callingMovers(dialectName, of, products, many).Query()
	ids, err := queryInts(ctx, x, query, args...)
	if err != nil {
		return fmt.Errorf("find the customers gaining or losing Calling: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	mc := sql.Table(customer.Table).As("mc")
	moving := sql.InInts(mc.C(customer.FieldID), ids...)
	for _, move := range []struct {
		sign  string
		where *sql.Predicate
	}{
		{"-", sql.And(moving, status.HasProduct(mc, enum.ProductCalling))},
		{"+", sql.And(moving, sql.Not(status.HasProduct(mc, enum.ProductCalling)))},
	} {
		if _, err := exec(ctx, x, addCallingWeeks(dialectName, move.sign, move.where, mc, 0, maxWeek)); err != nil {
			return fmt.Errorf("move the weeks of customers changing Calling: %w", err)
		}
	}
	return nil
}

// callingMovers selects the customers matching of whose Calling line the refresh of their
// products adds or removes (see moveCallingCustomers).
func callingMovers(dialectName string, of *sql.Predicate, products perCustomer, many bool) *sql.Selector {
	// The bit tests, unlike HasCalling, read a customer without products (null) as
	// without Calling, negated too.
	ct := sql.Table(customer.Table)
	q := sql.Dialect(dialectName).Select(ct.C(customer.FieldID)).From(ct)
	var value sql.Querier
	if many {
		all := products.all().As("pc")
		q.LeftJoin(all).On(ct.C(customer.FieldID), all.C(license.FieldCustomerID))
		value = sql.Expr(all.C("v"))
	} else {
		value = products.of(ct.C(customer.FieldID))
	}
	has, will := status.HasProduct(ct, enum.ProductCalling), status.HasProductValue(value, enum.ProductCalling)
	q.Where(sql.And(of, sql.Or(sql.And(has, sql.Not(will)), sql.And(sql.Not(has), will)))).OrderBy(ct.C(customer.FieldID))
	if dialectName == dialect.Postgres {
		q.For(sql.LockNoKeyUpdate, sql.WithLockTables(customer.Table))
	}
	return q
}

// maxWeek is past every week a rollup can hold.
const maxWeek = 1 << 30
