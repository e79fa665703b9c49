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

// Device is a calling device (desk phone, room device) of a customer.
type Device struct {
	ent.Schema
}

// Mixin of the Device.
func (Device) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the Device.
func (Device) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").NotEmpty().MaxLen(100),
		field.Int("location_id").Optional().Nillable(),
		field.String("product").MaxLen(100).Comment("device model, e.g. Desk Phone 9861"),
		field.String("mac").MaxLen(17),
		field.String("firmware").MaxLen(100),
		field.String("phone_number").Optional().Nillable().MaxLen(32),
		field.String("extension").Optional().Nillable().MaxLen(16),
		field.String("user_id").Optional().Nillable().MaxLen(100),
		field.String("user_uuid").Optional().Nillable().MaxLen(36),
	}
}

// Edges of the Device.
func (Device) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("devices").Field("customer_id").Unique().Required().Immutable(),
		edge.To("location", Location.Type).Field("location_id").Unique(),
	}
}

// Indexes of the Device.
func (Device) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "external_id").Unique(),
	}
}

// Policy of the Device (on top of its mixins' tenant and visibility rules).
func (Device) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
