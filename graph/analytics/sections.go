package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/predicate"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// sectionKind names a section of the subscription analytics.
type sectionKind int

const (
	recentlyAdded sectionKind = iota
	expiring
	renewing
	lowAssignment
	overage
)

// Section is one section of the subscription analytics: a set of license lines of the
// product, with its KPIs and its rows.
type Section struct {
	kind sectionKind
	a    *Subscriptions
}

// totals are the section's aggregates, computed once in one statement.
type totals struct {
	Customers int64 `json:"customers"`
	Total     int64 `json:"total"`
	Assigned  int64 `json:"assigned"`
	Used      int64 `json:"used"`
	Overage   int64 `json:"overage"`
}

// lineConditions are the conditions on a section's lines, over the license lines of alias
// t: each reads facts kept on the line at write time, not its subscription.
func (s *Section) lineConditions(t *sql.SelectTable) []*sql.Predicate {
	r, now := s.a.env.Rules, s.a.env.Rules.Now
	product := sql.EQ(t.C(license.FieldProduct), s.a.product)
	switch s.kind {
	case recentlyAdded:
		// Every subscription and trial added in the window, whatever its state now.
		return []*sql.Predicate{product,
			sql.GTE(t.C(license.FieldStartedAt), now.Add(-days(r.Settings.RecentDays))),
			sql.LTE(t.C(license.FieldStartedAt), now)}
	case expiring:
		return append(r.ExpiringLine(t), product)
	case renewing:
		return append(r.RenewingLine(t), product)
	case lowAssignment:
		return r.LowLineOf(t, s.a.env.PartnerID, s.a.product)
	default:
		return append(status.OverLimitLine(t), product)
	}
}

// lines is the predicate selecting the section's lines, in the viewer's region choice.
func (s *Section) lines() predicate.License {
	return func(sel *sql.Selector) {
		// The partner condition repeats the tenant filter of sel, so the database reads
		// the partner's lines from the indexes that lead with it.
		t := sql.Table(license.Table)
		sel.Where(sql.And(append(s.lineConditions(t), sql.EQ(t.C(license.FieldPartnerID), s.a.env.PartnerID))...))
		if s.a.region != nil {
			c := sql.Table(customer.Table)
			sel.Where(sql.In(sel.C(license.FieldCustomerID),
				sql.Select(c.C(customer.FieldID)).From(c).Where(sql.EQ(c.C(customer.FieldRegion), *s.a.region))))
		}
	}
}

// sums returns the section's aggregates over the visible lines, cached.
func (s *Section) sums(ctx context.Context) (*totals, error) {
	v, err := s.a.cache(ctx, fmt.Sprintf("section%d", s.kind), func(ctx context.Context) (any, error) { return s.computeSums(ctx) })
	if err != nil {
		return nil, err
	}
	return v.(*totals), nil
}

