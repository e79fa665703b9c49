package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// ReportTemplates are the CSV reports the server can generate.
var ReportTemplates = enum.ReportTemplate("").Values()

// Report is one generated (or generating) CSV report.
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
		field.Enum("template").GoType(enum.ReportTemplate("")),
		field.JSON("parameters", map[string]string{}).Optional(),
		field.Enum("region").GoType(enum.Region("")),
		field.Enum("state").GoType(enum.ReportState("")).Default("PENDING"),
		field.String("file_name").Optional(),
		field.Int64("size_bytes").Optional(),
		field.String("error").Optional(),
		field.Int("created_by_id").Optional().Nillable(),
		field.Int("schedule_id").Optional().Nillable(),
		field.Time("completed_at").Optional().Nillable(),
	}
}

// Indexes of the Report.
func (Report) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "created_at"),
	}
}
