// Package loader batches the per-parent lookups of one GraphQL operation into one SQL
// statement per kind of lookup, whatever the page size (dataloader v7). Every batch query
// runs through ent, so privacy rules apply to it like to any other query.
package loader

import (
	"context"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// Batching parameters: a short wait collects the keys of one resolver wave.
const (
	wait     = time.Millisecond
	capacity = 500
)

// Loaders are the per-operation loaders.
type Loaders struct {
	Customer       *dataloader.Loader[int, *ent.Customer]
	Statuses       *dataloader.Loader[int, []enum.CustomerStatus]
	Tags           *dataloader.Loader[int, []*ent.Tag]
	Admins         *dataloader.Loader[int, []*ent.Admin]
	Subscriptions  *dataloader.Loader[int, []*ent.Subscription]
	Licenses       *dataloader.Loader[int, []*ent.License]
	Invoices       *dataloader.Loader[int, []*ent.Invoice]
	Orders         *dataloader.Loader[int, []*ent.SubscriptionOrder]
	LastWeekCounts *dataloader.Loader[int, *ent.LicenseSnapshot]
	Partner        *dataloader.Loader[int, *ent.Partner]
	Admin          *dataloader.Loader[int, *ent.Admin]
	Subscription   *dataloader.Loader[int, *ent.Subscription]
	TagCustomers   *dataloader.Loader[int, int]
}

// New returns fresh loaders over client, with now as the clock of computed values.
func New(client *ent.Client, now func() time.Time) *Loaders {
	b := batches{client: client, now: now}
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
	}
}

func newLoader[V any](fn func(context.Context, []int) ([]V, error)) *dataloader.Loader[int, V] {
	batch := func(ctx context.Context, keys []int) []*dataloader.Result[V] {
		values, err := fn(ctx, keys)
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
	return dataloader.NewBatchedLoader(batch,
		dataloader.WithWait[int, V](wait),
		dataloader.WithBatchCapacity[int, V](capacity))
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
func Load[V any](ctx context.Context, l *dataloader.Loader[int, V], key int) (V, error) {
	return l.Load(ctx, key)()
}

// Start begins loading keys as one batch, dispatched at once rather than after the wait.
// (LoadMany enqueues each key from a goroutine of its own; on a busy machine some miss
// the batch, which costs extra statements.)
func Start[V any](ctx context.Context, l *dataloader.Loader[int, V], keys []int) {
	for _, k := range keys {
		l.Load(ctx, k)
	}
	l.Flush()
}
