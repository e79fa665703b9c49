package ingest

import (
	"context"
	"regexp"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Locations creates or updates customers' calling locations by external ID; a location
// stays with the customer it was created for.
func Locations(ctx context.Context, rec *audit.Recorder, items []*model.LocationUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertLocations", items, func(ctx context.Context, tx *ent.Tx, in *model.LocationUpsertInput) (outcome, error) {
		name := strings.TrimSpace(in.Name)
		if err := checkExternalID(in.ExternalID); err != nil {
			return outcome{}, err
		}
		if name == "" || len(name) > 200 {
			return outcome{}, invalid("name takes 1 to 200 characters")
		}
		if err := checkCountry(in.Country); err != nil {
			return outcome{}, err
		}
		c, err := customerByExternalID(ctx, tx, in.CustomerExternalID)
		if err != nil {
			return outcome{}, err
		}
		return owned[*ent.Location]{
			what: "location", ext: in.ExternalID, customerID: c.ID,
			find:  tx.Location.Query().Where(location.ExternalID(in.ExternalID)).Only,
			owner: func(l *ent.Location) int { return l.CustomerID },
			same:  func(l *ent.Location) bool { return l.Name == name && l.Country == in.Country },
			create: func(ctx context.Context) (*ent.Location, error) {
				return tx.Location.Create().SetCustomerID(c.ID).SetExternalID(in.ExternalID).SetName(name).SetCountry(in.Country).Save(ctx)
			},
			update: func(ctx context.Context, l *ent.Location) error {
				return tx.Location.UpdateOne(l).SetName(name).SetCountry(in.Country).Exec(ctx)
			},
		}.upsert(ctx)
	})
}

// owned is how to upsert one inventory row by its external ID: a row stays with the
// customer it was created for, and a row sent unchanged changes nothing.
type owned[R interface{ GlobalID() string }] struct {
	what, ext  string
	customerID int
	find       func(context.Context) (R, error)
	owner      func(R) int
	same       func(R) bool
	create     func(context.Context) (R, error)
	update     func(context.Context, R) error
}

func (o owned[R]) upsert(ctx context.Context) (outcome, error) {
	r, err := o.find(ctx)
	if ent.IsNotFound(err) {
		r, err := o.create(ctx)
		if err != nil {
			return outcome{}, err
		}
		return outcome{id: r.GlobalID(), created: true, changed: true}, nil
	}
	switch {
	case err != nil:
		return outcome{}, err
	case o.owner(r) != o.customerID:
		return outcome{}, invalid("%s %q belongs to another customer", o.what, o.ext)
	case o.same(r):
		return outcome{id: r.GlobalID()}, nil
	}
	if err := o.update(ctx, r); err != nil {
		return outcome{}, err
	}
	return outcome{id: r.GlobalID(), changed: true}, nil
}

// customerByExternalID finds the visible customer with the external ID.
func customerByExternalID(ctx context.Context, tx *ent.Tx, ext string) (*ent.Customer, error) {
	c, err := tx.Customer.Query().Where(customer.ExternalID(ext)).Only(ctx)
	return c, orNotFound(err, "customer", ext)
}

// placed finds, once the item passed its checks, its customer and its location (nil ext:
// none).
func placed(ctx context.Context, tx *ent.Tx, checked error, customerExt string, locationExt *string) (*ent.Customer, *ent.Location, error) {
	if checked != nil {
		return nil, nil, checked
	}
	c, err := customerByExternalID(ctx, tx, customerExt)
	if err != nil {
		return nil, nil, err
	}
	l, err := locationOf(ctx, tx, c, locationExt)
	return c, l, err
}

// locationOf finds the customer's location with the external ID; nil ext is no location.
func locationOf(ctx context.Context, tx *ent.Tx, c *ent.Customer, ext *string) (*ent.Location, error) {
	if ext == nil {
		return nil, nil
	}
	l, err := tx.Location.Query().Where(location.ExternalID(*ext), location.CustomerID(c.ID)).Only(ctx)
	return l, orNotFound(err, "location", *ext)
}

func checkExternalID(ext string) error {
	if strings.TrimSpace(ext) == "" || len(ext) > 100 {
		return invalid("externalId takes 1 to 100 characters")
	}
	return nil
}

var (
	macPattern  = regexp.MustCompile(`^[0-9A-F]{2}(:[0-9A-F]{2}){5}$`)
	e164Pattern = regexp.MustCompile(`^\+[0-9]{3,15}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// checkOptional checks the length of optional text fields, by name.
func checkOptional(limits map[string]int, values map[string]*string) error {
	for name, v := range values {
		if v != nil && len(*v) > limits[name] {
			return invalid("%s takes at most %d characters", name, limits[name])
		}
	}
	return nil
}

// checkUser checks the user fields that devices and numbers share.
func checkUser(userID, userUUID *string) error {
	if userUUID != nil && !uuidPattern.MatchString(*userUUID) {
		return invalid("userUuid %q is not a UUID", *userUUID)
	}
	return checkOptional(map[string]int{"userId": 100}, map[string]*string{"userId": userID})
}

// idOf is the row ID of an optional location.
func idOf(l *ent.Location) *int {
	if l == nil {
		return nil
	}
	return &l.ID
}

// setOrClear sets an optional field of an update to v, or clears it when v is nil.
func setOrClear[T, U any](v *T, set func(T) U, clear func() U) {
	if v == nil {
		clear()
	} else {
		set(*v)
	}
}
