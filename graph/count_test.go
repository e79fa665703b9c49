package graph

import "testing"

// TestCustomerCountFollowsChanges checks that totalCount, which is reused between
// requests, reflects a committed mutation at once, for the viewer who made it and for
// another viewer of the partner.
func TestCustomerCountFollowsChanges(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("counts")
	h.mustCustomer(w, customerSpec{name: "Existing Co"})
	full, readOnly := h.as(w.full), h.as(w.readOnly)
	const list = `query($q: String) { customers(query: $q) { totalCount } }`
	count := func(who, q string) int {
		t.Helper()
		var got struct{ Customers struct{ TotalCount int } }
		h.mustDo(t, who, list, map[string]any{"q": q}, &got)
		return got.Customers.TotalCount
	}
	if got := count(full, ""); got != 1 {
		t.Fatalf("before: totalCount = %d, want 1", got)
	}
	if got := count(readOnly, "status:trial"); got != 0 {
		t.Fatalf("before: trials = %d, want 0", got)
	}
	h.mustDo(t, full, `mutation { startTrial(input: {newCustomer: {name: "Fresh Trial Co", region: EU, country: "DE",
		adminEmail: "it@fresh.example"}, products: [{product: MEETINGS, licenses: 10}], durationDays: 30}) { customer { name } } }`,
		nil, &struct{}{})
	if got := count(full, ""); got != 2 {
		t.Errorf("after: totalCount = %d, want 2", got)
	}
	if got := count(readOnly, "status:trial"); got != 1 {
		t.Errorf("after: trials seen by READ_ONLY_ADMIN = %d, want 1", got)
	}
}
