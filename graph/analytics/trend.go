package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensetrendweek"
	"github.com/partnerhub/partnerhub-api/ent/licenseweek"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// The license distribution trend (package facts states its rule) reads the current week
// from the lines as they are now and each earlier week from the sums kept per customer
// (LicenseWeek), computing the weeks nobody asked of the partner before (facts.Weeks).

// weekRow is a week's sums.
type weekRow struct {
	Week     anyTime `json:"week_start"`
	Total    int64   `json:"total"`
	Assigned int64   `json:"assigned"`
	Used     int64   `json:"used"`
}

// trendRows returns the sums of the weeks from first to current that have lines. A viewer
// of every customer, of all regions, reads the earlier weeks' sums over the partner.
func (a *Subscriptions) trendRows(ctx context.Context, first, current time.Time) ([]weekRow, error) {
	partner, err := a.markWeeks(ctx, first, current)
	if err != nil {
		return nil, err
	}
	// sums selects the sums of s's rows, whose customer column is customer_id.
	sums := func(s *sql.Selector, week ...string) {
		a.inRegion(s, s.C(licenseweek.FieldCustomerID))
		s.Select(append(week, figure(s, "total"), figure(s, "assigned"), figure(s, "used"))...)
	}
	rows := partner
	if partner == nil {
		err = a.client.LicenseWeek.Query().Where(licenseweek.ProductEQ(a.product), licenseweek.WeekStartGTE(first), licenseweek.WeekStartLT(current)).
			Modify(func(s *sql.Selector) {
				sums(s, sql.As(s.C(licenseweek.FieldWeekStart), "week_start"))
				s.GroupBy(s.C(licenseweek.FieldWeekStart))
			}).Scan(ctx, &rows)
	}
	if err != nil {
		return nil, fmt.Errorf("license trend: %w", err)
	}
	var now []weekRow
	err = a.client.License.Query().Where(license.ProductEQ(a.product), license.Active(true)).
		Modify(func(s *sql.Selector) { sums(s) }).Scan(ctx, &now)
	if err != nil {
		return nil, fmt.Errorf("license trend of the current week: %w", err)
	}
	for _, r := range now {
		r.Week = anyTime(current)
		rows = append(rows, r)
	}
	return rows, nil
}

// figure is the sum of col, as col.
func figure(s *sql.Selector, col string) string {
	return sql.As("COALESCE(SUM("+s.C(col)+"), 0)", col)
}

// inRegion limits s, whose customer column is col, to the customers of the region, if any.
func (a *Subscriptions) inRegion(s *sql.Selector, col string) {
	if a.region == nil {
		return
	}
	c := sql.Table(customer.Table)
	s.Where(sql.In(col, sql.Select(c.C(customer.FieldID)).From(c).Where(sql.EQ(c.C(customer.FieldRegion), *a.region))))
}

// markWeeks makes sure that the weeks from first to before current have their sums: the
// weeks not marked yet are marked and computed for every customer, in one transaction. It
// returns the weeks' sums over the partner when the viewer sees every customer and all
// regions, else nil.
func (a *Subscriptions) markWeeks(ctx context.Context, first, current time.Time) ([]weekRow, error) {
	var past []time.Time
	for w := first; w.Before(current); w = w.AddDate(0, 0, 7) {
		past = append(past, w)
	}
	if len(past) == 0 {
		return nil, nil
	}
	v := viewer.FromContext(ctx)
	whole := v.SeesAllCustomers() && a.region == nil
	var dialect string
	read := func() ([]weekRow, error) {
		var rows []weekRow
		err := a.client.LicenseTrendWeek.Query().Where(licensetrendweek.ProductEQ(a.product),
			licensetrendweek.WeekStartGTE(first), licensetrendweek.WeekStartLT(current),
			func(s *sql.Selector) { dialect = s.Dialect() }).
			Select(licensetrendweek.FieldWeekStart, licensetrendweek.FieldTotal, licensetrendweek.FieldAssigned, licensetrendweek.FieldUsed).
			Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("read the trend's weeks: %w", err)
		}
		return rows, nil
	}
	rows, err := read()
	if err != nil || len(rows) == len(past) {
		if !whole {
			rows = nil
		}
		return rows, err
	}
	// The weeks are computed once for every reader of the partner, which wait for it: past
	// the deadline of the request that began it, so that a slow first time ends too.
	wctx := context.WithoutCancel(ctx)
	tx, err := a.client.Tx(wctx)
	if err != nil {
		return nil, fmt.Errorf("begin the trend's weeks: %w", err)
	}
	// The weeks before the first that a trend can ask at this clock are dropped.
	since := current.AddDate(0, 0, -7*(limit.TrendWeeks-1))
	if err := facts.Weeks(wctx, tx, dialect, v.PartnerID, a.product, past, since); err != nil {
		return nil, errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit the trend's weeks: %w", err)
	}
	if !whole {
		return nil, nil
	}
	return read()
}
