package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
)

// Admin is a partner admin who signs in to the partner hub.
type Admin struct {
	ent.Schema
}

// Mixin of the Admin.
func (Admin) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the Admin.
func (Admin) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().MaxLen(254).Comment("stored lower-case"),
		field.String("display_name").MaxLen(200),
		field.Enum("role").GoType(enum.Role("")),
		field.Time("last_sign_in_at").Optional().Nillable(),
	}
}

// Edges of the Admin.
func (Admin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customers", Customer.Type).Ref("admins").Comment("customers this admin is assigned to manage"),
		edge.To("api_tokens", ApiToken.Type),
	}
}

// Indexes of the Admin.
func (Admin) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "email").Unique(),
		index.Fields("partner_id", "role"),
	}
}

// Policy of the Admin (on top of its mixins' tenant and visibility rules).
func (Admin) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
