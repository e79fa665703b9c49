package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// CallingUserWeek is the rollup of one calling user's week: the distinct calls among the
// user's legs started in the week, maintained at ingest like CallingDay.
type CallingUserWeek struct {
	ent.Schema
}

// Mixin of the CallingUserWeek.
func (CallingUserWeek) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{Covered: true}}
}

// Fields of the CallingUserWeek.
func (CallingUserWeek) Fields() []ent.Field {
	return []ent.Field{
		field.String("user_id").MaxLen(100),
		field.Int("week").Comment("the Sunday starting the week, as days since 1970-01-01"),
		field.Int64("calls").Default(0),
	}
}

// Indexes of the CallingUserWeek.
func (CallingUserWeek) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "user_id", "week").Unique(),
		index.Fields("customer_id", "week"),
	}
}

// Policy of the CallingUserWeek (on top of its mixins' tenant and visibility rules).
func (CallingUserWeek) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
