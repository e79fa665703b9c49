// Package status computes customer statuses (DESIGN §4.1) as SQL conditions, written once
// and used alike by the Customer.statuses field, the customer filter, the KPIs and the
// reports, so that filtering by status runs in the database.
package status

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// All lists every status in the order statuses are returned.
var All = []enum.CustomerStatus{
	enum.StatusTrial, enum.StatusActive, enum.StatusExpiringSoon, enum.StatusLicenseOverage,
	enum.StatusNoRecentActivity, enum.StatusOrderSetupPending, enum.StatusSuspended, enum.StatusExpired,
}

// CurrentStates are the subscription states that give a customer its products.
var CurrentStates = facts.CurrentStates

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
	rule, ok := r.subscriptionRule(st)
	if !ok {
		return r.customerRule(s, st)
	}
	id := s.C(customer.FieldID)
	p := HasSubscription(id, rule.has...)
	if rule.none != nil {
		p = sql.And(sql.Not(HasSubscription(id, rule.none...)), p)
	}
	return p
}

// subscriptionRule is a status read from a customer's subscriptions and trials: the
// customer has one matching every condition of has and, when none is set, none matching
// every condition of none (conditions on unqualified subscription columns).
type subscriptionRule struct{ has, none []*sql.Predicate }

// subscriptionRule returns the rule of st when st is read from subscriptions.
func (r Rules) subscriptionRule(st enum.CustomerStatus) (subscriptionRule, bool) {
	switch st {
	case enum.StatusTrial:
		return subscriptionRule{has: []*sql.Predicate{sql.EQ(subscription.FieldKind, enum.KindTrial), sql.EQ(subscription.FieldState, enum.StateActive)}}, true
	case enum.StatusActive:
		return subscriptionRule{has: []*sql.Predicate{sql.EQ(subscription.FieldKind, enum.KindPaid), sql.EQ(subscription.FieldState, enum.StateActive)}}, true
	case enum.StatusOrderSetupPending:
		return subscriptionRule{has: []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StatePendingSetup)}}, true
	case enum.StatusSuspended:
		return subscriptionRule{has: []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StateSuspended)}}, true
	case enum.StatusExpired:
		return subscriptionRule{
			has:  []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StateExpired)},
			none: []*sql.Predicate{sql.In(subscription.FieldState, anys(CurrentStates)...)},
		}, true
	}
	return subscriptionRule{}, false
}

// customerRule returns the condition of a status read from the customer row of s itself.
func (r Rules) customerRule(s *sql.Selector, st enum.CustomerStatus) *sql.Predicate {
	switch st {
	case enum.StatusLicenseOverage:
		// The over-limit fact is a line of an ACTIVE subscription or trial with
		// assigned > total (facts.OverLimitLine), kept on the customer at write time.
		return facts.IsTrue(s.C(customer.FieldOverLimit))
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
		s.Where(storage.IDsIn(s.C(customer.FieldID), ids)).Select(s.C(customer.FieldID))
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

// Decode returns the statuses of a MaskColumn value, in the order of All.
func Decode(mask int64) []enum.CustomerStatus {
	list := []enum.CustomerStatus{}
	for i, st := range All {
		if mask&(1<<i) != 0 {
			list = append(list, st)
		}
	}
	return list
}

// mask is an integer expression with bit i set when the customer has status All[i]. The
// statuses read from subscriptions come from one pass over the customer's subscriptions,
// each with the same conditions as its Predicate.
func (r Rules) mask(s *sql.Selector) sql.Querier {
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("(")
		for i, st := range All {
			if _, ok := r.subscriptionRule(st); !ok {
				b.WriteString("CASE WHEN ").Join(r.customerRule(s, st)).WriteString(fmt.Sprintf(" THEN %d ELSE 0 END + ", 1<<i))
			}
		}
		b.WriteString("(SELECT ")
		first := true
		for i, st := range All {
			rule, ok := r.subscriptionRule(st)
			if !ok {
				continue
			}
			if !first {
				b.WriteString(" + ")
			}
			first = false
			b.WriteString("CASE WHEN ")
			anyRow(b, rule.has).WriteString(" = 1")
			if rule.none != nil {
				b.WriteString(" AND ")
				anyRow(b, rule.none).WriteString(" = 0")
			}
			b.WriteString(fmt.Sprintf(" THEN %d ELSE 0 END", 1<<i))
		}
		t := sql.Table(subscription.Table).As("st_sub")
		b.WriteString(" FROM ").Ident(subscription.Table).WriteString(" AS ").Ident("st_sub").WriteString(" WHERE ").
			Join(sql.ColumnsEQ(t.C(subscription.FieldCustomerID), s.C(customer.FieldID))).
			WriteString("))")
	})
}

// anyRow writes an aggregate over the rows of a group that is 1 when one of them matches
// every one of conds, 0 when none does and null when there are no rows.
func anyRow(b *sql.Builder, conds []*sql.Predicate) *sql.Builder {
	return b.WriteString("MAX(CASE WHEN ").Join(sql.And(conds...)).WriteString(" THEN 1 ELSE 0 END)")
}

func anys[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
