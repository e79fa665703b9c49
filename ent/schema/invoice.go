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

// Invoice is a bill issued for a subscription.
type Invoice struct {
	ent.Schema
}

// Mixin of the Invoice.
func (Invoice) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CustomerOwnedMixin{}}
}

// Fields of the Invoice.
func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id").Immutable(),
		field.String("number").NotEmpty().MaxLen(100),
		field.Time("issued_on"),
		field.Int64("amount_cents").Comment("amount in the currency's minor unit"),
		field.String("currency").MinLen(3).MaxLen(3),
		field.Enum("status").GoType(enum.InvoiceStatus("")),
	}
}

// Edges of the Invoice.
func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", Subscription.Type).Ref("invoices").Field("subscription_id").Unique().Required().Immutable(),
	}
}

// Indexes of the Invoice.
func (Invoice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subscription_id", "number").Unique(),
	}
}

// Policy of the Invoice (on top of its mixins' tenant and visibility rules).
func (Invoice) Policy() ent.Policy {
	return privacy.Policy{
		Mutation: privacy.MutationPolicy{rule.Require("push data in", (*viewer.Viewer).CanIngest)},
	}
}
