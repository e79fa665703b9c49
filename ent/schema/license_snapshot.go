package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// LicenseSnapshot is a license line's figures at the start of one week (Sunday 00:00 UTC),
// the history behind weekly changes and trends.
type LicenseSnapshot struct {
	ent.Schema
}

// Mixin of the LicenseSnapshot.
func (LicenseSnapshot) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the LicenseSnapshot.
func (LicenseSnapshot) Fields() []ent.Field {
	return []ent.Field{
		field.Int("license_id").Immutable(),
		field.Enum("product").GoType(enum.Product("")).Immutable(),
		field.Time("week_start"),
		field.Time("as_of").Optional().Nillable().Comment("the day within the week the figures are from; the latest day wins"),
		field.Int("total").NonNegative(),
		field.Int("assigned").NonNegative(),
		field.Int("used").NonNegative(),
	}
}

// Edges of the LicenseSnapshot.
func (LicenseSnapshot) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("license", License.Type).Ref("snapshots").Field("license_id").Unique().Required().Immutable(),
	}
}

// Indexes of the LicenseSnapshot.
func (LicenseSnapshot) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("license_id", "week_start").Unique(),
		index.Fields("partner_id", "product", "week_start"),
	}
}

// Policy of the LicenseSnapshot (on top of its mixins' tenant and visibility rules).
func (LicenseSnapshot) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
