// Package rule holds the privacy rules that every entity's policy is built from.
package rule

import (
	"context"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/entql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/hook"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// DenyIfNoViewer denies any operation whose context carries no viewer.
func DenyIfNoViewer() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return privacy.Denyf("viewer is missing")
		}
		return privacy.Skip
	})
}

// AllowIfSystem allows internal jobs (migrate, seed, bootstrap) everything.
func AllowIfSystem() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx).IsSystem() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// tenantFilter is implemented by the entql filter of every entity that has a partner_id.
type tenantFilter interface {
	WherePartnerID(entql.IntP)
}

// FilterTenant limits queries, updates and deletes to rows of the viewer's partner.
func FilterTenant() privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		tf, ok := f.(tenantFilter)
		if !ok {
			return privacy.Denyf("%T has no partner to filter on", f)
		}
		tf.WherePartnerID(entql.IntEQ(viewer.FromContext(ctx).PartnerID))
		return privacy.Skip
	})
}

// tenantMutation is implemented by the mutation of every entity that has a partner_id.
type tenantMutation interface {
	PartnerID() (int, bool)
	SetPartnerID(int)
}

// DenyCreateInOtherTenant denies creating a row for a partner other than the viewer's.
func DenyCreateInOtherTenant() privacy.MutationRule {
	rule := privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		tm, ok := m.(tenantMutation)
		if !ok {
			return privacy.Denyf("%T has no partner", m)
		}
		if id, set := tm.PartnerID(); set && id != viewer.FromContext(ctx).PartnerID {
			return privacy.Denyf("row of another partner")
		}
		return privacy.Skip
	})
	return privacy.OnMutationOperation(rule, ent.OpCreate)
}

// FilterOwnPartner limits queries of partners to the viewer's own.
func FilterOwnPartner() privacy.QueryRule {
	return privacy.PartnerQueryRuleFunc(func(ctx context.Context, q *ent.PartnerQuery) error {
		q.Where(partner.ID(viewer.FromContext(ctx).PartnerID))
		return privacy.Skip
	})
}

// SetTenantOnCreate fills in the viewer's partner on rows created without one: an admin's,
// or the partner the system acts for (viewer.SystemOf).
func SetTenantOnCreate() entgo.Hook {
	return hook.On(func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			v := viewer.FromContext(ctx)
			if tm, ok := m.(tenantMutation); ok && v != nil && (!v.IsSystem() || v.PartnerID != 0) {
				if _, set := tm.PartnerID(); !set {
					tm.SetPartnerID(v.PartnerID)
				}
			}
			return next.Mutate(ctx, m)
		})
	}, entgo.OpCreate)
}

// FilterAssignedCustomers limits an ADMIN to the customers assigned to them, and to rows
// that belong to those customers; column names the row's customer ID column.
func FilterAssignedCustomers(column string) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v.SeesAllCustomers() {
			return privacy.Skip
		}
		ok := ent.WhereSQL(f, func(s *sql.Selector) {
			s.Where(sql.In(s.C(column), AssignedCustomerIDs(v.AdminID)))
		})
		if !ok {
			return privacy.Denyf("%T cannot be filtered by assigned customers", f)
		}
		return privacy.Skip
	})
}

// AssignedCustomerIDs selects the IDs of the customers assigned to the admin.
func AssignedCustomerIDs(adminID int) *sql.Selector {
	t := sql.Table(customer.AdminsTable)
	return sql.Select(t.C(customer.AdminsPrimaryKey[0])).From(t).
		Where(sql.EQ(t.C(customer.AdminsPrimaryKey[1]), adminID))
}
