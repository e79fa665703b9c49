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

// PhoneNumber is a number of a customer's calling inventory.
type PhoneNumber struct {
	ent.Schema
}

// Mixin of the PhoneNumber.
func (PhoneNumber) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the PhoneNumber.
func (PhoneNumber) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").NotEmpty().MaxLen(100),
		field.Int("location_id").Optional().Nillable(),
		field.String("country").MaxLen(2),
		field.String("number").NotEmpty().MaxLen(32),
		field.String("extension").Optional().Nillable().MaxLen(16),
		field.String("pstn_connection").MaxLen(100),
		field.Bool("active").Default(true),
		field.Enum("user_type").GoType(enum.PhoneUserType("")),
		field.Enum("number_type").GoType(enum.NumberType("")),
		field.String("user_id").Optional().Nillable().MaxLen(100),
		field.String("user_uuid").Optional().Nillable().MaxLen(36),
	}
}

// Edges of the PhoneNumber.
func (PhoneNumber) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("phone_numbers").Field("customer_id").Unique().Required().Immutable(),
		edge.To("location", Location.Type).Field("location_id").Unique(),
	}
}

// Indexes of the PhoneNumber.
func (PhoneNumber) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "external_id").Unique(),
	}
}

// Policy of the PhoneNumber (on top of its mixins' tenant and visibility rules).
func (PhoneNumber) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
