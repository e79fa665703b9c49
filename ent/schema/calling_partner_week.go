package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
)

// CallingPartnerWeek is a partner's week: the sums of the week rollups (CallingWeek) of
// its customers that have a current Calling line, so that a viewer who sees every
// customer reads one row per week whatever the partner's size. It follows every change
// of those rollups and every change of a customer's current products, in the same
// transaction; it is never written through the ent client.
type CallingPartnerWeek struct {
	ent.Schema
}

// Mixin of the CallingPartnerWeek.
func (CallingPartnerWeek) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}}
}

// Fields of the CallingPartnerWeek.
func (CallingPartnerWeek) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("week").Comment("the Sunday starting the week, as days since 1970-01-01"),
	}
	for _, c := range callingDayCounters {
		fields = append(fields, field.Int64(c).Default(0))
	}
	for _, c := range callingUserCounters {
		fields = append(fields, field.Int64(c).Default(0))
	}
	return fields
}

// Indexes of the CallingPartnerWeek.
func (CallingPartnerWeek) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "week").Unique(),
	}
}

// Policy of the CallingPartnerWeek (on top of its mixin's tenant rules).
func (CallingPartnerWeek) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()},
	}
}
