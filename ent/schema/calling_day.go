package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// CallingDay is the rollup of a customer's call legs at one location, through one call
// queue (or none), on one UTC day, maintained at ingest in the same transaction as the
// legs; calling analytics read it instead of the raw legs.
type CallingDay struct {
	ent.Schema
}

// Mixin of the CallingDay.
func (CallingDay) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{Covered: true}}
}

// callingDayCounters are the rollup's figures, in the order graph/calling keeps them.
var callingDayCounters = []string{
	"legs", "poor_legs", "measured_legs", "seconds", "video_seconds", "audio_legs", "video_legs",
	"webex_app_legs", "desk_phone_legs", "room_device_legs", "other_legs",
	"webex_app_poor", "desk_phone_poor", "room_device_poor", "other_poor",
	"webex_app_measured", "desk_phone_measured", "room_device_measured", "other_measured",
	"calls", "hunt_group_calls", "auto_attendant_calls", "call_queue_calls",
	"queue_legs", "answered", "abandoned", "timed_out", "overflow", "transferred",
	"answered_wait", "abandoned_wait", "timed_out_wait", "overflow_wait", "transferred_wait",
}

// Fields of the CallingDay.
func (CallingDay) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("location_id").Default(0).Comment("the location of the legs; 0 for legs without one"),
		field.Int("queue_id").Default(0).Comment("the call queue of the legs; 0 for legs without one"),
		field.Int("day").Comment("the UTC day, as days since 1970-01-01"),
		field.Int("week").Comment("the Sunday starting the day's week, as days since 1970-01-01"),
	}
	for _, c := range callingDayCounters {
		fields = append(fields, field.Int64(c).Default(0))
	}
	return fields
}

// Indexes of the CallingDay.
func (CallingDay) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "location_id", "queue_id", "day").Unique(),
		index.Fields("customer_id", "week"),
	}
}

// Policy of the CallingDay (on top of its mixins' tenant and visibility rules).
func (CallingDay) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
