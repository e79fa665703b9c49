package status

import (
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// ScopeProducts are the products that put a customer in the KPIs' scope.
var ScopeProducts = [...]enum.Product{enum.ProductMeetings, enum.ProductCalling}

// CurrentStates are the subscription states that give a customer its products.
var CurrentStates = []enum.SubscriptionState{enum.StateActive, enum.StatePendingSetup, enum.StateSuspended}

// ProductBits is the set of products as a customer's current_products holds it: bit i
// stands for the i-th of enum.Product's Values.
func ProductBits(ps ...enum.Product) int { return bitsOf(enum.Product("").Values(), ps) }

// Products are the products a customer's current_products (bits, nil for none) holds, in
// enum.Product's order: the products of its lines of current subscriptions and trials.
func Products(bits *int) []enum.Product {
	out := []enum.Product{}
	for i, p := range enum.Product("").Values() {
		if bits != nil && *bits&(1<<i) != 0 {
			out = append(out, enum.Product(p))
		}
	}
	return out
}

// HasProduct is the condition that the customer of alias t has a line of a current
// subscription or trial of any of the products.
func HasProduct(t *sql.SelectTable, ps ...enum.Product) *sql.Predicate {
	return anyBit(t.C(customer.FieldCurrentProducts), ProductBits(ps...))
}

// HoldsProduct is HasProduct spelt as the list of the product sets that hold one of ps:
// an index on current_products finds those rows, and the planner estimates them from the
// column's statistics, which a bit test hides from both. (NULL, no line, holds none.)
func HoldsProduct(t *sql.SelectTable, ps ...enum.Product) *sql.Predicate {
	bits := ProductBits(ps...)
	var sets []any
	for set := 1; set < 1<<len(enum.Product("").Values()); set++ {
		if set&bits != 0 {
			sets = append(sets, set)
		}
	}
	return sql.In(t.C(customer.FieldCurrentProducts), sets...)
}

// StatusBits is the set of customer statuses as a status mask holds them: bit i stands
// for the i-th of enum.CustomerStatus's Values.
func StatusBits(sts ...enum.CustomerStatus) int {
	return bitsOf(enum.CustomerStatus("").Values(), sts)
}

// bitsOf is the set of vs with bit i standing for the i-th of all.
func bitsOf[T ~string](all []string, vs []T) int {
	bits := 0
	for i, v := range all {
		if slices.Contains(vs, T(v)) {
			bits |= 1 << i
		}
	}
	return bits
}

// SubscriptionRule is a status read from a customer's subscriptions and trials: the
// customer has one matching every condition of Has and, when None is set, none matching
// every condition of None (conditions on unqualified subscription columns).
type SubscriptionRule struct{ Has, None []*sql.Predicate }

// SubscriptionRuleOf returns the rule of st when st is read from subscriptions: TRIAL,
// ACTIVE, ORDER_SETUP_PENDING, SUSPENDED and EXPIRED.
func SubscriptionRuleOf(st enum.CustomerStatus) (SubscriptionRule, bool) {
	switch st {
	case enum.StatusTrial:
		return SubscriptionRule{Has: []*sql.Predicate{sql.EQ(subscription.FieldKind, enum.KindTrial), sql.EQ(subscription.FieldState, enum.StateActive)}}, true
	case enum.StatusActive:
		return SubscriptionRule{Has: []*sql.Predicate{sql.EQ(subscription.FieldKind, enum.KindPaid), sql.EQ(subscription.FieldState, enum.StateActive)}}, true
	case enum.StatusOrderSetupPending:
		return SubscriptionRule{Has: []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StatePendingSetup)}}, true
	case enum.StatusSuspended:
		return SubscriptionRule{Has: []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StateSuspended)}}, true
	case enum.StatusExpired:
		return SubscriptionRule{
			Has:  []*sql.Predicate{sql.EQ(subscription.FieldState, enum.StateExpired)},
			None: []*sql.Predicate{sql.In(subscription.FieldState, cond.Values(CurrentStates)...)},
		}, true
	}
	return SubscriptionRule{}, false
}

// HasSubscriptionStatus is the condition that the customer whose subscription_statuses
// is the column col has any of the statuses, each one read from subscriptions.
func HasSubscriptionStatus(col string, sts ...enum.CustomerStatus) *sql.Predicate {
	return anyBit(col, StatusBits(sts...))
}

// anyBit is the condition that the integer column col has any of bits set (false when
// it is null). It is written "> 0" rather than "<> 0": PostgreSQL keeps no statistics of a
// bit test and guesses one row in three for an inequality but one in two hundred for an
// equality, which a negated "<> 0" becomes; a page excluding two statuses would then be
// planned as if almost no customer matched.
func anyBit(col string, bits int) *sql.Predicate {
	return anyBitOf(sql.ExprFunc(func(b *sql.Builder) { b.Ident(col) }), bits)
}

// HasProductValue is HasProduct of a current_products value v (an expression).
func HasProductValue(v sql.Querier, ps ...enum.Product) *sql.Predicate {
	return anyBitOf(v, ProductBits(ps...))
}

// anyBitOf is the condition that the integer v has one of bits set (null has none).
func anyBitOf(v sql.Querier, bits int) *sql.Predicate {
	return sql.P(func(b *sql.Builder) {
		b.WriteString("(COALESCE(").Join(v).WriteString(", 0) & ").Arg(bits).WriteString(") > 0")
	})
}

// IsTrue is the condition that the boolean column col is true (false when it is null).
// It is written as the bare column, the form the partial indexes over these facts use.
func IsTrue(col string) *sql.Predicate {
	return sql.P(func(b *sql.Builder) { b.Ident(col) })
}

// ActiveLine is the condition that the license line of alias t belongs to an ACTIVE
// subscription or trial.
func ActiveLine(t *sql.SelectTable) *sql.Predicate { return IsTrue(t.C(license.FieldActive)) }

// ScopeLine is the condition that the license line of alias t puts its customer in the
// KPIs' scope: a line of an ACTIVE subscription or trial of a KPI product.
func ScopeLine(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{ActiveLine(t), sql.In(t.C(license.FieldProduct), cond.Values(ScopeProducts[:])...)}
}

// OverLimitLine is the condition that the license line of alias t is over its limit: a
// line of an ACTIVE subscription or trial with more licenses assigned than purchased. It is
// the LICENSE_OVERAGE status, the over-limit KPI and the over-limit
// analytics.
func OverLimitLine(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{ActiveLine(t), sql.ColumnsGT(t.C(license.FieldAssigned), t.C(license.FieldTotal))}
}

// EndingSubscription is the condition that the subscription or trial of alias t ends
// without renewing: it is ACTIVE and not auto-renewing. A customer's expires_at is the
// earliest end among these.
func EndingSubscription(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(t.C(subscription.FieldState), enum.StateActive),
		sql.EQ(t.C(subscription.FieldAutoRenew), false),
	}
}

// RenewingSubscription is the condition that the subscription of alias t renews itself:
// it is ACTIVE, paid (a trial renews nothing, whatever its flag) and auto-renewing. A
// line's renews_at is its renewal date when it does.
func RenewingSubscription(t *sql.SelectTable) []*sql.Predicate {
	return []*sql.Predicate{
		sql.EQ(t.C(subscription.FieldState), enum.StateActive),
		sql.EQ(t.C(subscription.FieldKind), enum.KindPaid),
		sql.EQ(t.C(subscription.FieldAutoRenew), true),
	}
}
