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

// SubscriptionOrder is one entry of a subscription's order history.
type SubscriptionOrder struct {
	ent.Schema
}

// Mixin of the SubscriptionOrder.
func (SubscriptionOrder) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the SubscriptionOrder.
func (SubscriptionOrder) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").Immutable(),
		field.String("number").NotEmpty().MaxLen(100),
		field.Time("ordered_at"),
		field.Enum("action").GoType(enum.OrderAction("")),
		field.Enum("product").GoType(enum.Product("")),
		field.Int("previous_quantity").NonNegative(),
		field.Int("new_quantity").NonNegative(),
	}
}

// Edges of the SubscriptionOrder.
func (SubscriptionOrder) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", Subscription.Type).Ref("orders").Field("subscription_id").Unique().Required().Immutable(),
	}
}

// Indexes of the SubscriptionOrder.
func (SubscriptionOrder) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subscription_id", "ordered_at"),
	}
}

// Policy of the SubscriptionOrder (on top of its mixins' tenant and visibility rules).
func (SubscriptionOrder) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
