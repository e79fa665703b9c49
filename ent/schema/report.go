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

// Report is one generated (or generating) CSV report. It keeps the template's name, kind
// and columns as they were when it was asked for, so it reads the same after the template
// changes or goes.
type Report struct {
	ent.Schema
}

// Mixin of the Report.
func (Report) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the Report.
func (Report) Fields() []ent.Field {
	return []ent.Field{
		field.Int("template_id").Optional().Nillable().Comment("the custom template; nil for a default one"),
		field.String("template_name"),
		field.Enum("kind").GoType(enum.ReportKind("")),
		field.JSON("columns", []string{}),
		field.Enum("region").GoType(enum.Region("")),
		field.Time("from").Optional().Nillable().Comment("first day covered (calling usage)"),
		field.Time("to").Optional().Nillable().Comment("last day covered (calling usage)"),
		field.Enum("state").GoType(enum.ReportState("")).Default(string(enum.ReportQueued)),
		field.String("file_name"),
		field.Int("row_count").Default(0),
		field.Int64("byte_size").Default(0),
		field.String("error").Optional().Nillable(),
		field.Int("attempts").Default(0).Comment("generations tried"),
		field.Time("retry_at").Optional().Nillable().Comment("when a failed scheduled run is tried again"),
		field.String("file_path").Optional().Nillable().Comment("the file in the report directory; nil when stored in the database"),
		field.Int("created_by_id"),
		field.Int("schedule_id").Optional().Nillable(),
		field.Time("updated_at"),
		field.Time("completed_at").Optional().Nillable(),
		field.Time("expires_at").Optional().Nillable(),
	}
}

// Indexes of the Report.
func (Report) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "created_at"),
		index.Fields("state", "expires_at"),
		index.Fields("state", "retry_at"),
	}
}

// Policy of the Report: reading and asking for reports needs the reports scope, and an
// ADMIN sees only the reports they asked for (those hold only customers assigned to them).
func (Report) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.RequireRead("reports", (*viewer.Viewer).CanReport), rule.FilterOwnRows("created_by_id")},
		Mutation: privacy.MutationPolicy{rule.Require("generate reports", (*viewer.Viewer).CanReport), rule.FilterOwnRows("created_by_id")},
	}
}
