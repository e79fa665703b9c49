package ingest

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/invoice"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/subscriptionorder"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// maxClockSkew tolerates integrators' clocks running slightly ahead.
const maxClockSkew = 5 * time.Minute

// Subscriptions creates or updates subscriptions by subscription ID, with their license
// lines (lines of products not given are removed), invoices and orders (by number).
func Subscriptions(ctx context.Context, rec *audit.Recorder, items []*model.SubscriptionUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertSubscriptions", items, func(ctx context.Context, tx *ent.Tx, in *model.SubscriptionUpsertInput) (outcome, error) {
		if err := validateSubscription(in); err != nil {
			return outcome{}, err
		}
		c, err := tx.Customer.Query().Where(customer.ExternalID(in.CustomerExternalID)).Only(ctx)
		if err != nil {
			return outcome{}, orNotFound(err, "customer", in.CustomerExternalID)
		}
		sub, created, changed, err := upsertSubscription(ctx, tx, c, in)
		if err != nil {
			return outcome{}, err
		}
		for _, step := range []func(context.Context, *ent.Tx, *ent.Subscription, *model.SubscriptionUpsertInput) (bool, error){upsertLines, upsertInvoices, upsertOrders} {
			ch, err := step(ctx, tx, sub, in)
			if err != nil {
				return outcome{}, err
			}
			changed = changed || ch
		}
		return outcome{id: sub.GlobalID(), created: created, changed: changed}, nil
	})
}

func validateSubscription(in *model.SubscriptionUpsertInput) error {
	if strings.TrimSpace(in.SubscriptionID) == "" || len(in.SubscriptionID) > 100 {
		return invalid("subscriptionId takes 1 to 100 characters")
	}
	if !in.EndsAt.After(in.StartedAt) {
		return invalid("endsAt must be after startedAt")
	}
	if in.Kind == enum.KindTrial && in.AutoRenew {
		return invalid("a trial never auto-renews: send autoRenew false for TRIAL %q", in.SubscriptionID)
	}
	seen := map[enum.Product]bool{}
	for _, l := range in.Licenses {
		if seen[l.Product] {
			return invalid("product %s has two license lines", l.Product)
		}
		seen[l.Product] = true
		if err := checkCounts("license", l.Total, l.Assigned, l.Used, l.UsedLast90Days); err != nil {
			return err
		}
	}
	return nil
}

func upsertSubscription(ctx context.Context, tx *ent.Tx, c *ent.Customer, in *model.SubscriptionUpsertInput) (*ent.Subscription, bool, bool, error) {
	var renewal *time.Time
	if in.AutoRenew {
		renewal = &in.EndsAt
	}
	sub, err := tx.Subscription.Query().Where(subscription.SubscriptionID(in.SubscriptionID)).Only(ctx)
	if ent.IsNotFound(err) {
		sub, err = tx.Subscription.Create().SetCustomerID(c.ID).SetSubscriptionID(in.SubscriptionID).
			SetKind(in.Kind).SetState(in.State).SetStartedAt(in.StartedAt).SetEndsAt(in.EndsAt).
			SetAutoRenew(in.AutoRenew).SetNillableRenewalDate(renewal).Save(ctx)
		return sub, true, true, err
	}
	if err != nil {
		return nil, false, false, err
	}
	if sub.CustomerID != c.ID {
		return nil, false, false, invalid("subscription %q belongs to another customer", in.SubscriptionID)
	}
	if sub.Kind == in.Kind && sub.State == in.State && sameTime(sub.StartedAt, in.StartedAt) &&
		sameTime(sub.EndsAt, in.EndsAt) && sub.AutoRenew == in.AutoRenew && (sub.RenewalDate != nil) == in.AutoRenew {
		return sub, false, false, nil
	}
	u := tx.Subscription.UpdateOne(sub).SetKind(in.Kind).SetState(in.State).SetStartedAt(in.StartedAt).
		SetEndsAt(in.EndsAt).SetAutoRenew(in.AutoRenew)
	if renewal != nil {
		u.SetRenewalDate(*renewal)
	} else {
		u.ClearRenewalDate()
	}
	sub, err = u.Save(ctx)
	return sub, false, true, err
}

