package tagging

import (
	"context"
	"fmt"
	"slices"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// change computes a customer's new tag set from its current one.
type change func(current, tags []int) (add, remove []int)

func adding(current, tags []int) (add, remove []int) {
	for _, t := range tags {
		if !slices.Contains(current, t) {
			add = append(add, t)
		}
	}
	return add, nil
}

func removing(current, tags []int) (add, remove []int) {
	for _, t := range tags {
		if slices.Contains(current, t) {
			remove = append(remove, t)
		}
	}
	return nil, remove
}

func replacing(current, tags []int) (add, remove []int) {
	add, _ = adding(current, tags)
	for _, t := range current {
		if !slices.Contains(tags, t) {
			remove = append(remove, t)
		}
	}
	return add, remove
}

// Add puts tags on many customers; each customer succeeds or fails on its own.
func Add(ctx context.Context, rec *audit.Recorder, in model.CustomerTagsInput) (*model.CustomerTagsPayload, error) {
	return apply(ctx, rec, "addCustomerTags", in, adding)
}

// Remove takes tags off many customers.
func Remove(ctx context.Context, rec *audit.Recorder, in model.CustomerTagsInput) (*model.CustomerTagsPayload, error) {
	return apply(ctx, rec, "removeCustomerTags", in, removing)
}

// Set replaces one customer's tags.
func Set(ctx context.Context, rec *audit.Recorder, in model.SetCustomerTagsInput) (*ent.Customer, error) {
	out, err := apply(ctx, rec, "setCustomerTags", model.CustomerTagsInput{CustomerIds: []string{in.CustomerID}, TagIds: in.TagIds}, replacing)
	if err != nil {
		return nil, err
	}
	if res := out.Results[0]; res.Error != nil {
		return nil, gqlerr.Errorf(gqlerr.Code(res.Error.Code), "%s", res.Error.Message)
	}
	return out.Results[0].Customer, nil
}

// apply changes the tags of each customer in its own savepoint, in one transaction.
func apply(ctx context.Context, rec *audit.Recorder, action string, in model.CustomerTagsInput, ch change) (*model.CustomerTagsPayload, error) {
	if len(in.CustomerIds) > maxCustomers {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "at most %d customers at once", maxCustomers)
	}
	return audit.Run(ctx, rec, action, (*viewer.Viewer).CanEditTags, func(ctx context.Context, tx *ent.Tx) (*model.CustomerTagsPayload, audit.Change, error) {
		tags, err := loadTags(ctx, tx, in.TagIds)
		if err != nil {
			return nil, audit.Change{}, err
		}
		out := &model.CustomerTagsPayload{}
		var changed audit.Change
		for _, raw := range in.CustomerIds {
			res := &model.CustomerTagsResult{CustomerID: raw}
			err := audit.Item(ctx, tx, func() error {
				c, touched, err := retag(ctx, tx, raw, tags, ch)
				if touched {
					changed.Targets = append(changed.Targets, raw)
				}
				res.Customer = c
				return err
			})
			if err != nil {
				if res.Error = audit.ItemError(ctx, err); res.Error == nil {
					return nil, audit.Change{}, err
				}
				res.Customer = nil
				changed.Targets = slices.DeleteFunc(changed.Targets, func(s string) bool { return s == raw })
			}
			out.Results = append(out.Results, res)
		}
		changed.Summary = fmt.Sprintf("%s: %d tags on %d customers", action, len(tags), len(changed.Targets))
		return out, changed, nil
	})
}

// retag applies ch to one customer and reports whether anything changed.
func retag(ctx context.Context, tx *ent.Tx, raw string, tags []int, ch change) (*ent.Customer, bool, error) {
	id, err := customerID(raw)
	if err != nil {
		return nil, false, err
	}
	c, current, err := lockCustomer(ctx, tx, id)
	if err != nil {
		return nil, false, err
	}
	add, remove := ch(current, tags)
	if n := len(current) + len(add) - len(remove); n > MaxTagsPerCustomer {
		return nil, false, gqlerr.Errorf(gqlerr.BadUserInput, "customer %q would have %d tags; at most %d are allowed", c.Name, n, MaxTagsPerCustomer)
	}
	if len(add) == 0 && len(remove) == 0 {
		return c, false, nil
	}
	c, err = tx.Customer.UpdateOne(c).AddTagIDs(add...).RemoveTagIDs(remove...).Save(ctx)
	return c, err == nil, err
}
