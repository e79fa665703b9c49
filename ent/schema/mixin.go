package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TenantMixin gives an entity its partner and the privacy policy that confines every
// query and mutation to the viewer's partner.
type TenantMixin struct {
	mixin.Schema
}

// Fields of the TenantMixin.
func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("partner_id").Immutable(),
	}
}

// Edges of the TenantMixin.
func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("partner", Partner.Type).Field("partner_id").Unique().Required().Immutable(),
	}
}

// CreatedAtMixin stamps the time a row was created.
type CreatedAtMixin struct {
	mixin.Schema
}

// Fields of the CreatedAtMixin.
func (CreatedAtMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

// CustomerOwnedMixin links an entity to the customer it belongs to; customer_id is
// denormalised onto every customer-owned row so visibility and analytics filter on it directly.
type CustomerOwnedMixin struct {
	mixin.Schema
	// Covered says the entity's own indexes lead with customer_id: the mixin adds no index
	// of its own, which would only slow every write down.
	Covered bool
}

// Fields of the CustomerOwnedMixin.
func (CustomerOwnedMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("customer_id").Immutable(),
	}
}

// Policy of the CustomerOwnedMixin: an ADMIN sees and changes only rows of the customers
// assigned to them.
func (CustomerOwnedMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.RequireRead("customers", (*viewer.Viewer).CanReadCustomers), rule.FilterAssignedCustomers("customer_id")},
		Mutation: privacy.MutationPolicy{rule.FilterAssignedCustomers("customer_id")},
	}
}

// Indexes of the CustomerOwnedMixin.
func (m CustomerOwnedMixin) Indexes() []ent.Index {
	if m.Covered {
		return nil
	}
	return []ent.Index{
		index.Fields("customer_id"),
	}
}

// Policy of the TenantMixin: no viewer, no access; internal jobs may do anything; everyone
// else sees and changes only rows of their own partner.
func (TenantMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			rule.DenyIfNoViewer(),
			rule.AllowIfSystem(),
			rule.FilterTenant(),
		},
		Mutation: privacy.MutationPolicy{
			rule.DenyIfNoViewer(),
			rule.AllowIfSystem(),
			rule.DenyCreateInOtherTenant(),
			rule.FilterTenant(),
		},
	}
}

// Hooks of the TenantMixin.
func (TenantMixin) Hooks() []ent.Hook {
	return []ent.Hook{rule.SetTenantOnCreate()}
}
