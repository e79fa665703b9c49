// Package trial starts trials, creating the customer when it is new.
package trial

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Bounds of a trial.
const (
	MaxDays     = 90
	MaxLicenses = 10000
)

// Start creates an ACTIVE trial with its license lines, for an existing customer or a new
// one (assigned to the acting admin when that admin is an ADMIN).
func Start(ctx context.Context, rec *audit.Recorder, in model.StartTrialInput) (*model.StartTrialPayload, error) {
	if err := validate(in); err != nil {
		return nil, err
	}
	return audit.Run(ctx, rec, "startTrial", (*viewer.Viewer).CanStartTrials, func(ctx context.Context, tx *ent.Tx) (*model.StartTrialPayload, audit.Change, error) {
		var change audit.Change
		now := rec.Now().UTC()
		c, err := customerOf(ctx, tx, in, now, &change)
		if err != nil {
			return nil, change, err
		}
		sub, err := tx.Subscription.Create().SetCustomerID(c.ID).
			SetSubscriptionID("Trial-" + strings.ToUpper(uuid.NewString()[:8])).
			SetKind(enum.KindTrial).SetState(enum.StateActive).
			SetStartedAt(now).SetEndsAt(now.AddDate(0, 0, in.DurationDays)).SetAutoRenew(false).Save(ctx)
		if err != nil {
			return nil, change, fmt.Errorf("create trial: %w", err)
		}
		var products []string
		for _, p := range in.Products {
			if err := tx.License.Create().SetCustomerID(c.ID).SetSubscriptionID(sub.ID).SetProduct(p.Product).
				SetTotal(p.Licenses).SetAssigned(0).SetUsed(0).SetUsed90d(0).Exec(ctx); err != nil {
				return nil, change, fmt.Errorf("create trial line: %w", err)
			}
			products = append(products, fmt.Sprintf("%s×%d", p.Product, p.Licenses))
		}
		change.Targets = append(change.Targets, sub.GlobalID())
		change.Summary = audit.Summarize(change.Summary, fmt.Sprintf("started a %d-day trial %s of %s for %q", in.DurationDays, sub.SubscriptionID, strings.Join(products, ", "), c.Name))
		return &model.StartTrialPayload{Trial: sub, Customer: c}, change, nil
	})
}

func validate(in model.StartTrialInput) error {
	if (in.CustomerID == nil) == (in.NewCustomer == nil) {
		return gqlerr.Errorf(gqlerr.BadUserInput, "give exactly one of customerId and newCustomer")
	}
	if in.DurationDays < 1 || in.DurationDays > MaxDays {
		return gqlerr.Errorf(gqlerr.BadUserInput, "durationDays takes 1 to %d, got %d", MaxDays, in.DurationDays)
	}
	if len(in.Products) == 0 {
		return gqlerr.Errorf(gqlerr.BadUserInput, "a trial needs at least one product")
	}
	seen := map[enum.Product]bool{}
	for _, p := range in.Products {
		if seen[p.Product] {
			return gqlerr.Errorf(gqlerr.BadUserInput, "product %s is listed twice", p.Product)
		}
		seen[p.Product] = true
		if p.Licenses < 1 || p.Licenses > MaxLicenses {
			return gqlerr.Errorf(gqlerr.BadUserInput, "licenses of %s take 1 to %d, got %d", p.Product, MaxLicenses, p.Licenses)
		}
	}
	if n := in.NewCustomer; n != nil {
		if strings.TrimSpace(n.Name) == "" || len(n.Name) > 200 {
			return gqlerr.Errorf(gqlerr.BadUserInput, "newCustomer.name takes 1 to 200 characters")
		}
		if len(n.Country) != 2 || strings.ToUpper(n.Country) != n.Country {
			return gqlerr.Errorf(gqlerr.BadUserInput, "newCustomer.country must be an ISO 3166-1 alpha-2 code such as DE, got %q", n.Country)
		}
		if !strings.Contains(n.AdminEmail, "@") {
			return gqlerr.Errorf(gqlerr.BadUserInput, "newCustomer.adminEmail is not an email address")
		}
	}
	return nil
}

// customerOf returns the trial's customer: the visible existing one, or a new one.
func customerOf(ctx context.Context, tx *ent.Tx, in model.StartTrialInput, now time.Time, change *audit.Change) (*ent.Customer, error) {
	if in.CustomerID != nil {
		id, err := gid.DecodeAs("Customer", *in.CustomerID)
		if err != nil {
			return nil, gqlerr.Errorf(gqlerr.NotFound, "customer %s not found", *in.CustomerID)
		}
		return tx.Customer.Get(ctx, id)
	}
	n := in.NewCustomer
	create := tx.Customer.Create().SetName(strings.TrimSpace(n.Name)).SetOrgID(uuid.NewString()).
		SetRegion(n.Region).SetCountry(n.Country).SetAdminEmail(strings.ToLower(n.AdminEmail)).SetCreatedAt(now)
	if v := viewer.FromContext(ctx); v.Role == enum.RoleAdmin {
		create.AddAdminIDs(v.AdminID)
	}
	c, err := create.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create customer: %w", err)
	}
	change.Targets = append(change.Targets, c.GlobalID())
	change.Summary = fmt.Sprintf("created customer %q", c.Name)
	return c, nil
}
