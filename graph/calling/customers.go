package calling

import (
	"context"
	"encoding/json"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// CustomerRow is one customer's figures in the week analysed and the week before.
type CustomerRow struct {
	*Figures
	Customer *ent.Customer
	prev     *Figures
}

// CallsChange is calls minus the week before's.
func (r *CustomerRow) CallsChange() int { return r.Calls() - r.prev.Calls() }

// LegsChange is legs minus the week before's.
func (r *CustomerRow) LegsChange() int { return r.Legs() - r.prev.Legs() }

// MinutesChange is minutes minus the week before's.
func (r *CustomerRow) MinutesChange() float64 { return r.Minutes() - r.prev.Minutes() }

// ActiveUsersChange is active users minus the week before's.
func (r *CustomerRow) ActiveUsersChange() int { return r.ActiveUsers() - r.prev.ActiveUsers() }

// PoorLegsChange is poor legs minus the week before's.
func (r *CustomerRow) PoorLegsChange() int { return r.PoorLegs() - r.prev.PoorLegs() }

// RowConnection is a page of customer rows.
type RowConnection = page.Connection[*CustomerRow]

// RowEdge is a customer row with its cursor.
type RowEdge = page.Edge[*CustomerRow]

// CustomerUsage pages through the usage of the customers in scope; by default the most
// calls first.
func (a *Analytics) CustomerUsage(ctx context.Context, first *int, after *page.Cursor, last *int, before *page.Cursor, orderBy *model.CallingUsageOrder) (*RowConnection, error) {
	key := a.weekKey(callingweek.FieldCalls, true)
	if orderBy != nil {
		desc := isDesc(orderBy.Direction)
		key = map[model.CallingUsageOrderField]rowKey{
			model.CallingUsageOrderFieldCustomerName: nameKey(desc),
			model.CallingUsageOrderFieldCalls:        a.weekKey(callingweek.FieldCalls, desc),
			model.CallingUsageOrderFieldLegs:         a.weekKey(callingweek.FieldLegs, desc),
			model.CallingUsageOrderFieldMinutes:      a.weekKey(callingweek.FieldSeconds, desc),
			model.CallingUsageOrderFieldVideoMinutes: a.weekKey(callingweek.FieldVideoSeconds, desc),
			model.CallingUsageOrderFieldActiveUsers:  a.weekKey(callingweek.FieldUsers, desc),
		}[orderBy.Field]
	}
	return a.customers(ctx, "usage", page.Args{First: first, After: after, Last: last, Before: before}, orderBy, key, false)
}

// CustomerQuality pages through the quality of the customers in scope; by default the
// most poor legs first.
func (a *Analytics) CustomerQuality(ctx context.Context, first *int, after *page.Cursor, last *int, before *page.Cursor, orderBy *model.CallQualityOrder) (*RowConnection, error) {
	key := a.weekKey(callingweek.FieldPoorLegs, true)
	if orderBy != nil {
		desc := isDesc(orderBy.Direction)
		key = map[model.CallQualityOrderField]rowKey{
			model.CallQualityOrderFieldCustomerName: nameKey(desc),
			model.CallQualityOrderFieldLegs:         a.weekKey(callingweek.FieldLegs, desc),
			model.CallQualityOrderFieldMeasuredLegs: a.weekKey(callingweek.FieldMeasuredLegs, desc),
			model.CallQualityOrderFieldPoorLegs:     a.weekKey(callingweek.FieldPoorLegs, desc),
		}[orderBy.Field]
	}
	return a.customers(ctx, "quality", page.Args{First: first, After: after, Last: last, Before: before}, orderBy, key, false)
}

// CustomerQueues pages through the queue figures of the customers in scope that have a
// call queue; by default the most queue calls first.
func (a *Analytics) CustomerQueues(ctx context.Context, first *int, after *page.Cursor, last *int, before *page.Cursor, orderBy *model.QueueInsightsOrder) (*RowConnection, error) {
	key := a.weekKey(callingweek.FieldQueueLegs, true)
	if orderBy != nil {
		desc := isDesc(orderBy.Direction)
		key = map[model.QueueInsightsOrderField]rowKey{
			model.QueueInsightsOrderFieldCustomerName: nameKey(desc),
			model.QueueInsightsOrderFieldQueueCalls:   a.weekKey(callingweek.FieldQueueLegs, desc),
			model.QueueInsightsOrderFieldAbandoned:    a.weekKey(callingweek.FieldAbandoned, desc),
		}[orderBy.Field]
	}
	return a.customers(ctx, "queues", page.Args{First: first, After: after, Last: last, Before: before}, orderBy, key, true)
}

func isDesc(d *model.OrderDirection) bool { return d != nil && *d == model.OrderDirectionDesc }

// rowKey is an order of the customer rows: a page key, or (col set) a figure of the week
// analysed, the week rollup column col.
type rowKey struct {
	page.Key
	col  string
	desc bool
}

// nameKey orders customers by name.
func nameKey(desc bool) rowKey {
	return rowKey{Key: page.StringKey(page.Column(customer.FieldName), desc)}
}

// weekKey orders customers by the week rollup column col of the week analysed (0 for the
// customers without a row).
func (a *Analytics) weekKey(col string, desc bool) rowKey { return rowKey{col: col, desc: desc} }

// customers returns a page of the customers in scope ordered by key, with their figures,
// cached under the table's name, paging arguments and order.
func (a *Analytics) customers(ctx context.Context, table string, args page.Args, order any, key rowKey, queues bool) (*RowConnection, error) {
	raw, err := json.Marshal(struct {
		Args  page.Args
		Order any
	}{args, order})
	if err != nil {
		return nil, fmt.Errorf("key of %s rows: %w", table, err)
	}
	v, err := a.cache(ctx, fmt.Sprintf("calling|%d|%s|%s", a.week, table, raw), func(ctx context.Context) (any, error) {
		return a.paginate(ctx, table, args, key, queues)
	})
	if err != nil {
		return nil, err
	}
	return v.(*RowConnection), nil
}

// paginate pages through the IDs of the customers in scope (reading the scope's index
// alone where it can), then loads the page's customers and their figures.
func (a *Analytics) paginate(ctx context.Context, table string, args page.Args, key rowKey, queues bool) (*RowConnection, error) {
	where := func(s *sql.Selector) { s.Where(a.scope(s.Table(), queues)) }
	fetch := func(ctx context.Context, m func(*sql.Selector), limit int, part func(*sql.Selector)) ([]*ent.Customer, error) {
		return a.client.Customer.Query().Where(where).Limit(limit).Modify(func(s *sql.Selector) {
			s.Select(s.C(customer.FieldID))
			part(s)
		}).Modify(m).All(ctx)
	}
	src := page.Source[*ent.Customer]{
		Key: key.Key,
		Fetch: func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Customer, error) {
			return fetch(ctx, m, limit, func(*sql.Selector) {})
		},
		Count: func(ctx context.Context) (int, error) {
			// The usage and quality tables count the same customers: one count serves both.
			v, err := a.cache(ctx, fmt.Sprintf("calling|count|%t", queues), func(ctx context.Context) (any, error) {
				return a.client.Customer.Query().Where(where).Count(ctx)
			})
			if err != nil {
				return 0, err
			}
			return v.(int), nil
		},
		ID:    func(c *ent.Customer) int { return c.ID },
		Value: func(c *ent.Customer) (any, error) { return c.Value(page.KeyColumn) },
	}
	if key.col != "" {
		src.Key, src.Fetch = a.weekOrder(key.col, key.desc, args.Backwards(), fetch)
	}
	conn, err := page.Paginate(ctx, src, args)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	sums := map[sumKey]*Figures{}
	loaded := map[int]*ent.Customer{}
	if len(ids) > 0 {
		if sums, err = a.sums(ctx, a.week-7, ids, AllCounters); err != nil {
			return nil, err
		}
		cs, err := a.client.Customer.Query().Where(customer.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load the page's customers: %w", err)
		}
		for _, c := range cs {
			loaded[c.ID] = c
		}
	}
	return page.Map(conn, func(c *ent.Customer) *CustomerRow {
		return &CustomerRow{Figures: sums[sumKey{c.ID, a.week}], Customer: loaded[c.ID], prev: sums[sumKey{c.ID, a.week - 7}]}
	}), nil
}

