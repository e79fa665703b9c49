// Package filter is the one engine behind customer filtering: the typed CustomerFilter
// and the query-string language both compile to the same Criteria, which become SQL.
package filter

import (
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	sqlcond "github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/predicate"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/tag"
)

// Env is what criteria are evaluated against: the status rules, the acting admin and
// its partner.
type Env struct {
	Rules     status.Rules
	AdminID   int
	PartnerID int
}

// Criterion is one condition on customers.
type Criterion struct {
	where func(env Env, s *sql.Selector) *sql.Predicate
	// steady: the condition's best plan does not depend on its values. It tests the bits of
	// the customer's facts, which no index serves, or times the status rules take from the
	// clock, which are the same for every request of the moment. A tag, a word, a region, a
	// date or an admin is not: one value may match most customers and another a handful.
	steady bool
	// searches: the condition matches text anywhere in a column, which no index serves,
	// so it reads every customer of the partner.
	searches bool
}

// cond is a criterion whose best plan depends on its values.
func cond(where func(env Env, s *sql.Selector) *sql.Predicate) Criterion {
	return Criterion{where: where}
}

// steadyCond is a criterion whose best plan does not.
func steadyCond(where func(env Env, s *sql.Selector) *sql.Predicate) Criterion {
	return Criterion{where: where, steady: true}
}

// Criteria are AND-ed conditions.
type Criteria []Criterion

// Predicate returns the ent predicate of all criteria, for customer queries. Each
// criterion is parenthesised: ent leaves a disjunction bare when it reaches the AND through
// a one-term wrapper (a single status whose rule is an OR), and AND binds tighter.
func (cs Criteria) Predicate(env Env) predicate.Customer {
	return func(s *sql.Selector) {
		for _, c := range cs {
			p := c.where(env, s)
			s.Where(sql.P(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(p) }) }))
		}
	}
}

// Steady reports whether every criterion's best plan is the same whatever its values, so
// that a statement filtering by them can be kept prepared and planned once.
func (cs Criteria) Steady() bool {
	for _, c := range cs {
		if !c.steady {
			return false
		}
	}
	return true
}

// Not matches exactly the customers c does not match (sqlcond.Not), so that c and Not(c)
// always split the customers in two.
func Not(c Criterion) Criterion {
	return Criterion{
		where:    func(env Env, s *sql.Selector) *sql.Predicate { return sqlcond.Not(c.where(env, s)) },
		steady:   c.steady,
		searches: c.searches,
	}
}

// Searches reports whether any criterion searches text, reading every customer.
func (cs Criteria) Searches() bool {
	for _, c := range cs {
		if c.searches {
			return true
		}
	}
	return false
}

// Statuses matches customers with any of the statuses.
func Statuses(sts ...enum.CustomerStatus) Criterion {
	sts = slices.Compact(slices.Sorted(slices.Values(sts))) // a repeat would add a term
	return steadyCond(func(env Env, s *sql.Selector) *sql.Predicate {
		ps := make([]*sql.Predicate, len(sts))
		for i, st := range sts {
			ps[i] = env.Rules.Predicate(s, st)
		}
		return sql.Or(ps...)
	})
}

// Products matches customers with a current subscription or trial of any of the products,
// as kept on the customer (status.HasProduct).
func Products(ps ...enum.Product) Criterion {
	return steadyCond(func(_ Env, s *sql.Selector) *sql.Predicate { return status.HasProduct(s.Table(), ps...) })
}

// Kinds matches customers with a current subscription of any of the kinds.
func Kinds(ks ...enum.SubscriptionKind) Criterion {
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		return status.HasSubscription(s.C(customer.FieldID),
			sql.In(subscription.FieldKind, sqlcond.Values(ks)...),
			sql.In(subscription.FieldState, sqlcond.Values(status.CurrentStates)...))
	})
}

// Regions matches customers in any of the regions.
func Regions(rs ...enum.Region) Criterion {
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		return sql.In(s.C(customer.FieldRegion), sqlcond.Values(rs)...)
	})
}

