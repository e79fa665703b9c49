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
	"github.com/partnerhub/partnerhub-api/ent/viewer"
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
		field.Time("removed_at").Optional().Nillable().
			Comment("when the admin was removed: the row stays so that audit events keep naming them"),
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
		// Unique among current admins only: a removed admin's email may be invited again.
		index.Fields("partner_id", "email").Unique().StorageKey("admin_current_email").
			Annotations(entsql.IndexWhere("removed_at IS NULL")),
		index.Fields("partner_id", "role"),
	}
}

// Policy of the Admin (on top of its mixins' tenant and visibility rules): only those who
// manage admins change them, and admins are never deleted (removal keeps the row).
func (Admin) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(privacy.AlwaysDenyRule(), ent.OpDelete|ent.OpDeleteOne),
			rule.Require("manage admins", (*viewer.Viewer).CanManageAdmins),
		},
	}
}