// computeSums computes the section's aggregates in one statement.
func (s *Section) computeSums(ctx context.Context) (*totals, error) {
	var rows []totals
	err := s.a.client.License.Query().Where(s.lines()).Modify(func(sel *sql.Selector) {
		col := func(c string) string { return sel.C(c) }
		sel.Select(
			sql.As(fmt.Sprintf("COUNT(DISTINCT %s)", col(license.FieldCustomerID)), "customers"),
			sql.As(fmt.Sprintf("COALESCE(SUM(%s), 0)", col(license.FieldTotal)), "total"),
			sql.As(fmt.Sprintf("COALESCE(SUM(%s), 0)", col(license.FieldAssigned)), "assigned"),
			sql.As(fmt.Sprintf("COALESCE(SUM(%s), 0)", col(license.FieldUsed)), "used"),
			sql.As(fmt.Sprintf("COALESCE(SUM(CASE WHEN %[1]s > %[2]s THEN %[1]s - %[2]s ELSE 0 END), 0)", col(license.FieldAssigned), col(license.FieldTotal)), "overage"),
		)
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("sum analytics section: %w", err)
	}
	if len(rows) == 1 {
		return &rows[0], nil
	}
	return &totals{}, nil
}

// Customers counts the customers with a line in the section.
func (s *Section) Customers(ctx context.Context) (int, error) {
	t, err := s.sums(ctx)
	return int(t.Customers), err
}

// TotalLicenses sums the lines' purchased licenses.
func (s *Section) TotalLicenses(ctx context.Context) (int, error) {
	t, err := s.sums(ctx)
	return int(t.Total), err
}

// LicenseAssignment is Σassigned / Σtotal.
func (s *Section) LicenseAssignment(ctx context.Context) (*model.Ratio, error) {
	t, err := s.sums(ctx)
	return Ratio(t.Assigned, t.Total), err
}

// LicenseUsage is Σused / Σtotal.
func (s *Section) LicenseUsage(ctx context.Context) (*model.Ratio, error) {
	t, err := s.sums(ctx)
	return Ratio(t.Used, t.Total), err
}

// UsageWhenAssigned is Σused / Σassigned.
func (s *Section) UsageWhenAssigned(ctx context.Context) (*model.Ratio, error) {
	t, err := s.sums(ctx)
	return Ratio(t.Used, t.Assigned), err
}

// TotalUnassigned is Σ(total − assigned).
func (s *Section) TotalUnassigned(ctx context.Context) (int, error) {
	t, err := s.sums(ctx)
	return int(t.Total - t.Assigned), err
}

// TotalOverage is Σmax(0, assigned − total).
func (s *Section) TotalOverage(ctx context.Context) (int, error) {
	t, err := s.sums(ctx)
	return int(t.Overage), err
}

// AverageOverage is total overage / customers with overage.
func (s *Section) AverageOverage(ctx context.Context) (*model.Ratio, error) {
	t, err := s.sums(ctx)
	return Ratio(t.Overage, t.Customers), err
}

// Ratio is n / d as the API gives fractions: its parts, and no value when d is 0.
func Ratio(n, d int64) *model.Ratio {
	r := &model.Ratio{Numerator: float64(n), Denominator: float64(d)}
	if d != 0 {
		v := float64(n) / float64(d)
		r.Ratio = &v
	}
	return r
}

// Rows pages through the section's lines. Pages and the total count are cached like the
// section's figures, each page under its ordering and paging arguments.
func (s *Section) Rows(ctx context.Context, first *int, after *page.Cursor, last *int, before *page.Cursor, orderBy *model.AnalyticsRowOrder) (*page.Connection[*Row], error) {
	args := page.Args{First: first, After: after, Last: last, Before: before}
	key, err := json.Marshal(struct {
		Args  page.Args
		Order *model.AnalyticsRowOrder
	}{args, orderBy})
	if err != nil {
		return nil, fmt.Errorf("key of analytics rows: %w", err)
	}
	v, err := s.a.cache(ctx, fmt.Sprintf("section%d|rows|%s", s.kind, key), func(ctx context.Context) (any, error) {
		return s.paginate(ctx, args, orderBy)
	})
	if err != nil {
		return nil, err
	}
	return v.(*page.Connection[*Row]), nil
}

// paginate reads one page of the section's lines.
func (s *Section) paginate(ctx context.Context, args page.Args, orderBy *model.AnalyticsRowOrder) (*page.Connection[*Row], error) {
	where := s.lines()
	c := s.a.client
	conn, err := page.Paginate(ctx, page.Source[*ent.License]{
		Key: s.orderKey(orderBy),
		Fetch: func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.License, error) {
			return c.License.Query().Where(where).Limit(limit).Modify(m).All(ctx)
		},
		Count: func(ctx context.Context) (int, error) {
			v, err := s.a.cache(ctx, fmt.Sprintf("section%d|count", s.kind), func(ctx context.Context) (any, error) {
				return c.License.Query().Where(where).Count(ctx)
			})
			if err != nil {
				return 0, err
			}
			return v.(int), nil
		},
		ID:    func(l *ent.License) int { return l.ID },
		Value: func(l *ent.License) (any, error) { return l.Value(page.KeyColumn) },
	}, args)
	if err != nil {
		return nil, err
	}
	return page.Map(conn, func(l *ent.License) *Row { return &Row{Line: l, now: s.a.env.Rules.Now} }), nil
}

// orderKey is the sort key of a row ordering; each section has its natural default.
func (s *Section) orderKey(o *model.AnalyticsRowOrder) page.Key {
	field, desc := model.AnalyticsRowOrderFieldDate, s.kind == recentlyAdded
	switch s.kind {
	case lowAssignment:
		field = model.AnalyticsRowOrderFieldAssigned
	case overage:
		field, desc = model.AnalyticsRowOrderFieldAssigned, true
	}
	if o != nil {
		field, desc = o.Field, o.Direction != nil && *o.Direction == model.OrderDirectionDesc
	}
	switch field {
	case model.AnalyticsRowOrderFieldCustomerName:
		return page.StringKey(related(customer.Table, customer.FieldName, license.FieldCustomerID), desc)
	case model.AnalyticsRowOrderFieldTotal:
		return page.IntKey(page.Column(license.FieldTotal), desc)
	case model.AnalyticsRowOrderFieldAssigned:
		return page.IntKey(page.Column(license.FieldAssigned), desc)
	case model.AnalyticsRowOrderFieldUsed:
		return page.IntKey(page.Column(license.FieldUsed), desc)
	}
	// The date of a line is a fact kept on it, which its section's condition requires,
	// but for the end of an over-limit line's subscription.
	if s.kind == overage {
		return page.TimeKey(related(subscription.Table, subscription.FieldEndsAt, license.FieldSubscriptionID), true, desc)
	}
	col := map[sectionKind]string{recentlyAdded: license.FieldStartedAt, expiring: license.FieldEndingAt,
		renewing: license.FieldRenewsAt, lowAssignment: license.FieldStartedAt}[s.kind]
	return page.TimeKey(page.Column(col), false, desc)
}

// related is the expression of a column of the row a line refers to.
func related(table, column, fk string) func(*sql.Selector) string {
	return func(s *sql.Selector) string {
		return fmt.Sprintf("(SELECT r.%s FROM %s r WHERE r.id = %s)", column, table, s.C(fk))
	}
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
