package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// CallLeg is one participant's leg of a call; the legs of one call share its call ID.
type CallLeg struct {
	ent.Schema
}

// Mixin of the CallLeg.
func (CallLeg) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{Covered: true}}
}

// Fields of the CallLeg.
func (CallLeg) Fields() []ent.Field {
	return []ent.Field{
		field.String("leg_id").NotEmpty().MaxLen(100).Immutable().Comment("the integrator's ID of the leg"),
		field.String("call_id").NotEmpty().MaxLen(100),
		field.Int("location_id").Optional().Nillable(),
		field.String("user_id").MaxLen(100),
		field.Time("started_at"),
		field.Int("duration_seconds").NonNegative(),
		field.Enum("direction").GoType(enum.CallDirection("")),
		field.Enum("media").GoType(enum.Media("")),
		field.Enum("endpoint_type").GoType(enum.EndpointType("")),
		// The media metrics are set together or not at all: legs without them are unmeasured.
		field.Float("jitter_ms").Min(0).Optional().Nillable(),
		field.Float("latency_ms").Min(0).Optional().Nillable(),
		field.Float("packet_loss_pct").Min(0).Max(100).Optional().Nillable(),
		field.Enum("feature").GoType(enum.CallFeature("")).Default("NONE"),
		field.Int("queue_id").Optional().Nillable(),
		field.Enum("queue_outcome").GoType(enum.QueueOutcome("")).Optional().Nillable(),
		field.Int("wait_seconds").NonNegative().Optional().Nillable(),
	}
}

// Edges of the CallLeg.
func (CallLeg) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("call_legs").Field("customer_id").Unique().Required().Immutable(),
		edge.To("location", Location.Type).Field("location_id").Unique(),
		edge.To("queue", CallQueue.Type).Field("queue_id").Unique(),
	}
}

// Indexes of the CallLeg.
func (CallLeg) Indexes() []ent.Index {
	return []ent.Index{
		// Every index slows ingest down: these are the ones a query reads through. Ingest
		// skips the leg IDs already stored.
		index.Fields("partner_id", "leg_id").Unique(),
		// Ingest reads the known legs of a call to keep its rollups exact; the backfill and
		// the quality rebuild read a customer's legs.
		index.Fields("customer_id", "call_id"),
		// Retention deletes the legs started before a day, whatever their partner.
		index.Fields("started_at"),
	}
}

// Policy of the CallLeg (on top of its mixins' tenant and visibility rules).
func (CallLeg) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
