package status

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/ent"

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
	return r.kpiRow(0, KpiTotal).exists(s.C(customer.FieldID))
}

// KpiPredicate is the condition that the customer of s (in scope or not) counts in k.
func (r Rules) KpiPredicate(s *sql.Selector, partnerID int, k Kpi) *sql.Predicate {
	id := s.C(customer.FieldID)
	scope := r.kpiRow(partnerID, KpiTotal).exists(id)
	if k == KpiTotal {
		return scope
	}
	return sql.And(scope, r.kpiRow(partnerID, k).exists(id))
}

// kpiRow is a KPI's rule as a condition on one row of a customer's license lines (st_lic
// joined with st_sub) or, when lines is false, of its subscriptions (st_sub): the customer
// counts when any of its rows matches. Asked per customer (KpiPredicate) or for all
// customers at once (KpiFlags), a KPI is computed from this one rule.
type kpiRow struct {
	lines bool
	conds []*sql.Predicate
}

// kpiRow returns the rule of k; KpiTotal is the scope every other KPI also requires.
func (r Rules) kpiRow(partnerID int, k Kpi) kpiRow {
	switch k {
	case KpiApproachingExpiration:
		return kpiRow{conds: r.Expiring()}
	case KpiUpcomingRenewal:
		return kpiRow{conds: r.Renewing()}
	case KpiLowAssignment:
		ps := make([]*sql.Predicate, len(KpiProducts))
		for i, prod := range KpiProducts {
			ps[i] = sql.And(r.LowLine(partnerID, prod)...)
		}
		return kpiRow{lines: true, conds: []*sql.Predicate{sql.Or(ps...)}}
	case KpiOverLimit:
		return kpiRow{lines: true, conds: OverLimitLine()}
	}
	return kpiRow{lines: true, conds: []*sql.Predicate{
		sql.In(sub("state"), enum.StateActive), sql.In(lic("product"), anys(KpiProducts)...)}}
}

// exists is the condition that the customer whose ID is the column id has a matching row.
func (k kpiRow) exists(id string) *sql.Predicate {
	if k.lines {
		return hasLine(id, k.conds...)
	}
	return HasSubscription(id, k.conds...)
}

// OverLimitLine is the condition, over the st_lic/st_sub aliases, that a line of an ACTIVE
// subscription or trial has more licenses assigned than purchased: the LICENSE_OVERAGE
// status (DESIGN §4.1), the over-limit KPI (§4.2) and the over-limit analytics (§4.3).
func OverLimitLine() []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(sub(subscription.FieldState), enum.StateActive),
		sql.ColumnsGT(lic(license.FieldAssigned), lic(license.FieldTotal)),
	}
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

// bar is the scalar SQL expression of the low-assignment bar of a product: its value when
// computed beforehand (WithBars), else barQuery.
func (r Rules) bar(partnerID int, product enum.Product) sql.Querier {
	if v, ok := r.Bars[product]; ok {
		return sql.ExprFunc(func(b *sql.Builder) { b.WriteString("SELECT CAST(").Arg(v).WriteString(" AS FLOAT)") })
	}
	return r.barQuery(partnerID, product)
}

// WithBars returns r with the bars of the KPI products computed now, one statement each,
// side by side on their own connections: inside a statement the database computes them
// one after the other before anything else, on one core. Each is read through c's
// customer query, so it runs only for a viewer who sees a customer; for one who sees
// none, no line can be low and r keeps computing its bars in the statement.
func (r Rules) WithBars(ctx context.Context, c *ent.Client, partnerID int) (Rules, error) {
	bars := make([][]struct {
		Bar float64 `json:"bar"`
	}, len(KpiProducts))
	g, gctx := errgroup.WithContext(ctx)
	for i, product := range KpiProducts {
		g.Go(func() error {
			return c.Customer.Query().Limit(1).Modify(func(s *sql.Selector) {
				s.Select()
				s.AppendSelectExprAs(r.barQuery(partnerID, product), "bar")
			}).Scan(gctx, &bars[i])
		})
	}
	if err := g.Wait(); err != nil {
		return r, fmt.Errorf("compute the low-assignment bars: %w", err)
	}
	out := r
	out.Bars = map[enum.Product]float64{}
	for i, product := range KpiProducts {
		if len(bars[i]) == 0 {
			return r, nil
		}
		out.Bars[product] = bars[i][0].Bar
	}
	return out, nil
}

