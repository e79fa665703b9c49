package listing

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// Devices lists a customer's devices in the order they were added.
func Devices(ctx context.Context, c *ent.Client, customerID int, args page.Args) (*page.Connection[*ent.Device], error) {
	q := func() *ent.DeviceQuery { return c.Device.Query().Where(device.CustomerID(customerID)) }
	return page.Paginate(ctx, source(page.IDKey(false), func(d *ent.Device) int { return d.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Device, error) {
			return q().Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return q().Count(ctx) }), args)
}

// PhoneNumbers lists a customer's phone numbers in the order they were added.
func PhoneNumbers(ctx context.Context, c *ent.Client, customerID int, args page.Args) (*page.Connection[*ent.PhoneNumber], error) {
	q := func() *ent.PhoneNumberQuery { return c.PhoneNumber.Query().Where(phonenumber.CustomerID(customerID)) }
	return page.Paginate(ctx, source(page.IDKey(false), func(n *ent.PhoneNumber) int { return n.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.PhoneNumber, error) {
			return q().Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return q().Count(ctx) }), args)
}
