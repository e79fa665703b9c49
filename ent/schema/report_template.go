package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// ReportTemplate is a partner's own report template: a subset, in its order, of the
// columns of a default template (the defaults are built in, not stored).
type ReportTemplate struct {
	ent.Schema
}

// Mixin of the ReportTemplate.
func (ReportTemplate) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the ReportTemplate.
func (ReportTemplate) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(100),
		field.Enum("kind").GoType(enum.ReportKind("")),
		field.JSON("columns", []string{}),
		field.Int("created_by_id").Optional().Nillable(),
	}
}

// Indexes of the ReportTemplate.
func (ReportTemplate) Indexes() []ent.Index {
	return []ent.Index{index.Fields("partner_id", "name")}
}

// Policy of the ReportTemplate: reading and changing templates needs the reports scope.
func (ReportTemplate) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.RequireRead("reports", (*viewer.Viewer).CanReport)},
		Mutation: privacy.MutationPolicy{rule.Require("manage reports", (*viewer.Viewer).CanReport)},
	}
}
