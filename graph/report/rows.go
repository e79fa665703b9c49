package report

import (
	"cmp"
	"context"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
	"github.com/partnerhub/partnerhub-api/ent/predicate"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// Rows are read in batches, so memory holds one batch whatever the report's size.
const (
	customerBatch  = 500
	inventoryBatch = 2000
)

// query is what a report lists: every query runs as the report's creator (ctx's viewer),
// so privacy rules leave out what they cannot read.
type query struct {
	c        *ent.Client
	kind     enum.ReportKind
	region   enum.Region
	from, to time.Time
}

// each calls emit with every row of the report, in order.
func (q query) each(ctx context.Context, emit func(*row) error) error {
	switch q.kind {
	case enum.ReportCallingUsage:
		return q.usage(ctx, emit)
	case enum.ReportDevices:
		return inventory(ctx, q, func(after int) ([]*ent.Device, error) {
			return q.c.Device.Query().Where(device.IDGT(after), device.HasCustomerWith(customer.RegionEQ(q.region))).
				Order(ent.Asc(device.FieldID)).Limit(inventoryBatch).All(ctx)
		}, func(d *ent.Device) (int, int, *int) { return d.ID, d.CustomerID, d.LocationID }, func(r *row, d *ent.Device) { r.device = d }, emit)
	default:
		return inventory(ctx, q, func(after int) ([]*ent.PhoneNumber, error) {
			return q.c.PhoneNumber.Query().Where(phonenumber.IDGT(after), phonenumber.HasCustomerWith(customer.RegionEQ(q.region))).
				Order(ent.Asc(phonenumber.FieldID)).Limit(inventoryBatch).All(ctx)
		}, func(n *ent.PhoneNumber) (int, int, *int) { return n.ID, n.CustomerID, n.LocationID }, func(r *row, n *ent.PhoneNumber) { r.number = n }, emit)
	}
}

// usage lists, customer by customer (by name) and location by location (by name), the
// calling figures of the days from..to; only customers the calling analytics cover.
func (q query) usage(ctx context.Context, emit func(*row) error) error {
	v := viewer.FromContext(ctx)
	a, err := calling.New(ctx, q.c, calling.ThresholdsOf(v.Settings), q.to, &q.region, nil, nil)
	if err != nil {
		return err
	}
	var last *ent.Customer
	for {
		where := []predicate.Customer{customer.RegionEQ(q.region), func(s *sql.Selector) { a.InScope(s, customer.FieldID) }}
		if last != nil {
			// A row-value comparison lets the name index start at the last row read.
			name, id := last.Name, last.ID
			where = append(where, func(s *sql.Selector) {
				s.Where(sql.P(func(b *sql.Builder) {
					b.WriteString("(" + s.C(customer.FieldName) + ", " + s.C(customer.FieldID) + ") > (").Arg(name).Comma().Arg(id).WriteString(")")
				}))
			})
		}
		cs, err := q.c.Customer.Query().Where(where...).Order(ent.Asc(customer.FieldName), ent.Asc(customer.FieldID)).Limit(customerBatch).All(ctx)
		if err != nil || len(cs) == 0 {
			return err
		}
		last = cs[len(cs)-1]
		ids := make([]int, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		figures, err := calling.LocationFigures(ctx, q.c, ids, calling.DayOf(q.from), calling.DayOf(q.to))
		if err != nil {
			return err
		}
		var locIDs []int
		for k := range figures {
			locIDs = append(locIDs, k.Location)
		}
		locs, err := locationsByID(ctx, q.c, locIDs)
		if err != nil {
			return err
		}
		for _, c := range cs {
			var rows []*row
			for k, f := range figures {
				if k.Customer == c.ID {
					rows = append(rows, &row{customer: c, location: locs[k.Location], usage: f})
				}
			}
			slices.SortFunc(rows, func(a, b *row) int {
				return cmp.Or(cmp.Compare(locationName(a), locationName(b)), cmp.Compare(locationID(a), locationID(b)))
			})
			for _, r := range rows {
				if err := emit(r); err != nil {
					return err
				}
			}
		}
	}
}

// inventory lists devices or numbers batch by batch in the order they were added, each with
// its customer and location; fetch reads the batch after an ID, ids tells an item's own,
// customer and location IDs, and set puts it in its row.
func inventory[T any](ctx context.Context, q query, fetch func(after int) ([]T, error), ids func(T) (int, int, *int), set func(*row, T), emit func(*row) error) error {
	after := 0
	for {
		items, err := fetch(after)
		if err != nil || len(items) == 0 {
			return err
		}
		var custIDs, locIDs []int
		for _, it := range items {
			_, c, l := ids(it)
			custIDs = append(custIDs, c)
			if l != nil {
				locIDs = append(locIDs, *l)
			}
		}
		cs, err := q.c.Customer.Query().Where(customer.IDIn(custIDs...)).All(ctx)
		if err != nil {
			return err
		}
		custs := map[int]*ent.Customer{}
		for _, c := range cs {
			custs[c.ID] = c
		}
		locs, err := locationsByID(ctx, q.c, locIDs)
		if err != nil {
			return err
		}
		for _, it := range items {
			id, c, l := ids(it)
			after = id
			if custs[c] == nil { // its customer became invisible between the two reads
				continue
			}
			r := &row{customer: custs[c]}
			if l != nil {
				r.location = locs[*l]
			}
			set(r, it)
			if err := emit(r); err != nil {
				return err
			}
		}
	}
}

func locationsByID(ctx context.Context, c *ent.Client, ids []int) (map[int]*ent.Location, error) {
	out := map[int]*ent.Location{}
	if len(ids) == 0 {
		return out, nil
	}
	ls, err := c.Location.Query().Where(location.IDIn(ids...)).All(ctx)
	for _, l := range ls {
		out[l.ID] = l
	}
	return out, err
}
