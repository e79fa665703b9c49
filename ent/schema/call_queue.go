package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// CallQueue is a customer's queue that routes callers to agents.
type CallQueue struct {
	ent.Schema
}

// Mixin of the CallQueue.
func (CallQueue) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the CallQueue.
func (CallQueue) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").NotEmpty().MaxLen(100),
		field.String("name").NotEmpty().MaxLen(200),
		field.Int("location_id").Optional().Nillable(),
	}
}

// Edges of the CallQueue.
func (CallQueue) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("call_queues").Field("customer_id").Unique().Required().Immutable(),
		edge.To("location", Location.Type).Field("location_id").Unique(),
	}
}

// Indexes of the CallQueue.
func (CallQueue) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "external_id").Unique(),
		// Whether a customer has a queue, for the analytics' queue scope.
		index.Fields("partner_id", "customer_id"),
	}
}

// Policy of the CallQueue (on top of its mixins' tenant and visibility rules).
func (CallQueue) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
