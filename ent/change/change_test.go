package change

import (
	"slices"
	"testing"
)

// TestRecorderBoundsCustomers checks that a set names each customer once, in order, and
// says Many instead beyond MaxCustomers or when some customers are unknown.
func TestRecorderBoundsCustomers(t *testing.T) {
	t.Run("Named", func(t *testing.T) {
		r := &Recorder{}
		r.add("License", []int{3, 1}, false)
		r.add("LicenseSnapshot", []int{1}, false)
		r.add("License", []int{2}, false)
		s := r.Set()
		if !slices.Equal(s.Customers, []int{3, 1, 2}) || s.Many || !slices.Equal(s.Kinds, []Kind{"License", "LicenseSnapshot"}) {
			t.Errorf("set = %+v, want customers 3 1 2 of License and LicenseSnapshot", s)
		}
		if s.Touches("Customer") || !s.Touches("Customer", "License") {
			t.Errorf("Touches disagrees with kinds %v", s.Kinds)
		}
		if s.TouchesCustomerIn(map[int]bool{4: true}) || !s.TouchesCustomerIn(map[int]bool{2: true}) {
			t.Errorf("TouchesCustomerIn disagrees with customers %v", s.Customers)
		}
	})
	t.Run("BeyondMax", func(t *testing.T) {
		r := &Recorder{}
		for id := range MaxCustomers + 1 {
			r.add("License", []int{id}, false)
		}
		if s := r.Set(); !s.Many || s.Customers != nil || !s.TouchesCustomerIn(map[int]bool{-1: true}) {
			t.Errorf("set of %d customers = %+v, want Many", MaxCustomers+1, s)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		r := &Recorder{}
		r.add("License", []int{1}, false)
		r.add("Subscription", nil, true)
		r.add("License", []int{2}, false)
		if s := r.Set(); !s.Many || s.Customers != nil {
			t.Errorf("set with unknown customers = %+v, want Many", s)
		}
	})
}
