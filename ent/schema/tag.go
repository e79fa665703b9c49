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

// Tag is a partner-defined label on customers.
type Tag struct {
	ent.Schema
}

// Mixin of the Tag.
func (Tag) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the Tag.
func (Tag) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(25),
		field.String("name_key").NotEmpty().MaxLen(100).Comment("lower-cased name: uniqueness is case-insensitive"),
		field.String("color").Optional().MaxLen(7),
		field.String("description").Optional().MaxRuneLen(500),
		field.Int("created_by_id").Optional().Nillable(),
	}
}

// Edges of the Tag.
func (Tag) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customers", Customer.Type).Ref("tags"),
		edge.To("created_by", Admin.Type).Field("created_by_id").Unique(),
	}
}

// Indexes of the Tag.
func (Tag) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "name_key").Unique(),
	}
}

// Policy of the Tag (on top of its mixins' tenant and visibility rules).
func (Tag) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("edit tags", (*viewer.Viewer).CanEditTags)},
	}
}