// barQuery is the scalar SQL expression of the low-assignment bar of a product. It reads the
// ratio set once into s and counts it; the median is the average of the middle one or two
// ratios, picked by skipping the lower half in order, exactly as sorting the set and
// taking them (a bounded sort, cheaper than numbering every ratio).
func (r Rules) barQuery(partnerID int, product enum.Product) sql.Querier {
	ratio := fmt.Sprintf("CAST(ml.%s AS FLOAT) / ml.%s", license.FieldAssigned, license.FieldTotal)
	return sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString(fmt.Sprintf("WITH s AS MATERIALIZED (SELECT %s AS ratio FROM %s ml JOIN %s ms ON ms.%s = ml.%s WHERE ml.%s = ",
			ratio, license.Table, subscription.Table, subscription.FieldID, license.FieldSubscriptionID, license.FieldPartnerID)).
			Arg(partnerID).WriteString(fmt.Sprintf(" AND ml.%s = ", license.FieldProduct)).Arg(product).
			WriteString(fmt.Sprintf(" AND ml.%s > 0 AND ms.%s = ", license.FieldTotal, subscription.FieldState)).Arg(enum.StateActive).
			WriteString("), c AS (SELECT COUNT(*) AS n FROM s) SELECT CASE WHEN c.n < ").Arg(r.Settings.LowAssignmentMinLines).
			WriteString(" THEN ").Arg(r.Settings.LowAssignmentFloor).
			WriteString(" ELSE ").Arg(r.Settings.LowAssignmentFactor).
			WriteString(" * (SELECT AVG(m.ratio) FROM (SELECT s.ratio FROM s ORDER BY s.ratio" +
				" LIMIT (SELECT 2 - c.n % 2 FROM c) OFFSET (SELECT (c.n - 1) / 2 FROM c)) m) END FROM c")
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

// KpiFlags keeps the rows of s (a selector over customers) that are in the KPIs' scope and
// returns for each KPI, in the order of Kpis, an expression that is 1 when the customer
// counts in it and 0 otherwise. It gives the counts of KpiPredicate for many customers at
// once: each rule becomes the set of the partner's customers with a matching row, built
// once per statement (and from its own index, for the subscription windows and the
// over-limit lines) instead of once per customer or in one pass over every line.
func (r Rules) KpiFlags(s *sql.Selector, partnerID int) []sql.Querier {
	id := s.C(customer.FieldID)
	s.Where(r.kpiRow(partnerID, KpiTotal).in(id, partnerID))
	out := make([]sql.Querier, len(Kpis))
	for i, k := range Kpis {
		if k == KpiTotal {
			out[i] = sql.Expr("1")
			continue
		}
		in := r.kpiRow(partnerID, k).in(id, partnerID)
		out[i] = sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("CASE WHEN ").Join(in).WriteString(" THEN 1 ELSE 0 END")
		})
	}
	return out
}

// in is the condition that the column id is one of the partner's customers with a
// matching row.
func (k kpiRow) in(id string, partnerID int) *sql.Predicate {
	lt, st := sql.Table(license.Table).As("st_lic"), sql.Table(subscription.Table).As("st_sub")
	q := sql.Select(st.C(subscription.FieldCustomerID)).From(st).Where(sql.EQ(st.C(subscription.FieldPartnerID), partnerID))
	if k.lines {
		q = sql.Select(lt.C(license.FieldCustomerID)).From(lt).
			Join(st).On(st.C(subscription.FieldID), lt.C(license.FieldSubscriptionID)).
			Where(sql.EQ(lt.C(license.FieldPartnerID), partnerID))
	}
	for _, c := range k.conds {
		q.Where(c)
	}
	return sql.In(id, q)
}
