package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// CallingWeek is the rollup of a customer's week: the sums of its day rollups and the
// counts of its active users, kept at ingest in the same transaction (an ingest adds to it
// exactly what it adds to those), so that a partner's week is one aggregate over at most
// one row per customer.
type CallingWeek struct {
	ent.Schema
}

// Mixin of the CallingWeek.
func (CallingWeek) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the CallingWeek.
func (CallingWeek) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("week").Comment("the Sunday starting the week, as days since 1970-01-01"),
	}
	for _, c := range callingDayCounters {
		fields = append(fields, field.Int64(c).Default(0))
	}
	for i, c := range callingUserCounters {
		fields = append(fields, field.Int64(c).Default(0).Comment(callingUserCounterComments[i]))
	}
	return fields
}

// callingUserCounters are the week's counts of active users, in the order graph/calling
// keeps them.
var (
	callingUserCounters        = []string{"users", "users_1_to_5", "users_6_to_20", "users_over_20"}
	callingUserCounterComments = []string{"the users with a call in the week", "the users with 1 to 5 calls in the week",
		"the users with 6 to 20 calls in the week", "the users with more than 20 calls in the week"}
)

// Indexes of the CallingWeek.
func (CallingWeek) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "week").Unique(),
		// The trends and the figures the customer tables order by are read from the index
		// alone.
		index.Fields("partner_id", "week").
			Annotations(entsql.IncludeColumns("customer_id", "legs", "poor_legs", "measured_legs", "calls",
				"seconds", "video_seconds", "queue_legs", "abandoned", "users", "users_1_to_5", "users_6_to_20", "users_over_20")),
		// The customer tables' default orders (most calls, poor legs, queue legs) read their
		// first pages in the order of these.
		index.Fields("partner_id", "week", "calls", "customer_id"),
		index.Fields("partner_id", "week", "poor_legs", "customer_id"),
		index.Fields("partner_id", "week", "queue_legs", "customer_id"),
	}
}

// Policy of the CallingWeek (on top of its mixins' tenant and visibility rules).
func (CallingWeek) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
