// Package status holds the rules of customer statuses, products and headline KPIs, each
// written once as an SQL condition: the Customer.statuses field, the customer filter, the
// KPIs, the analytics and the reports read them at request time, and the write-time facts
// (package facts) are refreshed with the very same conditions (rules.go), so that filtering
// by status runs in the database and no path can judge a customer differently.
package status

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// All lists every status in the order statuses are returned.
var All = []enum.CustomerStatus{
	enum.StatusTrial, enum.StatusActive, enum.StatusExpiringSoon, enum.StatusLicenseOverage,
	enum.StatusNoRecentActivity, enum.StatusOrderSetupPending, enum.StatusSuspended, enum.StatusExpired,
}

// Rules evaluates statuses at one instant against a partner's thresholds.
type Rules struct {
	Now      time.Time
	Settings settings.Partner
}

// NewRules returns the rules at now with the partner's settings (defaults filled in).
func NewRules(now time.Time, s settings.Partner) Rules {
	return Rules{Now: now.UTC(), Settings: s.WithDefaults()}
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// Predicate returns the condition that the customer row of s (a selector over customers)
// has status st.
func (r Rules) Predicate(s *sql.Selector, st enum.CustomerStatus) *sql.Predicate {
	if _, ok := SubscriptionRuleOf(st); ok {
		// Kept on the customer at write time, from its subscriptions and trials.
		return HasSubscriptionStatus(s.C(customer.FieldSubscriptionStatuses), st)
	}
	return r.customerRule(s, st)
}

// customerRule returns the condition of a status read from the customer row of s itself.
func (r Rules) customerRule(s *sql.Selector, st enum.CustomerStatus) *sql.Predicate {
	switch st {
	case enum.StatusLicenseOverage:
		// The over-limit fact is a line of an ACTIVE subscription or trial with
		// assigned > total (OverLimitLine), kept on the customer at write time.
		return IsTrue(s.C(customer.FieldOverLimit))
	case enum.StatusExpiringSoon:
		// The first end among the customer's ACTIVE, not auto-renewing subscriptions and
		// trials is kept on the customer. While it is ahead it is the one to compare; only
		// when it has passed without its subscription leaving ACTIVE are the others asked
		// (a scalar subquery, asked for those customers alone, which the planner does not
		// turn into a hash of every ending subscription).
		horizon := r.Now.Add(days(r.Settings.ExpiringSoonDays))
		first := s.C(customer.FieldExpiresAt)
		t := subscriptions()
		ending := sql.Select(sql.Min(t.C(subscription.FieldEndsAt))).From(t).Where(sql.And(append(r.endingBy(t, horizon),
			sql.ColumnsEQ(t.C(subscription.FieldCustomerID), s.C(customer.FieldID)))...))
		return sql.Or(
			sql.And(sql.GT(first, r.Now), sql.LTE(first, horizon)),
			sql.And(sql.NotNull(first), sql.LTE(first, r.Now), sql.P(func(b *sql.Builder) {
				b.WriteString("(").Join(ending).WriteString(") IS NOT NULL")
			})))
	case enum.StatusNoRecentActivity:
		col := s.C(customer.FieldLastAdminActivityAt)
		return sql.Or(sql.IsNull(col), sql.LTE(col, r.Now.Add(-days(r.Settings.InactivityDays))))
	}
	return sql.False()
}

// HasSubscription is the condition that the customer whose ID is the column id has a
// subscription matching every one of conds (conditions on unqualified subscription columns).
func HasSubscription(id string, conds ...*sql.Predicate) *sql.Predicate {
	t := sql.Table(subscription.Table).As("st_sub")
	q := sql.SelectExpr(sql.Expr("1")).From(t).Where(sql.ColumnsEQ(t.C(subscription.FieldCustomerID), id))
	for _, c := range conds {
		q.Where(c)
	}
	return sql.Exists(q)
}

// Load returns the statuses of the customers with the given IDs, in the order of All, in
// one statement. Customers the viewer cannot see are missing from the result.
func (r Rules) Load(ctx context.Context, c *ent.Client, ids []int) (map[int][]enum.CustomerStatus, error) {
	var rows []struct {
		ID   int   `json:"id"`
		Mask int64 `json:"status_mask"`
	}
	err := c.Customer.Query().Modify(func(s *sql.Selector) {
		s.Where(prepared.IDsIn(s.C(customer.FieldID), ids)).Select(s.C(customer.FieldID))
		r.SelectMask(s)
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("load statuses of %d customers: %w", len(ids), err)
	}
	out := make(map[int][]enum.CustomerStatus, len(rows))
	for _, row := range rows {
		out[row.ID] = Decode(row.Mask)
	}
	return out, nil
}

// MaskColumn is the alias SelectMask selects a customer's statuses as.
const MaskColumn = "status_mask"

// SelectMask adds to s, a selector over customers, each customer's statuses as the
// integer column MaskColumn, for Decode. A page of customers selects its statuses so, in
// the page's own statement.
func (r Rules) SelectMask(s *sql.Selector) {
	s.AppendSelectExprAs(r.mask(s), MaskColumn)
}

// bits are the mask bits of All's statuses, in its order (StatusBits).
var bits = func() []int64 {
	out := make([]int64, len(All))
	for i, st := range All {
		out[i] = int64(StatusBits(st))
	}
	return out
}()

// Decode returns the statuses of a MaskColumn value, in the order of All.
func Decode(mask int64) []enum.CustomerStatus {
	list := []enum.CustomerStatus{}
	for i, st := range All {
		if mask&bits[i] != 0 {
			list = append(list, st)
		}
	}
	return list
}

// mask is an integer expression with the bits of the statuses the customer has: the
// bits its subscriptions and trials give it, kept on the customer (StatusBits), and
// each other status's condition on the customer row.
func (r Rules) mask(s *sql.Selector) sql.Querier {
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("(")
		for i, st := range All {
			if _, ok := SubscriptionRuleOf(st); !ok {
				b.WriteString("CASE WHEN ").Join(r.customerRule(s, st)).WriteString(fmt.Sprintf(" THEN %d ELSE 0 END + ", bits[i]))
			}
		}
		b.WriteString("COALESCE(").Ident(s.C(customer.FieldSubscriptionStatuses)).WriteString(", 0))")
	})
}
