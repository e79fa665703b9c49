package status

import (
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// Kpi is a headline KPI.
type Kpi string

// The headline KPIs.
const (
	KpiTotal                 Kpi = "TOTAL"
	KpiApproachingExpiration Kpi = "APPROACHING_EXPIRATION"
	KpiUpcomingRenewal       Kpi = "UPCOMING_RENEWAL"
	KpiLowAssignment         Kpi = "LOW_ASSIGNMENT"
	KpiOverLimit             Kpi = "OVER_LIMIT"
)

// Kpis lists the headline KPIs in order.
var Kpis = []Kpi{KpiTotal, KpiApproachingExpiration, KpiUpcomingRenewal, KpiLowAssignment, KpiOverLimit}

// InKpiScope is the condition that the customer of s has an ACTIVE Meetings or Calling line.
func (r Rules) InKpiScope(s *sql.Selector) *sql.Predicate {
	return IsTrue(s.C(customer.FieldKpiScope))
}

// KpiPredicate is the condition that the customer of s counts in k. Each KPI is its scope
// and, but for the total, one more fact: a flag kept on the customer at write time, or
// membership of the partner's customers with a subscription or line that matches the
// KPI's rule now, read from that rule's own index.
func (r Rules) KpiPredicate(s *sql.Selector, partnerID int, k Kpi) *sql.Predicate {
	return r.KpiPredicateAmong(s, partnerID, k, nil)
}

// KpiPredicateAmong is KpiPredicate for a customer of s among ids (any when nil): the
// subscriptions and lines it reads are only those of these customers.
func (r Rules) KpiPredicateAmong(s *sql.Selector, partnerID int, k Kpi, ids []int) *sql.Predicate {
	id := s.C(customer.FieldID)
	scope := r.InKpiScope(s)
	with := func(t *sql.SelectTable, conds []*sql.Predicate) *sql.Selector {
		if ids != nil {
			conds = append(conds, sql.InInts(t.C(subscription.FieldCustomerID), ids...))
		}
		return customersWith(t, partnerID, conds)
	}
	switch k {
	case KpiApproachingExpiration:
		return sql.And(scope, sql.In(id, with(subscriptions(), r.Expiring())))
	case KpiUpcomingRenewal:
		return sql.And(scope, sql.In(id, with(subscriptions(), r.Renewing())))
	case KpiLowAssignment:
		ps := make([]*sql.Predicate, len(ScopeProducts))
		for i, prod := range ScopeProducts {
			ps[i] = sql.In(id, with(licenses(), r.LowLine(partnerID, prod)))
		}
		return sql.And(scope, sql.Or(ps...))
	case KpiOverLimit:
		return sql.And(scope, IsTrue(s.C(customer.FieldOverLimit)))
	}
	return scope
}

// customersWith selects the customers of the partner's rows of t, a customer-owned table
// (subscriptions as st_sub, license lines as st_lic), matching conds.
func customersWith(t *sql.SelectTable, partnerID int, conds []*sql.Predicate) *sql.Selector {
	return sql.Select(t.C(subscription.FieldCustomerID)).From(t).
		Where(sql.And(append([]*sql.Predicate{sql.EQ(t.C(subscription.FieldPartnerID), partnerID)}, conds...)...))
}

// Expiring is the condition, over the st_sub alias, that a subscription or trial is ACTIVE,
// not auto-renewing and ends within the horizon: approaching expiration and
// the expiring analytics.
func (r Rules) Expiring() []*sql.Predicate { return r.endingBy(subscriptions(), r.horizon()) }

// endingBy is the condition, over the subscriptions of alias t, that a subscription or
// trial ends without renewing (EndingSubscription) after now and by until: expiring
// soon and approaching expiration.
func (r Rules) endingBy(t *sql.SelectTable, until time.Time) []*sql.Predicate {
	return append(EndingSubscription(t),
		sql.GT(t.C(subscription.FieldEndsAt), r.Now), sql.LTE(t.C(subscription.FieldEndsAt), until))
}

// Renewing is the condition, over the st_sub alias, that a paid subscription is ACTIVE and
// auto-renews within the horizon: upcoming renewal and the renewing analytics. A trial
// renews nothing, whatever its flag.
func (r Rules) Renewing() []*sql.Predicate {
	return append(RenewingSubscription(subscriptions()),
		sql.GT(sub(subscription.FieldRenewalDate), r.Now), sql.LTE(sub(subscription.FieldRenewalDate), r.horizon()))
}

func (r Rules) horizon() time.Time { return r.Now.Add(days(r.Settings.HorizonDays)) }

// ExpiringLine is the condition, over the license lines of alias t, that a line's
// subscription or trial is expiring: the line's ending_at fact lies within the horizon.
// It is Expiring read from the line alone.
func (r Rules) ExpiringLine(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{sql.GT(t.C(license.FieldEndingAt), r.Now), sql.LTE(t.C(license.FieldEndingAt), r.horizon())}
}

// RenewingLine is the condition, over the license lines of alias t, that a line's
// subscription renews within the horizon (its renews_at fact): Renewing read from the line.
func (r Rules) RenewingLine(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{sql.GT(t.C(license.FieldRenewsAt), r.Now), sql.LTE(t.C(license.FieldRenewsAt), r.horizon())}
}

// LowLine is the condition, over the st_lic alias, that a line of product is low (LowLineOf).
func (r Rules) LowLine(partnerID int, product enum.Product) []*sql.Predicate {
	return r.LowLineOf(licenses(), partnerID, product)
}

// LowLineOf is the condition, over the license lines of alias t, that a line of product is
// low: it may be low (LowCandidateOf) and assigned/total is below the bar — a factor of the
// median ratio of the partner's ACTIVE lines of the product, or an absolute floor when
// there are too few of them. The median is computed by the database (Bar), or from the
// ratios at hand (BarOf).
func (r Rules) LowLineOf(t *sql.SelectTable, partnerID int, product enum.Product) []*sql.Predicate {
	return append(r.LowCandidateOf(t, product), sql.P(func(b *sql.Builder) {
		b.Ident(t.C(license.FieldAssignmentRatio)).WriteString(" < (").Join(r.Bar(partnerID, product)).WriteString(")")
	}))
}

// LowCandidateOf is the condition, over the license lines of alias t, that a line of
// product is measured against the low-assignment bar: its subscription is ACTIVE and was
// added at least the minimum age ago. A customer counts in low assignment when the lowest
// assignment ratio of such lines of a KPI product is below that product's bar.
func (r Rules) LowCandidateOf(t *sql.SelectTable, product enum.Product) []*sql.Predicate {
	return []*sql.Predicate{
		ActiveLine(t),
		sql.EQ(t.C(license.FieldProduct), product),
		sql.LTE(t.C(license.FieldStartedAt), r.Now.Add(-days(r.Settings.LowAssignmentMinAgeDays))),
	}
}

// Bar is the scalar SQL expression of the partner's low-assignment bar of a product,
// computed once per statement: every viewer's low lines are measured against it, whichever
// customers they see. It counts the ratios of the partner's ACTIVE lines of the product; the
// median is the average of the middle one or two, reached by skipping the lower half in
// ratio order. Both read the lines' assignment index alone.
func (r Rules) Bar(partnerID int, product enum.Product) sql.Querier {
	ml := sql.Table(license.Table).As("ml")
	ratios := func() *sql.Selector {
		return sql.Select(ml.C(license.FieldAssignmentRatio)).From(ml).Where(sql.And(
			sql.EQ(ml.C(license.FieldPartnerID), partnerID), sql.EQ(ml.C(license.FieldProduct), product),
			ActiveLine(ml), sql.NotNull(ml.C(license.FieldAssignmentRatio))))
	}
	middle := ratios().OrderBy(ml.C(license.FieldAssignmentRatio))
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("WITH c AS (SELECT COUNT(*) AS n FROM (").Join(ratios()).WriteString(") r)").
			WriteString(" SELECT CASE WHEN c.n < ").Arg(r.Settings.LowAssignmentMinLines).
			WriteString(" THEN ").Arg(r.Settings.LowAssignmentFloor).
			WriteString(" ELSE ").Arg(r.Settings.LowAssignmentFactor).
			WriteString(" * (SELECT AVG(m.").WriteString(license.FieldAssignmentRatio).WriteString(") FROM (").Join(middle).
			WriteString(" LIMIT (SELECT 2 - c.n % 2 FROM c) OFFSET (SELECT (c.n - 1) / 2 FROM c)) m) END FROM c")
	})
}

// BarOf is Bar worked out from the n assignment ratios of the partner's ACTIVE lines of
// the product, at(i) the i-th smallest: the floor when there are fewer than the minimum,
// else the factor times their median, the average of the middle one or two (halving is
// exact, so it is the same number as the database's average). ok is false when there is
// no ratio to take the median of, where Bar is null.
func (r Rules) BarOf(n int, at func(i int) float64) (bar float64, ok bool) {
	switch {
	case n < r.Settings.LowAssignmentMinLines:
		return r.Settings.LowAssignmentFloor, true
	case n == 0:
		return 0, false
	case n%2 == 1:
		return r.Settings.LowAssignmentFactor * at(n/2), true
	}
	return r.Settings.LowAssignmentFactor * ((at(n/2-1) + at(n/2)) / 2), true
}

// sub and lic name columns of the st_sub and st_lic aliases.
func sub(col string) string { return subscriptions().C(col) }
func lic(col string) string { return licenses().C(col) }

func licenses() *sql.SelectTable      { return sql.Table(license.Table).As("st_lic") }
func subscriptions() *sql.SelectTable { return sql.Table(subscription.Table).As("st_sub") }
