package graph

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
	"github.com/partnerhub/partnerhub-api/ent/report"
	"github.com/partnerhub/partnerhub-api/ent/reportschedule"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/loader"
)

// maxNodes bounds nodes(ids:).
const maxNodes = 100

// nodeLoader loads the visible rows of one Node type by row ID, in any order.
type nodeLoader func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error)

// nodeLoaders maps each GraphQL Node type to how its rows are loaded; privacy rules
// filter the queries, so invisible rows come back missing, as if they did not exist.
var nodeLoaders = map[string]nodeLoader{
	"Admin": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Admin.Query().Where(admin.IDIn(ids...)).All(ctx))
	},
	"Partner": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Partner.Query().Where(partner.IDIn(ids...)).All(ctx))
	},
	"Customer": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Customer.Query().Where(customer.IDIn(ids...)).All(ctx))
	},
	"Subscription": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Subscription.Query().Where(subscription.IDIn(ids...)).All(ctx))
	},
	"License": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.License.Query().Where(license.IDIn(ids...)).All(ctx))
	},
	"Tag": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Tag.Query().Where(tag.IDIn(ids...)).All(ctx))
	},
	"Location": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Location.Query().Where(location.IDIn(ids...)).All(ctx))
	},
	"Device": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.Device.Query().Where(device.IDIn(ids...)).All(ctx))
	},
	"PhoneNumber": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		return asNoders(c.PhoneNumber.Query().Where(phonenumber.IDIn(ids...)).All(ctx))
	},
	// Reports need the reports scope: without it they are missing, like invisible rows.
	"Report": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		if !viewer.FromContext(ctx).CanReport() {
			return nil, nil
		}
		return asNoders(c.Report.Query().Where(report.IDIn(ids...)).All(ctx))
	},
	"ReportSchedule": func(ctx context.Context, c *ent.Client, ids []int) ([]ent.Noder, error) {
		if !viewer.FromContext(ctx).CanReport() {
			return nil, nil
		}
		return asNoders(c.ReportSchedule.Query().Where(reportschedule.IDIn(ids...)).All(ctx))
	},
}

func asNoders[T ent.Noder](rows []T, err error) ([]ent.Noder, error) {
	if err != nil {
		return nil, err
	}
	out := make([]ent.Noder, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

// loadNodes resolves global IDs to visible objects, in the order given, nil for each that
// is malformed, missing or invisible; one query per type present.
func loadNodes(ctx context.Context, c *ent.Client, ids []string) ([]ent.Noder, error) {
	if len(ids) > maxNodes {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "nodes takes at most %d IDs, got %d", maxNodes, len(ids))
	}
	byType := map[string][]int{}
	for _, s := range ids {
		if typ, id, err := gid.Decode(s); err == nil && nodeLoaders[typ] != nil {
			byType[typ] = append(byType[typ], id)
		}
	}
	found := map[string]ent.Noder{} // by canonical global ID
	for typ, rowIDs := range byType {
		rows, err := nodeLoaders[typ](ctx, c, rowIDs)
		if err != nil {
			return nil, err
		}
		for _, n := range rows {
			found[n.GlobalID()] = n
		}
	}
	out := make([]ent.Noder, len(ids))
	for i, s := range ids {
		if typ, id, err := gid.Decode(s); err == nil {
			out[i] = found[gid.Encode(typ, id)]
		}
	}
	return out, nil
}

// optionalLocation loads the location of a device or phone number, nil when it has none.
func optionalLocation(ctx context.Context, id *int) (*ent.Location, error) {
	if id == nil {
		return nil, nil
	}
	return loader.Load(ctx, loader.For(ctx).Location, *id)
}
