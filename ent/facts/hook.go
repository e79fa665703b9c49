package facts

import (
	"context"
	stdsql "database/sql"
	"fmt"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/hook"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// customerRows is a mutation of rows that belong to a customer: license lines and
// subscriptions, whose changes change the facts.
type customerRows interface {
	entgo.Mutation
	Executor
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
	CustomerID() (int, bool)
	IDs(ctx context.Context) ([]int, error)
}

// Hook returns the hook, for license lines and subscriptions, that refreshes the facts of
// the customers a mutation touches right after it, on the mutation's connection: inside its
// transaction when it has one (their trend's weeks as it commits, see SnapshotHook). A
// bulk update or deletion refreshes them all at once, and its customers, read before it
// runs, are what change records it touched.
func Hook(dialect string) entgo.Hook {
	return rowsHook(dialect, func(ctx context.Context, m customerRows, ids []int) error {
		if err := refreshRows(ctx, m, dialect, ids); err != nil {
			return err
		}
		return weeksOf(ctx, m, dialect, ids)
	})
}

// rowsHook returns the hook that calls refresh with the customers a mutation of rows
// that belong to a customer touches, right after it (see Hook).
func rowsHook(dialect string, refresh func(ctx context.Context, m customerRows, ids []int) error) entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			rows, ok := m.(customerRows)
			if !ok {
				return next.Mutate(ctx, m)
			}
			var ids []int
			if !m.Op().Is(entgo.OpCreate | entgo.OpUpdateOne) {
				// Rows deleted or updated in bulk: their customers, read before they go.
				var err error
				if ids, err = customersOf(ctx, rows, dialect); err != nil {
					return nil, err
				}
				// They are whose rows the change touched.
				ctx = change.WithCustomers(ctx, ids)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			if id, ok := rows.CustomerID(); ok {
				ids = append(ids, id)
			}
			switch v := v.(type) {
			case *ent.License:
				ids = append(ids, v.CustomerID)
			case *ent.Subscription:
				ids = append(ids, v.CustomerID)
			case *ent.LicenseSnapshot:
				ids = append(ids, v.CustomerID)
			}
			if err := refresh(ctx, rows, ids); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// customersOf returns the customers of the rows a mutation is about to change.
func customersOf(ctx context.Context, m customerRows, dialect string) ([]int, error) {
	ids, err := m.IDs(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	table := map[string]string{ent.TypeLicense: license.Table, ent.TypeSubscription: subscription.Table,
		ent.TypeLicenseSnapshot: licensesnapshot.Table}[m.Type()]
	t := sql.Table(table)
	query, qargs := sql.Dialect(dialect).Select(t.C(license.FieldCustomerID)).Distinct().From(t).
		Where(sql.InInts(t.C(license.FieldID), ids...)).Query()
	out, err := queryInts(ctx, m, query, qargs...)
	if err != nil {
		return nil, fmt.Errorf("read the customers of changed %s: %w", table, err)
	}
	return out, nil
}

// queryInts runs a query of one integer column and returns its values.
func queryInts(ctx context.Context, x Tx, query string, args ...any) ([]int, error) {
	res, err := x.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var out []int
	for res.Next() {
		var id int
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, res.Err()
}

// CustomerHook returns the hook that gives a new customer its facts at creation, in the
// creating statement: a customer without subscriptions or lines is outside the KPIs'
// scope, not over any limit, and has no products and no status from subscriptions. Its
// first end stays empty. Lines and subscriptions written later refresh them (Hook).
func CustomerHook() entgo.Hook {
	return hook.On(func(next entgo.Mutator) entgo.Mutator {
		return hook.CustomerFunc(func(ctx context.Context, m *ent.CustomerMutation) (entgo.Value, error) {
			if _, ok := m.KpiScope(); !ok {
				m.SetKpiScope(false)
			}
			if _, ok := m.OverLimit(); !ok {
				m.SetOverLimit(false)
			}
			if _, ok := m.CurrentProducts(); !ok {
				m.SetCurrentProducts(0)
			}
			if _, ok := m.SubscriptionStatuses(); !ok {
				m.SetSubscriptionStatuses(0)
			}
			return next.Mutate(ctx, m)
		})
	}, entgo.OpCreate)
}

// QueueHook returns the hook that marks the customer of a call queue just created as
// having one, in the creating transaction (queues are never deleted).
func QueueHook(dialect string) entgo.Hook {
	return hook.On(func(next entgo.Mutator) entgo.Mutator {
		return hook.CallQueueFunc(func(ctx context.Context, m *ent.CallQueueMutation) (entgo.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			q := v.(*ent.CallQueue)
			ct := sql.Table(customer.Table)
			up := sql.Dialect(dialect).Update(customer.Table).Set(customer.FieldHasCallQueue, true).
				Where(sql.And(sql.EQ(ct.C(customer.FieldID), q.CustomerID), sql.Not(status.IsTrue(ct.C(customer.FieldHasCallQueue)))))
			if _, err := exec(ctx, m, up); err != nil {
				return nil, fmt.Errorf("mark the customer of a call queue: %w", err)
			}
			return v, nil
		})
	}, entgo.OpCreate)
}
