package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// Subscriptions is the subscription analytics of one product for one viewer.
type Subscriptions struct {
	client   *ent.Client
	env      filter.Env
	product  enum.Product
	region   *enum.Region
	sections map[sectionKind]*Section
	cache    CacheFunc
}

// CacheFunc returns the cached result of key, computing it when missing.
type CacheFunc func(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error)

// NewSubscriptions returns the analytics of product, optionally limited to region; section
// figures go through cache. It is ErrForbidden for a viewer who may not read analytics.
func NewSubscriptions(ctx context.Context, c *ent.Client, env filter.Env, product model.AnalyticsProduct, region *enum.Region, cache CacheFunc) (*Subscriptions, error) {
	if err := Allowed(ctx); err != nil {
		return nil, err
	}
	a := &Subscriptions{client: c, env: env, product: enum.Product(product), region: region, sections: map[sectionKind]*Section{}, cache: cache}
	for _, k := range []sectionKind{recentlyAdded, expiring, renewing, lowAssignment, overage} {
		a.sections[k] = &Section{kind: k, a: a}
	}
	return a, nil
}

// Product is the product analysed.
func (a *Subscriptions) Product() model.AnalyticsProduct { return model.AnalyticsProduct(a.product) }

// Region is the region the analytics are limited to, if any.
func (a *Subscriptions) Region() *enum.Region { return a.region }

// RecentlyAdded is the recently-added section.
func (a *Subscriptions) RecentlyAdded() *Section { return a.sections[recentlyAdded] }

// Expiring is the expiring section.
func (a *Subscriptions) Expiring() *Section { return a.sections[expiring] }

// Renewing is the renewing section.
func (a *Subscriptions) Renewing() *Section { return a.sections[renewing] }

// LowAssignment is the low-assignment section.
func (a *Subscriptions) LowAssignment() *Section { return a.sections[lowAssignment] }

// Overage is the over-license-limit section.
func (a *Subscriptions) Overage() *Section { return a.sections[overage] }

// Regions lists the regions that hold customers the viewer can see, in a fixed order.
func (a *Subscriptions) Regions(ctx context.Context) ([]enum.Region, error) {
	return Regions(ctx, a.client)
}

// Regions lists the regions that hold customers the viewer can see, in a fixed order.
func Regions(ctx context.Context, c *ent.Client) ([]enum.Region, error) {
	out := []enum.Region{}
	// One probe of the region index per region, rather than reading every customer.
	for _, r := range enum.Region("").Values() {
		found, err := c.Customer.Query().Where(customer.RegionEQ(enum.Region(r))).Exist(ctx)
		if err != nil {
			return nil, fmt.Errorf("list regions: %w", err)
		}
		if found {
			out = append(out, enum.Region(r))
		}
	}
	return out, nil
}

// LicenseTrend is the product's license distribution over the last weeks weeks, cached
// like the sections' figures: one point per week, the current week last (trend).
func (a *Subscriptions) LicenseTrend(ctx context.Context, weeks int) ([]*model.LicenseTrendPoint, error) {
	if err := limit.Weeks(weeks); err != nil {
		return nil, err
	}
	v, err := a.cache(ctx, fmt.Sprintf("trend|%d", weeks), func(ctx context.Context) (any, error) {
		return a.computeTrend(ctx, weeks)
	})
	if err != nil {
		return nil, err
	}
	return v.([]*model.LicenseTrendPoint), nil
}

// computeTrend reads every week's sums (trendRows).
func (a *Subscriptions) computeTrend(ctx context.Context, weeks int) ([]*model.LicenseTrendPoint, error) {
	current := week.Start(a.env.Rules.Now)
	first := current.AddDate(0, 0, -7*(weeks-1))
	rows, err := a.trendRows(ctx, first, current)
	if err != nil {
		return nil, err
	}
	byWeek := map[time.Time]*model.LicenseTrendPoint{}
	for _, r := range rows {
		byWeek[time.Time(r.Week).UTC()] = &model.LicenseTrendPoint{WeekStart: time.Time(r.Week).UTC(), Total: int(r.Total), Assigned: int(r.Assigned), Used: int(r.Used)}
	}
	out := make([]*model.LicenseTrendPoint, weeks)
	for i := range out {
		w := first.AddDate(0, 0, 7*i)
		if p := byWeek[w]; p != nil {
			out[i] = p
		} else {
			out[i] = &model.LicenseTrendPoint{WeekStart: w}
		}
	}
	return out, nil
}

// anyTime scans a time however the database returns it.
type anyTime time.Time

// Scan implements sql.Scanner.
func (t *anyTime) Scan(v any) error {
	parsed, err := page.ToTime(v)
	*t = anyTime(parsed)
	return err
}