func upsertLines(ctx context.Context, tx *ent.Tx, sub *ent.Subscription, in *model.SubscriptionUpsertInput) (bool, error) {
	existing, err := tx.License.Query().Where(license.SubscriptionID(sub.ID)).All(ctx)
	if err != nil {
		return false, err
	}
	byProduct := map[enum.Product]*ent.License{}
	for _, l := range existing {
		byProduct[l.Product] = l
	}
	changed := false
	for _, l := range in.Licenses {
		cur := byProduct[l.Product]
		delete(byProduct, l.Product)
		switch {
		case cur == nil:
			err = tx.License.Create().SetCustomerID(sub.CustomerID).SetSubscriptionID(sub.ID).SetProduct(l.Product).
				SetTotal(l.Total).SetAssigned(l.Assigned).SetUsed(l.Used).SetUsed90d(l.UsedLast90Days).Exec(ctx)
		case cur.Total != l.Total || cur.Assigned != l.Assigned || cur.Used != l.Used || cur.Used90d != l.UsedLast90Days:
			err = tx.License.UpdateOne(cur).SetTotal(l.Total).SetAssigned(l.Assigned).SetUsed(l.Used).SetUsed90d(l.UsedLast90Days).Exec(ctx)
		default:
			continue
		}
		if err != nil {
			return false, err
		}
		changed = true
	}
	for _, gone := range byProduct {
		if err := tx.License.DeleteOne(gone).Exec(ctx); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// cents parses a decimal amount with at most two decimals into minor units.
func cents(amount string) (int64, error) {
	r, ok := new(big.Rat).SetString(amount)
	if !ok {
		return 0, invalid("amount %q is not a decimal number", amount)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, invalid("amount %q has more than two decimals or is too large", amount)
	}
	return r.Num().Int64(), nil
}

func upsertInvoices(ctx context.Context, tx *ent.Tx, sub *ent.Subscription, in *model.SubscriptionUpsertInput) (bool, error) {
	changed := false
	for _, inv := range in.Invoices {
		amount, err := cents(inv.Amount)
		if err != nil {
			return false, err
		}
		if len(inv.Currency) != 3 || strings.ToUpper(inv.Currency) != inv.Currency {
			return false, invalid("currency must be an ISO 4217 code such as EUR, got %q", inv.Currency)
		}
		cur, err := tx.Invoice.Query().Where(invoice.SubscriptionID(sub.ID), invoice.Number(inv.Number)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			err = tx.Invoice.Create().SetCustomerID(sub.CustomerID).SetSubscriptionID(sub.ID).SetNumber(inv.Number).
				SetIssuedOn(inv.Date).SetAmountCents(amount).SetCurrency(inv.Currency).SetStatus(inv.Status).Exec(ctx)
		case err != nil:
		case sameTime(cur.IssuedOn, inv.Date) && cur.AmountCents == amount && cur.Currency == inv.Currency && cur.Status == inv.Status:
			continue
		default:
			err = tx.Invoice.UpdateOne(cur).SetIssuedOn(inv.Date).SetAmountCents(amount).SetCurrency(inv.Currency).SetStatus(inv.Status).Exec(ctx)
		}
		if err != nil {
			return false, fmt.Errorf("invoice %s: %w", inv.Number, err)
		}
		changed = true
	}
	return changed, nil
}

func upsertOrders(ctx context.Context, tx *ent.Tx, sub *ent.Subscription, in *model.SubscriptionUpsertInput) (bool, error) {
	changed := false
	for _, o := range in.Orders {
		if err := checkCounts("order", o.PreviousQuantity, o.NewQuantity); err != nil {
			return false, err
		}
		cur, err := tx.SubscriptionOrder.Query().Where(subscriptionorder.SubscriptionID(sub.ID), subscriptionorder.Number(o.Number)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			err = tx.SubscriptionOrder.Create().SetCustomerID(sub.CustomerID).SetSubscriptionID(sub.ID).SetNumber(o.Number).
				SetOrderedAt(o.Date).SetAction(o.Action).SetProduct(o.Product).
				SetPreviousQuantity(o.PreviousQuantity).SetNewQuantity(o.NewQuantity).Exec(ctx)
		case err != nil:
		case sameTime(cur.OrderedAt, o.Date) && cur.Action == o.Action && cur.Product == o.Product &&
			cur.PreviousQuantity == o.PreviousQuantity && cur.NewQuantity == o.NewQuantity:
			continue
		default:
			err = tx.SubscriptionOrder.UpdateOne(cur).SetOrderedAt(o.Date).SetAction(o.Action).SetProduct(o.Product).
				SetPreviousQuantity(o.PreviousQuantity).SetNewQuantity(o.NewQuantity).Exec(ctx)
		}
		if err != nil {
			return false, fmt.Errorf("order %s: %w", o.Number, err)
		}
		changed = true
	}
	return changed, nil
}
