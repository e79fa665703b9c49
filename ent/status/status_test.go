package status

import (
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
)

// TestAllIsEveryStatus: the statuses are returned in one order, and every status of the
// schema has its place in it.
func TestAllIsEveryStatus(t *testing.T) {
	var all []string
	for _, st := range All {
		all = append(all, string(st))
	}
	values := enum.CustomerStatus("").Values()
	slices.Sort(all)
	slices.Sort(values)
	if !slices.Equal(all, values) {
		t.Errorf("All = %v, want every status %v", all, values)
	}
}

// TestDecode reads each status's bit alone, several together, none, and bits of no status.
func TestDecode(t *testing.T) {
	for _, st := range All {
		if got := Decode(int64(StatusBits(st))); !slices.Equal(got, []enum.CustomerStatus{st}) {
			t.Errorf("Decode(bit of %s) = %v", st, got)
		}
	}
	mask := int64(StatusBits(enum.StatusExpired, enum.StatusTrial, enum.StatusLicenseOverage))
	if got, want := Decode(mask), []enum.CustomerStatus{enum.StatusTrial, enum.StatusLicenseOverage, enum.StatusExpired}; !slices.Equal(got, want) {
		t.Errorf("Decode(%b) = %v, want %v in the order of All", mask, got, want)
	}
	if got := Decode(0); got == nil || len(got) != 0 {
		t.Errorf("Decode(0) = %#v, want an empty list (a JSON [])", got)
	}
	if got := Decode(1 << 40); len(got) != 0 {
		t.Errorf("Decode of a bit of no status = %v", got)
	}
}

// TestNewRules: rules run in UTC with the partner's thresholds, defaults filled in.
func TestNewRules(t *testing.T) {
	now := time.Date(2026, 3, 18, 13, 0, 0, 0, time.FixedZone("CET", 3600))
	r := NewRules(now, settings.Partner{ExpiringSoonDays: 10})
	if r.Now.Location() != time.UTC || !r.Now.Equal(now) {
		t.Errorf("Now = %v, want %v in UTC", r.Now, now)
	}
	if r.Settings.ExpiringSoonDays != 10 || r.Settings.InactivityDays != settings.Defaults.InactivityDays {
		t.Errorf("settings = %+v, want expiring soon 10 and the default inactivity", r.Settings)
	}
	if got, want := r.horizon(), r.Now.AddDate(0, 0, settings.Defaults.HorizonDays); !got.Equal(want) {
		t.Errorf("horizon = %v, want %v", got, want)
	}
}

// TestProductsDecode: current_products decodes to its products in the enum's order, nil to none.
func TestProductsDecode(t *testing.T) {
	if got := Products(nil); len(got) != 0 || got == nil {
		t.Errorf("Products(nil) = %#v, want an empty list", got)
	}
	bits := ProductBits(enum.ProductCalling, enum.ProductMeetings)
	want := []enum.Product{}
	for _, p := range enum.Product("").Values() {
		if p == string(enum.ProductMeetings) || p == string(enum.ProductCalling) {
			want = append(want, enum.Product(p))
		}
	}
	if got := Products(&bits); !slices.Equal(got, want) {
		t.Errorf("Products(%b) = %v, want %v", bits, got, want)
	}
}
