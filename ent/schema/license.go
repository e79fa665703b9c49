package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
)

// Products of the collaboration suite a license line can be for.
var Products = enum.Product("").Values()

// License is one product line of a subscription.
type License struct {
	ent.Schema
}

// Mixin of the License.
func (License) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the License.
func (License) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").Immutable(),
		field.Enum("product").GoType(enum.Product("")).Immutable(),
		field.Int("total").NonNegative().Comment("licenses purchased"),
		field.Int("assigned").NonNegative(),
		field.Int("used").NonNegative().Comment("distinct users active in the last 7 days"),
		field.Int("used_90d").NonNegative().Comment("distinct users active in the last 90 days"),
		field.Time("usage_as_of").Optional().Nillable().Comment("day of the latest recorded usage figures"),
		// Facts kept by package facts from the line and its subscription, never set
		// directly; null until first computed.
		field.Bool("active").Optional().Nillable().Comment("the subscription or trial is ACTIVE"),
		field.Time("started_at").Optional().Nillable().Comment("when the subscription or trial was added"),
		field.Float("assignment_ratio").Optional().Nillable().Comment("assigned / total; null when total is 0"),
		field.Time("ending_at").Optional().Nillable().Comment("when its subscription or trial ends, if ACTIVE and not auto-renewing"),
		field.Time("renews_at").Optional().Nillable().Comment("when its subscription renews, if ACTIVE, paid and auto-renewing"),
	}
}

// Edges of the License.
func (License) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", Subscription.Type).Ref("licenses").Field("subscription_id").Unique().Required().Immutable(),
		edge.From("customer", Customer.Type).Ref("licenses").Field("customer_id").Unique().Required().Immutable(),
		edge.To("snapshots", LicenseSnapshot.Type),
	}
}

// Indexes of the License.
func (License) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subscription_id", "product").Unique(),
		index.Fields("partner_id", "product"),
		// The over-limit KPI and analytics read only these lines.
		index.Fields("partner_id").StorageKey("license_over_limit").
			Annotations(entsql.IndexWhere("assigned > total")),
		// The median assignment ratio and the low lines read the ACTIVE lines
		// of a product in ratio order from this index alone.
		index.Fields("partner_id", "product", "assignment_ratio").StorageKey("license_assignment").
			Annotations(entsql.IndexWhere("active"), entsql.IncludeColumns("customer_id", "started_at")),
		// The expiring, renewing and recently added analytics read their lines, in date
		// order, from these.
		index.Fields("partner_id", "product", "ending_at").StorageKey("license_ending").
			Annotations(entsql.IndexWhere("ending_at IS NOT NULL")),
		index.Fields("partner_id", "product", "renews_at").StorageKey("license_renewing").
			Annotations(entsql.IndexWhere("renews_at IS NOT NULL")),
		index.Fields("partner_id", "product", "started_at").StorageKey("license_started"),
	}
}

// Policy of the License (on top of its mixins' tenant and visibility rules).
func (License) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.RequireIngestOrTrial()},
	}
}
