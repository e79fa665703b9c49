// Package directory lists customers (the partner's customer directory) and derives the
// per-customer figures shown beside them: products and license summaries.
//
// A page costs a constant number of statements whatever its size: the page itself, which
// also selects each customer's statuses as one mask (status.SelectMask), then one batch per
// kind of related row its selection needs, side by side (graph/prime.go). The
// customer_directory_name index, in name order, carries the columns filters and statuses
// test (schema.DirectoryColumns), so a page that asks nothing else of its customers reads
// that index alone, and a filtered page that does finds its IDs there first and then reads
// those rows by ID. Statements whose best plan does not depend on their values — no filter,
// or statuses, excluded statuses and products only (filter.Criteria.Steady) — are kept
// prepared, because planning them cost more than running them.
package directory

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/schema"
	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// CountCache returns a remembered count, or the one compute makes; nil always computes.
type CountCache func(ctx context.Context, compute func(context.Context) (int, error)) (int, error)

// List returns the page of visible customers matching criteria, in order, with the
// columns given (nil: all of them) and the extra columns selects adds (nil for none).
// Counting every match is the costly part of a page at scale, so totalCount goes through
// cache.
func List(ctx context.Context, c *ent.Client, env filter.Env, args page.Args, order *model.CustomerOrder, criteria filter.Criteria, columns []string, selects func(*sql.Selector), cache CountCache) (*page.Connection[*ent.Customer], error) {
	where := criteria.Predicate(env)
	count := func(ctx context.Context) (int, error) { return c.Customer.Query().Where(where).Count(ctx) }
	return page.Paginate(ctx, page.Source[*ent.Customer]{
		Key: orderKey(order),
		Fetch: func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Customer, error) {
			rows := func(q *ent.CustomerQuery) *ent.CustomerSelect {
				mods := []func(*sql.Selector){m}
				if selects != nil {
					mods = append(mods, selects)
				}
				if columns != nil {
					return q.Select(columns...).Modify(mods...)
				}
				return q.Modify(mods...)
			}
			// The plain directory, the page asked most, has one best plan (the name or date
			// index of the partner's customers), and so has a page filtered only by statuses
			// and products (criteria.Steady): planning such a statement costs more than
			// running it, so it is kept prepared. A page filtered by a tag, a word, a region
			// or a date is planned for its values: a plan made without them could scan every
			// customer for a rare tag or word.
			read := ctx
			if criteria.Steady() {
				read = prepared.Context(ctx)
			}
			// A page that reads nothing of its customers beyond what the name index carries
			// is one statement, which reads the index alone.
			if len(criteria) == 0 || carried(columns) {
				return rows(c.Customer.Query().Where(where).Limit(limit)).All(read)
			}
			// Otherwise that statement stays small: it finds the page's IDs from the index,
			// and the rows are then read by ID, prepared.
			found, err := c.Customer.Query().Where(where).Limit(limit).Select(customer.FieldID).Modify(m).All(read)
			if err != nil || len(found) == 0 {
				return found, err
			}
			ids := make([]int, len(found))
			for i, f := range found {
				ids[i] = f.ID
			}
			byID := c.Customer.Query().Where(func(s *sql.Selector) { s.Where(prepared.IDsIn(s.C(customer.FieldID), ids)) })
			return rows(byID).All(prepared.Context(ctx))
		},
		Count: func(ctx context.Context) (int, error) {
			if cache == nil {
				return count(ctx)
			}
			return cache(ctx, count)
		},
		ID:    func(c *ent.Customer) int { return c.ID },
		Value: func(c *ent.Customer) (any, error) { return c.Value(page.KeyColumn) },
	}, args)
}

// carried reports whether the directory's name index carries all of columns (nil is
// every column: it does not).
func carried(columns []string) bool {
	if columns == nil {
		return false
	}
	for _, col := range columns {
		if col != customer.FieldName && !slices.Contains(schema.DirectoryColumns, col) {
			return false
		}
	}
	return true
}

// orderKey returns the sort key of a customer ordering (default: name ascending).
func orderKey(o *model.CustomerOrder) page.Key {
	field, desc := model.CustomerOrderFieldName, false
	if o != nil {
		field = o.Field
		desc = o.Direction != nil && *o.Direction == model.OrderDirectionDesc
	}
	switch field {
	case model.CustomerOrderFieldCreatedAt:
		return page.TimeKey(page.Column(customer.FieldCreatedAt), false, desc)
	case model.CustomerOrderFieldLastAdminActivity:
		return page.TimeKey(page.Column(customer.FieldLastAdminActivityAt), true, desc)
	case model.CustomerOrderFieldNextExpiry:
		return page.TimeKey(nextExpiry, true, desc)
	}
	return page.StringKey(page.Column(customer.FieldName), desc)
}

// nextExpiry is the earliest end of the customer's active subscriptions and trials.
func nextExpiry(s *sql.Selector) string {
	return fmt.Sprintf("(SELECT MIN(ne.%s) FROM %s ne WHERE ne.%s = %s AND ne.%s = '%s')",
		subscription.FieldEndsAt, subscription.Table, subscription.FieldCustomerID, s.C(customer.FieldID),
		subscription.FieldState, enum.StateActive)
}

// LicenseSummary adds up, per product, the lines of active subscriptions and trials.
func LicenseSummary(subs []*ent.Subscription, lines []*ent.License) []*model.LicenseSummary {
	active := map[int]bool{}
	for _, s := range subs {
		active[s.ID] = s.State == enum.StateActive
	}
	by := map[enum.Product]*model.LicenseSummary{}
	for _, l := range lines {
		if !active[l.SubscriptionID] {
			continue
		}
		sum := by[l.Product]
		if sum == nil {
			sum = &model.LicenseSummary{Product: l.Product}
			by[l.Product] = sum
		}
		sum.Total += l.Total
		sum.Assigned += l.Assigned
		sum.Used += l.Used
	}
	out := []*model.LicenseSummary{}
	for _, p := range enum.Product("").Values() {
		if sum := by[enum.Product(p)]; sum != nil {
			sum.Available, sum.Overage = max(0, sum.Total-sum.Assigned), max(0, sum.Assigned-sum.Total)
			out = append(out, sum)
		}
	}
	return out
}

// Select returns the subscriptions of the given kinds and states (all when empty).
func Select(subs []*ent.Subscription, kinds []enum.SubscriptionKind, states []enum.SubscriptionState) []*ent.Subscription {
	out := []*ent.Subscription{}
	for _, s := range subs {
		if (len(kinds) == 0 || slices.Contains(kinds, s.Kind)) && (len(states) == 0 || slices.Contains(states, s.State)) {
			out = append(out, s)
		}
	}
	return out
}

// LinesOf returns the lines of one subscription.
func LinesOf(lines []*ent.License, subscriptionID int) []*ent.License {
	out := []*ent.License{}
	for _, l := range lines {
		if l.SubscriptionID == subscriptionID {
			out = append(out, l)
		}
	}
	return out
}
