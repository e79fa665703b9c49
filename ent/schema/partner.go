package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/settings"
)

// Partner is the tenant: a reseller or service provider that manages customer organisations.
type Partner struct {
	ent.Schema
}

// Mixin of the Partner.
func (Partner) Mixin() []ent.Mixin {
	return []ent.Mixin{CreatedAtMixin{}}
}

// Fields of the Partner.
func (Partner) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.String("org_id").NotEmpty().Unique().Immutable().Comment("the partner's own organisation ID (UUID)"),
		field.JSON("settings", settings.Partner{}).Default(settings.Partner{}).Comment("thresholds of the status, KPI and analytics rules; zero values take the defaults"),
		field.Bool("quality_rebuilding").Default(false).Comment("set while the call-quality rollups are recomputed with new thresholds"),
	}
}

// Policy of the Partner: a viewer sees only its own partner; only internal jobs change partners.
func (Partner) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyIfNoViewer(),
			rule.AllowIfSystem(),
			rule.FilterOwnPartner(),
		},
		Mutation: privacy.MutationPolicy{
			rule.AllowIfSystem(),
			privacy.AlwaysDenyRule(),
		},
	}
}
