package loader

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/location"
)

// locationsByID loads the locations of devices and phone numbers.
func (b batches) locationsByID(ctx context.Context, ids []int) ([]*ent.Location, error) {
	rows, err := b.client.Location.Query().Where(where(location.FieldID, ids)).All(ctx)
	return wrap("locations", ids, byID(ids, rows, func(l *ent.Location) int { return l.ID }), err)
}

// locations loads customers' locations, by name.
func (b batches) locations(ctx context.Context, ids []int) ([][]*ent.Location, error) {
	rows, err := b.client.Location.Query().Where(where(location.FieldCustomerID, ids)).
		Order(ent.Asc(location.FieldName), ent.Asc(location.FieldID)).All(ctx)
	return wrap("locations", ids, grouped(ids, rows, func(l *ent.Location) int { return l.CustomerID }), err)
}
