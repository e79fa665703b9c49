// Package assignment assigns partner admins to the customers they manage.
package assignment

import (
	"context"
	"fmt"
	"slices"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Assign assigns ADMINs to a customer; assigning one already assigned changes nothing.
func Assign(ctx context.Context, rec *audit.Recorder, in model.CustomerAdminsInput) (*ent.Customer, error) {
	return change(ctx, rec, "assignCustomerAdmins", in, true)
}

// Unassign unassigns admins from a customer.
func Unassign(ctx context.Context, rec *audit.Recorder, in model.CustomerAdminsInput) (*ent.Customer, error) {
	return change(ctx, rec, "unassignCustomerAdmins", in, false)
}

func change(ctx context.Context, rec *audit.Recorder, action string, in model.CustomerAdminsInput, assign bool) (*ent.Customer, error) {
	customerID, err := gid.DecodeAs("Customer", in.CustomerID)
	if err != nil {
		return nil, gqlerr.Errorf(gqlerr.NotFound, "customer %s not found", in.CustomerID)
	}
	adminIDs := make([]int, len(in.AdminIds))
	for i, s := range in.AdminIds {
		if adminIDs[i], err = gid.DecodeAs("Admin", s); err != nil {
			return nil, gqlerr.Errorf(gqlerr.NotFound, "admin %s not found", s)
		}
	}
	return audit.Run(ctx, rec, action, (*viewer.Viewer).CanAssignAdmins, func(ctx context.Context, tx *ent.Tx) (*ent.Customer, audit.Change, error) {
		c, err := tx.Customer.Get(ctx, customerID)
		if err != nil {
			return nil, audit.Change{}, err
		}
		admins, err := tx.Admin.Query().Where(admin.IDIn(adminIDs...), admin.RemovedAtIsNil()).All(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		for _, id := range adminIDs {
			i := slices.IndexFunc(admins, func(a *ent.Admin) bool { return a.ID == id })
			if i < 0 {
				return nil, audit.Change{}, gqlerr.Errorf(gqlerr.NotFound, "admin %s not found", gid.Encode("Admin", id))
			}
			if assign && admins[i].Role != enum.RoleAdmin {
				return nil, audit.Change{}, gqlerr.Errorf(gqlerr.BadUserInput, "%s is a %s, who already sees every customer: only ADMINs are assigned", admins[i].Email, admins[i].Role)
			}
		}
		current, err := tx.Customer.QueryAdmins(c).IDs(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		var touched []int
		for _, id := range adminIDs {
			if slices.Contains(current, id) != assign && !slices.Contains(touched, id) {
				touched = append(touched, id)
			}
		}
		if len(touched) == 0 {
			return c, audit.Change{}, nil
		}
		u := tx.Customer.UpdateOne(c)
		verb := "assigned"
		if assign {
			u.AddAdminIDs(touched...)
		} else {
			u.RemoveAdminIDs(touched...)
			verb = "unassigned"
		}
		if c, err = u.Save(ctx); err != nil {
			return nil, audit.Change{}, err
		}
		targets := []string{c.GlobalID()}
		for _, id := range touched {
			targets = append(targets, gid.Encode("Admin", id))
		}
		return c, audit.Change{Targets: targets, Summary: fmt.Sprintf("%s %d admins on %q", verb, len(touched), c.Name)}, nil
	})
}
