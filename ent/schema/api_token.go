package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
)

// ApiToken is a role-scoped token minted by an admin; the secret itself is never stored,
// only its ID (the JWT's jti) for revocation.
type ApiToken struct {
	ent.Schema
}

// Mixin of the ApiToken.
func (ApiToken) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the ApiToken.
func (ApiToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("jti").NotEmpty().Unique().Immutable(),
		field.String("name").NotEmpty().MaxLen(100),
		field.Enum("role").GoType(enum.Role("")).Immutable(),
		field.Strings("scopes").Optional().Immutable(),
		field.Int("admin_id").Immutable().Comment("the admin the token acts as, who minted it"),
		field.Time("expires_at").Immutable(),
		field.Time("revoked_at").Optional().Nillable(),
		field.Time("last_used_at").Optional().Nillable(),
		field.Int("parent_id").Optional().Nillable().Immutable().
			Comment("the token that minted it through the API: the token expires no later and is revoked with it"),
	}
}

// Edges of the ApiToken.
func (ApiToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("admin", Admin.Type).Ref("api_tokens").Field("admin_id").Unique().Required().Immutable(),
		edge.To("children", ApiToken.Type).From("parent").Field("parent_id").Unique().Immutable(),
	}
}

// Indexes of the ApiToken.
func (ApiToken) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "created_at"),
		index.Fields("parent_id"),
	}
}

// Policy of the ApiToken (on top of its mixins' tenant and visibility rules).
func (ApiToken) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.OwnTokens()},
		Mutation: privacy.MutationPolicy{rule.OwnTokens(), rule.MintOwnTokens()},
	}
}