// TagIDs matches customers tagged with any of the tags (or all of them when all is set).
func TagIDs(all bool, ids ...int) Criterion {
	ids = slices.Compact(slices.Sorted(slices.Values(ids))) // a repeat would add a term, or miscount
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		if !all {
			return hasTag(s, func(ct *sql.SelectTable) *sql.Predicate {
				return sql.In(ct.C(customer.TagsPrimaryKey[1]), sqlcond.Values(ids)...)
			})
		}
		// As many of the customer's tags are among ids as there are ids: one term, where a
		// condition per tag would make an expression deeper than SQLite takes.
		ct := sql.Table(customer.TagsTable).As("f_ct")
		among := sql.Select(sql.Count("*")).From(ct).Where(sql.And(
			sql.ColumnsEQ(ct.C(customer.TagsPrimaryKey[0]), s.C(customer.FieldID)),
			sql.In(ct.C(customer.TagsPrimaryKey[1]), sqlcond.Values(ids)...),
		))
		return sql.P(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(among) }).WriteOp(sql.OpEQ).Arg(len(ids)) })
	})
}

// TagNames matches customers tagged with a tag of any of the names, regardless of case.
func TagNames(names ...string) Criterion {
	keys := make([]any, len(names))
	for i, n := range names {
		keys[i] = strings.ToLower(strings.TrimSpace(n))
	}
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		return hasTag(s, func(ct *sql.SelectTable) *sql.Predicate {
			t := sql.Table(tag.Table).As("f_tag")
			return sql.In(ct.C(customer.TagsPrimaryKey[1]),
				sql.Select(t.C(tag.FieldID)).From(t).Where(sql.In(t.C(tag.FieldNameKey), keys...)))
		})
	})
}

func hasTag(s *sql.Selector, cond func(ct *sql.SelectTable) *sql.Predicate) *sql.Predicate {
	ct := sql.Table(customer.TagsTable).As("f_ct")
	return sql.Exists(sql.SelectExpr(sql.Expr("1")).From(ct).Where(sql.And(
		sql.ColumnsEQ(ct.C(customer.TagsPrimaryKey[0]), s.C(customer.FieldID)),
		cond(ct),
	)))
}

// ManagedByMe matches the customers the acting admin is assigned to.
func ManagedByMe() Criterion {
	return cond(func(env Env, s *sql.Selector) *sql.Predicate { return AssignedTo(env.AdminID).where(env, s) })
}

// AssignedTo matches the customers assigned to the admin.
func AssignedTo(adminID int) Criterion {
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		return sql.In(s.C(customer.FieldID), rule.AssignedCustomerIDs(adminID))
	})
}

// CreatedFrom matches customers added at or after t.
func CreatedFrom(t time.Time) Criterion {
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate { return sql.GTE(s.C(customer.FieldCreatedAt), t.UTC()) })
}

// CreatedBefore matches customers added before t.
func CreatedBefore(t time.Time) Criterion {
	return cond(func(_ Env, s *sql.Selector) *sql.Predicate { return sql.LT(s.C(customer.FieldCreatedAt), t.UTC()) })
}

// Text matches customers whose name, org ID or external ID contains text, regardless of case.
func Text(text string) Criterion {
	c := cond(func(_ Env, s *sql.Selector) *sql.Predicate {
		return sqlcond.ContainsFold(text, s.C(customer.FieldName), s.C(customer.FieldOrgID), s.C(customer.FieldExternalID))
	})
	c.searches = true
	return c
}

// All matches every customer.
func All() Criterion {
	return steadyCond(func(Env, *sql.Selector) *sql.Predicate { return sql.P(func(b *sql.Builder) { b.WriteString("1 = 1") }) })
}

// Both matches customers that a and b both match.
func Both(a, b Criterion) Criterion {
	return Criterion{
		where:    func(env Env, s *sql.Selector) *sql.Predicate { return sql.And(a.where(env, s), b.where(env, s)) },
		steady:   a.steady && b.steady,
		searches: a.searches || b.searches,
	}
}

// Kpi matches the customers counted in a headline KPI.
func Kpi(k status.Kpi) Criterion {
	return cond(func(env Env, s *sql.Selector) *sql.Predicate { return env.Rules.KpiPredicate(s, env.PartnerID, k) })
}

// Any matches customers that any of cs matches.
func Any(cs ...Criterion) Criterion {
	return Criterion{
		where: func(env Env, s *sql.Selector) *sql.Predicate {
			ps := make([]*sql.Predicate, len(cs))
			for i, c := range cs {
				ps[i] = c.where(env, s)
			}
			return sql.Or(ps...)
		},
		steady:   Criteria(cs).Steady(),
		searches: Criteria(cs).Searches(),
	}
}
