package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
)

// LicenseTrendWeek is a past week whose LicenseWeek rows are kept for every customer of
// the partner with lines of the product, and their sums over the partner: computed the
// first time a trend asks for the week, then kept by package facts. It is never written
// through the ent client.
type LicenseTrendWeek struct {
	ent.Schema
}

// Mixin of the LicenseTrendWeek.
func (LicenseTrendWeek) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}}
}

// Fields of the LicenseTrendWeek.
func (LicenseTrendWeek) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("product").GoType(enum.Product("")).Immutable(),
		field.Time("week_start").Immutable().Comment("the Sunday 00:00 UTC starting the week"),
		field.Time("week_end").Immutable().Comment("seven days after week_start"),
		field.Int64("total").Default(0).Comment("the sum of the week's LicenseWeek rows of the partner and product"),
		field.Int64("assigned").Default(0),
		field.Int64("used").Default(0),
	}
}

// Indexes of the LicenseTrendWeek.
func (LicenseTrendWeek) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "product", "week_start").Unique(),
	}
}

// Policy of the LicenseTrendWeek (on top of its mixin's tenant rules).
func (LicenseTrendWeek) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
