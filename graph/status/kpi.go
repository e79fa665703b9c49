package status

import (
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// Kpi is a headline KPI (DESIGN §4.2).
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

// KpiProducts are the products that put a customer in the KPIs' scope.
var KpiProducts = []enum.Product{enum.ProductMeetings, enum.ProductCalling}

// InKpiScope is the condition that the customer of s has an ACTIVE Meetings or Calling line.
func (r Rules) InKpiScope(s *sql.Selector) *sql.Predicate {
	return hasLine(s.C(customer.FieldID), sql.In(sub("state"), enum.StateActive),
		sql.In(lic("product"), anys(KpiProducts)...))
}

// KpiPredicate is the condition that the customer of s (in scope or not) counts in k.
func (r Rules) KpiPredicate(s *sql.Selector, partnerID int, k Kpi) *sql.Predicate {
	id := s.C(customer.FieldID)
	var p *sql.Predicate
	switch k {
	case KpiApproachingExpiration:
		p = HasSubscription(id, r.Expiring()...)
	case KpiUpcomingRenewal:
		p = HasSubscription(id, r.Renewing()...)
	case KpiLowAssignment:
		ps := make([]*sql.Predicate, len(KpiProducts))
		for i, prod := range KpiProducts {
			ps[i] = hasLine(id, r.LowLine(partnerID, prod)...)
		}
		p = sql.Or(ps...)
	case KpiOverLimit:
		p = hasOverage(id)
	default:
		return r.InKpiScope(s)
	}
	return sql.And(r.InKpiScope(s), p)
}

// Expiring is the condition, over the st_sub alias, that a subscription or trial is ACTIVE,
// not auto-renewing and ends within the horizon: approaching expiration (DESIGN §4.2) and
// the expiring analytics (§4.3).
func (r Rules) Expiring() []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(sub(subscription.FieldState), enum.StateActive), sql.EQ(sub(subscription.FieldAutoRenew), false),
		sql.GT(sub(subscription.FieldEndsAt), r.Now), sql.LTE(sub(subscription.FieldEndsAt), r.horizon()),
	}
}

// Renewing is the condition, over the st_sub alias, that a paid subscription is ACTIVE and
// auto-renews within the horizon: upcoming renewal (DESIGN §4.2) and the renewing analytics
// (§4.3). A trial renews nothing, whatever its flag.
func (r Rules) Renewing() []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(sub(subscription.FieldState), enum.StateActive), sql.EQ(sub(subscription.FieldKind), enum.KindPaid),
		sql.EQ(sub(subscription.FieldAutoRenew), true),
		sql.GT(sub(subscription.FieldRenewalDate), r.Now), sql.LTE(sub(subscription.FieldRenewalDate), r.horizon()),
	}
}

func (r Rules) horizon() time.Time { return r.Now.Add(days(r.Settings.HorizonDays)) }

// LowLine is the condition, over the st_lic/st_sub aliases, that a line of product is low
// (DESIGN §4.3): its subscription is ACTIVE and was added at least the minimum age ago, and
// assigned/total is below the bar — a factor of the median ratio of the partner's ACTIVE
// lines of the product, or an absolute floor when there are too few of them. The median is
// computed by the database.
func (r Rules) LowLine(partnerID int, product enum.Product) []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(sub("state"), enum.StateActive),
		sql.EQ(lic("product"), product),
		sql.LTE(sub("started_at"), r.Now.Add(-days(r.Settings.LowAssignmentMinAgeDays))),
		sql.GT(lic("total"), 0),
		sql.P(func(b *sql.Builder) {
			b.Ident(lic("assigned")).WriteString(" < (").Join(r.bar(partnerID, product)).WriteString(") * ").Ident(lic("total"))
		}),
	}
}

// bar is the scalar SQL expression of the low-assignment bar of a product. It reads the
// ratio set once: each ratio is numbered in order next to the set's size, and the median
// is the average of the middle one or two, exactly as sorting the set and taking them.
func (r Rules) bar(partnerID int, product enum.Product) sql.Querier {
	ratio := fmt.Sprintf("CAST(ml.%s AS FLOAT) / ml.%s", license.FieldAssigned, license.FieldTotal)
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("SELECT CASE WHEN COUNT(*) < ").Arg(r.Settings.LowAssignmentMinLines).
			WriteString(" THEN ").Arg(r.Settings.LowAssignmentFloor).
			WriteString(" ELSE ").Arg(r.Settings.LowAssignmentFactor).
			WriteString(" * AVG(CASE WHEN w.rn IN ((w.n + 1) / 2, (w.n + 2) / 2) THEN w.ratio END) END FROM (")
		b.WriteString(fmt.Sprintf("SELECT %[1]s AS ratio, ROW_NUMBER() OVER (ORDER BY %[1]s) AS rn, COUNT(*) OVER () AS n", ratio))
		b.WriteString(fmt.Sprintf(" FROM %s ml JOIN %s ms ON ms.%s = ml.%s WHERE ml.%s = ",
			license.Table, subscription.Table, subscription.FieldID, license.FieldSubscriptionID, license.FieldPartnerID)).
			Arg(partnerID).WriteString(fmt.Sprintf(" AND ml.%s = ", license.FieldProduct)).Arg(product).
			WriteString(fmt.Sprintf(" AND ml.%s > 0 AND ms.%s = ", license.FieldTotal, subscription.FieldState)).Arg(enum.StateActive).
			WriteString(") w")
	})
}

// sub and lic name columns of the st_sub and st_lic aliases.
func sub(col string) string { return sql.Table(subscription.Table).As("st_sub").C(col) }
func lic(col string) string { return sql.Table(license.Table).As("st_lic").C(col) }

// hasLine is the condition that the customer whose ID is the column id has a license line
// (alias st_lic) of a subscription (alias st_sub) matching every one of conds.
func hasLine(id string, conds ...*sql.Predicate) *sql.Predicate {
	l := sql.Table(license.Table).As("st_lic")
	s := sql.Table(subscription.Table).As("st_sub")
	q := sql.SelectExpr(sql.Expr("1")).From(l).
		Join(s).On(s.C(subscription.FieldID), l.C(license.FieldSubscriptionID)).
		Where(sql.ColumnsEQ(l.C(license.FieldCustomerID), id))
	for _, c := range conds {
		q.Where(c)
	}
	return sql.Exists(q)
}
