package analytics

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// Row is one license line in an analytics section, with the figures derived from it at
// the analytics' instant.
type Row struct {
	Line *ent.License
	now  time.Time
}

func (r *Row) subscription(ctx context.Context) (*ent.Subscription, error) {
	return loader.Load(ctx, loader.For(ctx).Subscription, r.Line.SubscriptionID)
}

// Customer is the line's customer.
func (r *Row) Customer(ctx context.Context) (*ent.Customer, error) {
	return loader.Load(ctx, loader.For(ctx).Customer, r.Line.CustomerID)
}

// SubscriptionID is the subscription ID users see.
func (r *Row) SubscriptionID(ctx context.Context) (string, error) {
	s, err := r.subscription(ctx)
	if err != nil {
		return "", err
	}
	return s.SubscriptionID, nil
}

// wholeDays is the whole days from a to b.
func wholeDays(a, b time.Time) int { return int(b.Sub(a) / (24 * time.Hour)) }

// wholeMonths is the whole calendar months from a to b.
func wholeMonths(a, b time.Time) int {
	a, b = a.UTC(), b.UTC()
	m := (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
	if b.Day() < a.Day() || b.Day() == a.Day() && b.Sub(b.Truncate(24*time.Hour)) < a.Sub(a.Truncate(24*time.Hour)) {
		m--
	}
	return max(m, 0)
}

func (r *Row) since(ctx context.Context, f func(s *ent.Subscription) time.Time, g func(a, b time.Time) int, forward bool) (int, error) {
	s, err := r.subscription(ctx)
	if err != nil {
		return 0, err
	}
	if forward {
		return g(r.now, f(s)), nil
	}
	return g(f(s), r.now), nil
}

func startedAt(s *ent.Subscription) time.Time { return s.StartedAt }
func endsAt(s *ent.Subscription) time.Time    { return s.EndsAt }
func renewsAt(s *ent.Subscription) time.Time {
	if s.RenewalDate != nil {
		return *s.RenewalDate
	}
	return s.EndsAt
}

// DaysSinceAdded is whole days since the subscription was added.
func (r *Row) DaysSinceAdded(ctx context.Context) (int, error) {
	return r.since(ctx, startedAt, wholeDays, false)
}

// DaysToExpiry is whole days until the subscription ends.
func (r *Row) DaysToExpiry(ctx context.Context) (int, error) {
	return r.since(ctx, endsAt, wholeDays, true)
}

// DaysToRenewal is whole days until the subscription renews.
func (r *Row) DaysToRenewal(ctx context.Context) (int, error) {
	return r.since(ctx, renewsAt, wholeDays, true)
}

// MonthsSinceAdded is whole months since the subscription was added.
func (r *Row) MonthsSinceAdded(ctx context.Context) (int, error) {
	return r.since(ctx, startedAt, wholeMonths, false)
}

// MonthsRemaining is whole months until the subscription ends.
func (r *Row) MonthsRemaining(ctx context.Context) (int, error) {
	return r.since(ctx, endsAt, wholeMonths, true)
}

// AutoRenew is whether the subscription renews itself.
func (r *Row) AutoRenew(ctx context.Context) (bool, error) {
	s, err := r.subscription(ctx)
	if err != nil {
		return false, err
	}
	return s.AutoRenew, nil
}

// Total is the licenses purchased.
func (r *Row) Total() int { return r.Line.Total }

// Assigned is the licenses assigned.
func (r *Row) Assigned() int { return r.Line.Assigned }

// Used is the active users.
func (r *Row) Used() int { return r.Line.Used }

// Available is max(0, total − assigned).
func (r *Row) Available() int { return r.Line.Available() }

// UsedLast3Months is the users active in the last 90 days.
func (r *Row) UsedLast3Months() int { return r.Line.Used90d }

// AssignedRatio is assigned / total.
func (r *Row) AssignedRatio() *model.Ratio { return Ratio(int64(r.Line.Assigned), int64(r.Line.Total)) }

// UsedRatio is used / total.
func (r *Row) UsedRatio() *model.Ratio { return Ratio(int64(r.Line.Used), int64(r.Line.Total)) }

// WeeklyAssignmentChange is assigned now minus at the start of the previous week.
func (r *Row) WeeklyAssignmentChange(ctx context.Context) (int, error) {
	assigned, _, err := WeeklyChange(ctx, r.Line)
	return assigned, err
}

// WeeklyUsageChange is used now minus at the start of the previous week.
func (r *Row) WeeklyUsageChange(ctx context.Context) (int, error) {
	_, used, err := WeeklyChange(ctx, r.Line)
	return used, err
}

// RowConnection is a page of analytics rows.
type RowConnection = page.Connection[*Row]

// RowEdge is an analytics row with its cursor.
type RowEdge = page.Edge[*Row]
