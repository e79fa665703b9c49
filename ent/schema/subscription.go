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

// Subscription is a paid subscription or a trial of a customer.
type Subscription struct {
	ent.Schema
}

// Mixin of the Subscription.
func (Subscription) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}, CreatedAtMixin{}}
}

// Fields of the Subscription.
func (Subscription) Fields() []ent.Field {
	return []ent.Field{
		field.String("subscription_id").NotEmpty().MaxLen(100).Comment("external ID shown to users; the enterprise trial ID for a trial"),
		field.Enum("kind").GoType(enum.SubscriptionKind("")),
		field.Enum("state").GoType(enum.SubscriptionState("")),
		field.Time("started_at").Comment("when the subscription was added"),
		field.Time("ends_at"),
		field.Bool("auto_renew").Default(false),
		field.Time("renewal_date").Optional().Nillable().Comment("equals ends_at when auto-renewing"),
	}
}

// Edges of the Subscription.
func (Subscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("subscriptions").Field("customer_id").Unique().Required().Immutable(),
		edge.To("licenses", License.Type),
		edge.To("invoices", Invoice.Type),
		edge.To("orders", SubscriptionOrder.Type),
	}
}

// Indexes of the Subscription.
func (Subscription) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "subscription_id").Unique(),
		index.Fields("customer_id", "state", "kind"),
		index.Fields("partner_id", "state", "ends_at"),
		index.Fields("partner_id", "started_at"),
		// The approaching-expiration and upcoming-renewal windows read only
		// these subscriptions; the predicates stay on one boolean column so that
		// PostgreSQL stores them as written and migrations do not rebuild the indexes.
		// The columns the windows also test are included, so that the KPIs read the
		// customers in a window from the index alone.
		index.Fields("partner_id", "ends_at").StorageKey("subscription_expiring").
			Annotations(entsql.IndexWhere("NOT auto_renew"), entsql.IncludeColumns("state", "customer_id")),
		index.Fields("partner_id", "renewal_date").StorageKey("subscription_renewing").
			Annotations(entsql.IndexWhere("auto_renew"), entsql.IncludeColumns("state", "kind", "customer_id")),
	}
}

// Policy of the Subscription (on top of its mixins' tenant and visibility rules).
func (Subscription) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.RequireIngestOrTrial()},
	}
}
