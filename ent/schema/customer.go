package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/rule"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Customer is an organisation of the collaboration suite that the partner manages.
type Customer struct {
	ent.Schema
}

// Mixin of the Customer.
func (Customer) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}, CreatedAtMixin{}}
}

// Fields of the Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.String("org_id").NotEmpty().Immutable().Comment("the customer organisation's UUID"),
		field.String("external_id").Optional().Nillable().Comment("the wholesale integrator's ID, unique per partner"),
		field.Enum("region").GoType(enum.Region("")),
		field.String("country").MaxLen(2).Comment("ISO 3166-1 alpha-2"),
		field.String("city").Optional().MaxLen(100),
		field.String("admin_email").Optional().MaxLen(254).Comment("contact of the customer's own first admin"),
		field.Time("last_admin_activity_at").Optional().Nillable().Comment("last sign-in of one of the customer's own admins"),
		// Facts kept from the customer's license lines by package facts, never set directly:
		// given at creation (false, 0), null only on rows written without the ent client
		// until the backfill computes them.
		field.Bool("kpi_scope").Optional().Nillable().Comment("has a line of an ACTIVE subscription or trial of a KPI product"),
		field.Bool("over_limit").Optional().Nillable().Comment("has a line of an ACTIVE subscription or trial with assigned > total"),
		// Kept from the customer's subscriptions; null when it has no such subscription.
		field.Time("expires_at").Optional().Nillable().Comment("when the first of its ACTIVE, not auto-renewing subscriptions and trials ends"),
		field.Int("current_products").Optional().Nillable().Comment("the products it has a line of a current subscription or trial of, one bit each (status.ProductBits)"),
		field.Int("subscription_statuses").Optional().Nillable().Comment("the statuses read from its subscriptions and trials, one bit each (status.StatusBits)"),
		// Kept from its call queues, which are never deleted: set when the first is created
		// (package facts).
		field.Bool("has_call_queue").Default(false).Comment("has a call queue"),
	}
}

// Edges of the Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("admins", Admin.Type).Comment("partner admins assigned to manage this customer"),
		edge.To("tags", Tag.Type),
		edge.To("subscriptions", Subscription.Type),
		edge.To("licenses", License.Type),
		edge.To("call_queues", CallQueue.Type),
		edge.To("call_legs", CallLeg.Type),
		edge.To("locations", Location.Type),
		edge.To("devices", Device.Type),
		edge.To("phone_numbers", PhoneNumber.Type),
	}
}

// DirectoryColumns are the customer columns that the directory's name index carries beside
// its key (partner_id, name): the ID, the columns filters test, and the facts the statuses
// are read from. A page that reads nothing else of its customers reads the index alone.
var DirectoryColumns = []string{"id", "created_at", "region", "last_admin_activity_at", "over_limit", "expires_at", "current_products", "subscription_statuses"}

// Indexes of the Customer.
func (Customer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("partner_id", "org_id").Unique(),
		index.Fields("partner_id", "external_id").Unique(),
		// The directory's name order. The columns that filters and statuses test on the
		// customer are carried in the index, so a filtered page walks past the customers
		// that do not match without reading their rows (and, asking nothing else, reads
		// no row at all).
		index.Fields("partner_id", "name").StorageKey("customer_directory_name").
			Annotations(entsql.IncludeColumns(DirectoryColumns...)),
		index.Fields("partner_id", "created_at"),
		index.Fields("partner_id", "last_admin_activity_at"),
		// Counting a status:expiring_soon filter reads the customers whose first end is in
		// the window from here.
		index.Fields("partner_id", "expires_at"),
		// The headline KPIs count only customers in their scope; with the ID
		// included, the count and the match against each KPI's set read the index alone.
		index.Fields("partner_id", "region").StorageKey("customer_kpi_scope").
			Annotations(entsql.IndexWhere("kpi_scope"), entsql.IncludeColumns("id")),
		index.Fields("partner_id", "region").StorageKey("customer_over_limit").
			Annotations(entsql.IndexWhere("over_limit"), entsql.IncludeColumns("id", "kpi_scope")),
		// The analytics list the regions that hold customers, one probe per region.
		index.Fields("partner_id", "region"),
		// The calling analytics cover the customers with a current Calling line, by the
		// product sets that hold one (status.HoldsProduct), optionally of one region: their
		// counts and pages over customer IDs read this index alone.
		index.Fields("partner_id", "current_products", "region").StorageKey("customer_calling_scope").
			Annotations(entsql.IncludeColumns("id")),
		// The queue parts of the calling analytics cover those of them with a call queue.
		index.Fields("partner_id", "current_products", "region").StorageKey("customer_calling_queues").
			Annotations(entsql.IndexWhere("has_call_queue"), entsql.IncludeColumns("id")),
	}
}

// Policy of the Customer: an ADMIN sees and changes only the customers assigned to them.
func (Customer) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.RequireRead("customers", (*viewer.Viewer).CanReadCustomers), rule.FilterAssignedCustomers("id")},
		Mutation: privacy.MutationPolicy{rule.CustomerChanges(), rule.FilterAssignedCustomers("id")},
	}
}