// weekOrder returns the key and the fetch of the order by the week rollup column col of
// the week analysed, read in two parts: the customers whose figure is positive, from the
// week rollups' index on (partner, week, col), and the others, whose figure is 0 (counters
// are never negative), by ID. The page takes the part that comes first in its direction,
// then the other while it has room: a first page by the most calls reads a few index rows
// instead of sorting every customer in scope. Each part reads with fetch, its selector
// changed by the part's function.
func (a *Analytics) weekOrder(col string, desc, backwards bool, fetch func(context.Context, func(*sql.Selector), int, func(*sql.Selector)) ([]*ent.Customer, error)) (page.Key, func(context.Context, func(*sql.Selector), int) ([]*ent.Customer, error)) {
	const alias = "wk"
	// zero is set while the part of the zero figures is built: its sort value is 0.
	zero := false
	key := page.IntKey(func(s *sql.Selector) string {
		if zero {
			return "CAST(0 AS BIGINT)"
		}
		return sql.Dialect(s.Dialect()).Table(alias).C(col)
	}, desc)
	positive := func(s *sql.Selector, wk *sql.SelectTable) *sql.Predicate {
		return sql.And(sql.ColumnsEQ(s.C(customer.FieldID), wk.C(callingweek.FieldCustomerID)),
			sql.EQ(wk.C(callingweek.FieldPartnerID), a.partnerID), sql.EQ(wk.C(callingweek.FieldWeek), int(a.week)), sql.GT(wk.C(col), 0))
	}
	parts := []func(*sql.Selector){
		func(s *sql.Selector) {
			wk := sql.Dialect(s.Dialect()).Table(callingweek.Table).As(alias)
			s.Join(wk).OnP(positive(s, wk))
		},
		func(s *sql.Selector) {
			wk := sql.Dialect(s.Dialect()).Table(callingweek.Table).As(alias)
			s.Where(sql.Not(sql.Exists(sql.Select(wk.C(callingweek.FieldID)).From(wk).Where(positive(s, wk)))))
		},
	}
	zeroFirst := desc == backwards
	if zeroFirst {
		parts[0], parts[1] = parts[1], parts[0]
	}
	return key, func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Customer, error) {
		var out []*ent.Customer
		for i, part := range parts {
			zero = (i == 0) == zeroFirst
			rows, err := fetch(ctx, m, limit-len(out), part)
			if err != nil {
				return nil, err
			}
			if out = append(out, rows...); len(out) == limit {
				break
			}
		}
		return out, nil
	}
}
