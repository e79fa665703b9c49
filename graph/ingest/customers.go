package ingest

import (
	"context"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Customers creates or updates customers by external ID; an ADMIN is assigned to the
// customers it creates.
func Customers(ctx context.Context, rec *audit.Recorder, items []*model.CustomerUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertCustomers", items, func(ctx context.Context, tx *ent.Tx, in *model.CustomerUpsertInput) (outcome, error) {
		name := strings.TrimSpace(in.Name)
		switch {
		case strings.TrimSpace(in.ExternalID) == "":
			return outcome{}, invalid("externalId is required")
		case name == "" || len(name) > 200:
			return outcome{}, invalid("name takes 1 to 200 characters")
		case strings.TrimSpace(in.OrgID) == "":
			return outcome{}, invalid("orgId is required")
		}
		if err := checkCountry(in.Country); err != nil {
			return outcome{}, err
		}
		c, err := tx.Customer.Query().Where(customer.ExternalID(in.ExternalID)).Only(ctx)
		if ent.IsNotFound(err) {
			create := tx.Customer.Create().SetExternalID(in.ExternalID).SetName(name).SetOrgID(in.OrgID).
				SetRegion(in.Region).SetCountry(in.Country).SetCreatedAt(rec.Now().UTC())
			if v := viewer.FromContext(ctx); v.Role == enum.RoleAdmin {
				create.AddAdminIDs(v.AdminID)
			}
			c, err := create.Save(ctx)
			if err != nil {
				return outcome{}, err
			}
			return outcome{id: c.GlobalID(), created: true, changed: true}, nil
		}
		if err != nil {
			return outcome{}, err
		}
		if c.OrgID != in.OrgID {
			return outcome{}, invalid("orgId of customer %q is %s and cannot change", in.ExternalID, c.OrgID)
		}
		if c.Name == name && c.Region == in.Region && c.Country == in.Country {
			return outcome{id: c.GlobalID()}, nil
		}
		if err := tx.Customer.UpdateOne(c).SetName(name).SetRegion(in.Region).SetCountry(in.Country).Exec(ctx); err != nil {
			return outcome{}, err
		}
		return outcome{id: c.GlobalID(), changed: true}, nil
	})
}

// AdminActivity records sign-ins of customers' own admins; only a later sign-in changes
// a customer's last admin activity.
func AdminActivity(ctx context.Context, rec *audit.Recorder, items []*model.AdminActivityRecord) (*model.IngestPayload, error) {
	return run(ctx, rec, "recordAdminActivity", items, func(ctx context.Context, tx *ent.Tx, in *model.AdminActivityRecord) (outcome, error) {
		c, err := tx.Customer.Query().Where(customer.ExternalID(in.CustomerExternalID)).Only(ctx)
		if err != nil {
			return outcome{}, orNotFound(err, "customer", in.CustomerExternalID)
		}
		if in.SignedInAt.After(rec.Now().Add(maxClockSkew)) {
			return outcome{}, invalid("signedInAt %s is in the future", in.SignedInAt.Format("2006-01-02T15:04:05Z07:00"))
		}
		if c.LastAdminActivityAt != nil && !in.SignedInAt.After(*c.LastAdminActivityAt) {
			return outcome{id: c.GlobalID()}, nil
		}
		if err := tx.Customer.UpdateOne(c).SetLastAdminActivityAt(in.SignedInAt.UTC()).Exec(ctx); err != nil {
			return outcome{}, err
		}
		return outcome{id: c.GlobalID(), changed: true}, nil
	})
}
