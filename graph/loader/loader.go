// Package loader batches the per-parent lookups of one GraphQL operation into one SQL
// statement per kind of lookup, whatever the page size (dataloader v7). Every batch query
// runs through ent, so privacy rules apply to it like to any other query. A batch reads of
// its entity the columns its GraphQL fields read (Columns, generated from the schema with
// the fields) and those it groups and picks rows by; every column when Columns does not
// know its entity.
package loader

import (
	"context"
	"slices"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
)

// Batching parameters: a short wait collects the keys of one resolver wave.
const (
	wait     = time.Millisecond
	capacity = 500
)

// Loaders are the per-operation loaders.
type Loaders struct {
	Customer       *Loader[*ent.Customer]
	Statuses       *Loader[[]enum.CustomerStatus]
	Tags           *Loader[[]*ent.Tag]
	Admins         *Loader[[]*ent.Admin]
	Subscriptions  *Loader[[]*ent.Subscription]
	Licenses       *Loader[[]*ent.License]
	Invoices       *Loader[[]*ent.Invoice]
	Orders         *Loader[[]*ent.SubscriptionOrder]
	LastWeekCounts *Loader[*ent.LicenseSnapshot]
	Partner        *Loader[*ent.Partner]
	Admin          *Loader[*ent.Admin]
	Subscription   *Loader[*ent.Subscription]
	TagCustomers   *Loader[int]
	AdminCustomers *Loader[int]
	Location       *Loader[*ent.Location]
	Locations      *Loader[[]*ent.Location]
}

// Columns holds, by entity (ent type name), the columns its GraphQL fields read; an entity
// absent from it is read whole.
type Columns map[string][]string

// of returns the columns to read of entity: its fields' and keys, or nil for every column.
func (c Columns) of(entity string, keys ...string) []string {
	cols, ok := c[entity]
	if !ok {
		return nil
	}
	out := slices.Clone(cols)
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// New returns fresh loaders over client, with now as the clock of computed values, reading
// the columns of columns.
func New(client *ent.Client, now func() time.Time, columns Columns) *Loaders {
	b := batches{client: client, now: now, columns: columns}
	return &Loaders{
		Customer:       newLoader(b.customers),
		Statuses:       newLoader(b.statuses),
		Tags:           newLoader(b.tags),
		Admins:         newLoader(b.admins),
		Subscriptions:  newLoader(b.subscriptions),
		Licenses:       newLoader(b.licenses),
		Invoices:       newLoader(b.invoices),
		Orders:         newLoader(b.orders),
		LastWeekCounts: newLoader(b.lastWeekSnapshots),
		Partner:        newLoader(b.partners),
		Admin:          newLoader(b.adminsByID),
		Subscription:   newLoader(b.subscriptionsByID),
		TagCustomers:   newLoader(b.tagCustomerCounts),
		AdminCustomers: newLoader(b.adminCustomerCounts),
		Location:       newLoader(b.locationsByID),
		Locations:      newLoader(b.locations),
	}
}

// Loader batches one kind of lookup of an operation.
type Loader[V any] struct {
	*dataloader.Loader[int, V]
	fetch func(context.Context, []int) ([]V, error)
}

func newLoader[V any](fetch func(context.Context, []int) ([]V, error)) *Loader[V] {
	// Batches look rows up by their parents' IDs, the same statements over and over.
	fetch = runPrepared(fetch)
	batch := func(ctx context.Context, keys []int) []*dataloader.Result[V] {
		values, err := fetch(ctx, keys)
		out := make([]*dataloader.Result[V], len(keys))
		for i := range keys {
			if err != nil {
				out[i] = &dataloader.Result[V]{Error: err}
			} else {
				out[i] = &dataloader.Result[V]{Data: values[i]}
			}
		}
		return out
	}
	return &Loader[V]{
		Loader: dataloader.NewBatchedLoader(batch,
			dataloader.WithWait[int, V](wait),
			dataloader.WithBatchCapacity[int, V](capacity)),
		fetch: fetch,
	}
}

func runPrepared[V any](fetch func(context.Context, []int) ([]V, error)) func(context.Context, []int) ([]V, error) {
	return func(ctx context.Context, keys []int) ([]V, error) { return fetch(prepared.Context(ctx), keys) }
}

// Prefetch looks keys up in one batch now and primes the loader with the results, so
// that later Loads of those keys never start batches of their own, however the field
// resolvers happen to be scheduled (a wait-based batch splits when the CPU is busy).
func (l *Loader[V]) Prefetch(ctx context.Context, keys []int) error {
	values, err := l.fetch(ctx, keys)
	if err != nil {
		return err
	}
	for i, k := range keys {
		l.Prime(ctx, k, values[i])
	}
	return nil
}

type ctxKey struct{}

// NewContext returns ctx carrying l.
func NewContext(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the operation in ctx.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// Load is a shorthand for loading one key and waiting for it.
func Load[V any](ctx context.Context, l *Loader[V], key int) (V, error) {
	return l.Load(ctx, key)()
}
