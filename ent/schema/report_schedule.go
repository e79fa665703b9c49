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

// ReportSchedule generates a report daily, weekly or monthly, as the admin who made it.
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
		field.Int("template_id").Optional().Nillable().Comment("the custom template; nil for a default one"),
		field.Enum("kind").GoType(enum.ReportKind("")).Comment("the default template, or the custom one's kind"),
		field.Enum("region").GoType(enum.Region("")),
		field.Enum("frequency").GoType(enum.Frequency("")),
		field.Int("day_of_week").Default(0).Comment("0 = Sunday; weekly schedules"),
		field.Int("day_of_month").Default(1).Comment("1–31, the last day of shorter months; monthly schedules"),
		field.Int("hour_utc").Default(0),
		field.Time("next_run_at"),
		field.Int("created_by_id"),
	}
}

// Indexes of the ReportSchedule.
func (ReportSchedule) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("next_run_at"),
	}
}

// Policy of the ReportSchedule: like reports, and an ADMIN sees only their own schedules.
func (ReportSchedule) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.RequireRead("reports", (*viewer.Viewer).CanReport), rule.FilterOwnRows("created_by_id")},
		Mutation: privacy.MutationPolicy{rule.Require("schedule reports", (*viewer.Viewer).CanReport), rule.FilterOwnRows("created_by_id")},
	}
}
