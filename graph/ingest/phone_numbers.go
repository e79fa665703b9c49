package ingest

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// PhoneNumbers creates or updates customers' phone numbers by external ID; a number stays
// with the customer it was created for, takes its location's country (the customer's without one), and omitted
// optional fields are cleared.
func PhoneNumbers(ctx context.Context, rec *audit.Recorder, items []*model.PhoneNumberUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertPhoneNumbers", items, func(ctx context.Context, tx *ent.Tx, in *model.PhoneNumberUpsertInput) (outcome, error) {
		c, loc, err := placed(ctx, tx, checkPhoneNumber(in), in.CustomerExternalID, in.LocationExternalID)
		if err != nil {
			return outcome{}, err
		}
		country := c.Country
		if loc != nil {
			country = loc.Country
		}
		want := &ent.PhoneNumber{CustomerID: c.ID, LocationID: idOf(loc), Country: country, Number: in.Number, Extension: in.Extension,
			PstnConnection: in.PstnConnection, Active: in.Active, UserType: in.UserType, NumberType: in.NumberType,
			UserID: in.UserID, UserUUID: in.UserUUID}
		return owned[*ent.PhoneNumber]{
			what: "phone number", ext: in.ExternalID, customerID: c.ID,
			find:  tx.PhoneNumber.Query().Where(phonenumber.ExternalID(in.ExternalID)).Only,
			owner: func(n *ent.PhoneNumber) int { return n.CustomerID },
			same: func(n *ent.PhoneNumber) bool {
				return equalPtr(n.LocationID, want.LocationID) && n.Country == want.Country && n.Number == want.Number &&
					equalPtr(n.Extension, want.Extension) && n.PstnConnection == want.PstnConnection && n.Active == want.Active &&
					n.UserType == want.UserType && n.NumberType == want.NumberType && equalPtr(n.UserID, want.UserID) && equalPtr(n.UserUUID, want.UserUUID)
			},
			create: func(ctx context.Context) (*ent.PhoneNumber, error) {
				return tx.PhoneNumber.Create().SetCustomerID(c.ID).SetExternalID(in.ExternalID).SetNillableLocationID(want.LocationID).
					SetCountry(want.Country).SetNumber(want.Number).SetNillableExtension(want.Extension).SetPstnConnection(want.PstnConnection).
					SetActive(want.Active).SetUserType(want.UserType).SetNumberType(want.NumberType).
					SetNillableUserID(want.UserID).SetNillableUserUUID(want.UserUUID).Save(ctx)
			},
			update: func(ctx context.Context, n *ent.PhoneNumber) error {
				update := tx.PhoneNumber.UpdateOne(n).SetCountry(want.Country).SetNumber(want.Number).SetPstnConnection(want.PstnConnection).
					SetActive(want.Active).SetUserType(want.UserType).SetNumberType(want.NumberType)
				setOrClear(want.LocationID, update.SetLocationID, update.ClearLocationID)
				setOrClear(want.Extension, update.SetExtension, update.ClearExtension)
				setOrClear(want.UserID, update.SetUserID, update.ClearUserID)
				setOrClear(want.UserUUID, update.SetUserUUID, update.ClearUserUUID)
				return update.Exec(ctx)
			},
		}.upsert(ctx)
	})
}

func checkPhoneNumber(in *model.PhoneNumberUpsertInput) error {
	if err := checkExternalID(in.ExternalID); err != nil {
		return err
	}
	if !e164Pattern.MatchString(in.Number) {
		return invalid("number %q is not in E.164 form (+ and 3 to 15 digits)", in.Number)
	}
	if len(in.PstnConnection) > 100 {
		return invalid("pstnConnection takes at most 100 characters")
	}
	if err := checkOptional(map[string]int{"extension": 16}, map[string]*string{"extension": in.Extension}); err != nil {
		return err
	}
	return checkUser(in.UserID, in.UserUUID)
}
