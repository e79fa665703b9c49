package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
)

// LicenseWeek is what a customer's license lines of one product sum to in one past week
// of the license distribution trend (package facts states the rule), for each week a trend
// has asked of its partner and product (LicenseTrendWeek). Package facts keeps it from the
// lines, their subscriptions and their snapshots in the same transaction as their writes;
// it is never written through the ent client.
type LicenseWeek struct {
	ent.Schema
}

// Mixin of the LicenseWeek.
func (LicenseWeek) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{Covered: true}}
}

// Fields of the LicenseWeek.
func (LicenseWeek) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("product").GoType(enum.Product("")).Immutable(),
		field.Time("week_start").Immutable().Comment("the Sunday 00:00 UTC starting the week"),
		field.Int64("total"),
		field.Int64("assigned"),
		field.Int64("used"),
	}
}

// Indexes of the LicenseWeek.
func (LicenseWeek) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "product", "week_start").Unique(),
		// A trend sums the weeks of its partner and product from this index alone.
		index.Fields("partner_id", "product", "week_start").
			Annotations(entsql.IncludeColumns("customer_id", "total", "assigned", "used")),
	}
}

// Policy of the LicenseWeek (on top of its mixins' tenant and visibility rules).
func (LicenseWeek) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
