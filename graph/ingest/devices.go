package ingest

import (
	"context"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Devices creates or updates customers' calling devices by external ID; a device stays
// with the customer it was created for, and omitted optional fields are cleared.
func Devices(ctx context.Context, rec *audit.Recorder, items []*model.DeviceUpsertInput) (*model.IngestPayload, error) {
	return run(ctx, rec, "upsertDevices", items, func(ctx context.Context, tx *ent.Tx, in *model.DeviceUpsertInput) (outcome, error) {
		c, loc, err := placed(ctx, tx, checkDevice(in), in.CustomerExternalID, in.LocationExternalID)
		if err != nil {
			return outcome{}, err
		}
		want := &ent.Device{CustomerID: c.ID, LocationID: idOf(loc), Product: strings.TrimSpace(in.Product), MAC: strings.ToUpper(in.Mac),
			Firmware: in.Firmware, PhoneNumber: in.PhoneNumber, Extension: in.Extension, UserID: in.UserID, UserUUID: in.UserUUID}
		return owned[*ent.Device]{
			what: "device", ext: in.ExternalID, customerID: c.ID,
			find:  tx.Device.Query().Where(device.ExternalID(in.ExternalID)).Only,
			owner: func(d *ent.Device) int { return d.CustomerID },
			same: func(d *ent.Device) bool {
				return equalPtr(d.LocationID, want.LocationID) && d.Product == want.Product && d.MAC == want.MAC && d.Firmware == want.Firmware &&
					equalPtr(d.PhoneNumber, want.PhoneNumber) && equalPtr(d.Extension, want.Extension) &&
					equalPtr(d.UserID, want.UserID) && equalPtr(d.UserUUID, want.UserUUID)
			},
			create: func(ctx context.Context) (*ent.Device, error) {
				return tx.Device.Create().SetCustomerID(c.ID).SetExternalID(in.ExternalID).SetNillableLocationID(want.LocationID).
					SetProduct(want.Product).SetMAC(want.MAC).SetFirmware(want.Firmware).SetNillablePhoneNumber(want.PhoneNumber).
					SetNillableExtension(want.Extension).SetNillableUserID(want.UserID).SetNillableUserUUID(want.UserUUID).Save(ctx)
			},
			update: func(ctx context.Context, d *ent.Device) error {
				update := tx.Device.UpdateOne(d).SetProduct(want.Product).SetMAC(want.MAC).SetFirmware(want.Firmware)
				setOrClear(want.LocationID, update.SetLocationID, update.ClearLocationID)
				setOrClear(want.PhoneNumber, update.SetPhoneNumber, update.ClearPhoneNumber)
				setOrClear(want.Extension, update.SetExtension, update.ClearExtension)
				setOrClear(want.UserID, update.SetUserID, update.ClearUserID)
				setOrClear(want.UserUUID, update.SetUserUUID, update.ClearUserUUID)
				return update.Exec(ctx)
			},
		}.upsert(ctx)
	})
}

func checkDevice(in *model.DeviceUpsertInput) error {
	if err := checkExternalID(in.ExternalID); err != nil {
		return err
	}
	if p := strings.TrimSpace(in.Product); p == "" || len(p) > 100 {
		return invalid("product takes 1 to 100 characters")
	}
	if !macPattern.MatchString(strings.ToUpper(in.Mac)) {
		return invalid("mac %q is not six pairs of hex digits separated by colons", in.Mac)
	}
	if len(in.Firmware) > 100 {
		return invalid("firmware takes at most 100 characters")
	}
	if err := checkOptional(map[string]int{"phoneNumber": 32, "extension": 16},
		map[string]*string{"phoneNumber": in.PhoneNumber, "extension": in.Extension}); err != nil {
		return err
	}
	return checkUser(in.UserID, in.UserUUID)
}
