package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// AuditEvent records who did which mutation to what, and when. It is append-only.
type AuditEvent struct {
	ent.Schema
}

// Mixin of the AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("actor_id").Optional().Nillable().Immutable().Comment("the admin who acted"),
		field.String("token_id").Optional().Immutable(),
		field.String("action").NotEmpty().Immutable(),
		field.Strings("target_ids").Optional().Immutable(),
		field.String("summary").Immutable(),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "created_at"),
		index.Fields("partner_id", "action"),
	}
}

// Policy of the AuditEvent: on top of the tenant rules, events are never changed or removed.
func (AuditEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{rule.RequireRead("the audit trail", (*viewer.Viewer).CanReadAudit)},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(privacy.AlwaysDenyRule(), ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne),
		},
	}
}
