package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// ReportSchedule generates a report daily, weekly or monthly.
type ReportSchedule struct {
	ent.Schema
}

// Mixin of the ReportSchedule.
func (ReportSchedule) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the ReportSchedule.
func (ReportSchedule) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("template").GoType(enum.ReportTemplate("")),
		field.JSON("parameters", map[string]string{}).Optional(),
		field.Enum("region").GoType(enum.Region("")),
		field.Enum("frequency").GoType(enum.Frequency("")),
		field.Time("next_run_at"),
		field.Bool("enabled").Default(true),
		field.Int("created_by_id").Optional().Nillable(),
	}
}

// Indexes of the ReportSchedule.
func (ReportSchedule) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("enabled", "next_run_at"),
	}
}
