package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// mustNamed creates customers with the given names, in order.
func (h *harness) mustNamed(w world, names ...string) map[string]*ent.Customer {
	h.t.Helper()
	out := map[string]*ent.Customer{}
	for _, n := range names {
		out[n] = h.mustCustomer(w, customerSpec{name: n})
	}
	h.announce(w.partner.ID)
	return out
}

// mustDelete removes a customer and its links, as an internal job would.
func (h *harness) mustDelete(c *ent.Customer) {
	h.t.Helper()
	h.client.Customer.DeleteOne(c).ExecX(h.sys)
	h.announce(c.PartnerID)
}

// pageWant is what one page must show.
type pageWant struct {
	names            []string
	hasNext, hasPrev bool
	totalCount       int
}

func checkPage(t *testing.T, got customerPage, want pageWant) {
	t.Helper()
	wantNames(t, "page", got.names(), want.names)
	if got.PageInfo.HasNextPage != want.hasNext || got.PageInfo.HasPreviousPage != want.hasPrev {
		t.Errorf("hasNextPage, hasPreviousPage = %v, %v, want %v, %v", got.PageInfo.HasNextPage, got.PageInfo.HasPreviousPage, want.hasNext, want.hasPrev)
	}
	if got.TotalCount != want.totalCount {
		t.Errorf("totalCount = %d, want %d", got.TotalCount, want.totalCount)
	}
	if len(got.Edges) > 0 && (*got.PageInfo.StartCursor != got.Edges[0].Cursor || *got.PageInfo.EndCursor != got.Edges[len(got.Edges)-1].Cursor) {
		t.Errorf("startCursor/endCursor do not match the first and last edges")
	}
}

// TestPagination pages forwards and backwards, across rows inserted and deleted between
// pages (the cursor's own row included), and checks the page-size bounds.
func TestPagination(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("paging")
	who := h.as(w.full)
	cs := h.mustNamed(w, "Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum")

	t.Run("Forward", func(t *testing.T) {
		p := h.listCustomers(t, who, "first: 3", nil)
		checkPage(t, p, pageWant{[]string{"Alder", "Birch", "Cedar"}, true, false, 7})
		p = h.listCustomers(t, who, "first: 3, after: $after", map[string]any{"after": *p.PageInfo.EndCursor})
		checkPage(t, p, pageWant{[]string{"Dogwood", "Elm", "Fir"}, true, true, 7})
		p = h.listCustomers(t, who, "first: 3, after: $after", map[string]any{"after": *p.PageInfo.EndCursor})
		checkPage(t, p, pageWant{[]string{"Gum"}, false, true, 7})
	})
	t.Run("Backward", func(t *testing.T) {
		p := h.listCustomers(t, who, "last: 3", nil)
		checkPage(t, p, pageWant{[]string{"Elm", "Fir", "Gum"}, false, true, 7})
		p = h.listCustomers(t, who, "last: 3, before: $before", map[string]any{"before": *p.PageInfo.StartCursor})
		checkPage(t, p, pageWant{[]string{"Birch", "Cedar", "Dogwood"}, true, true, 7})
		p = h.listCustomers(t, who, "last: 3, before: $before", map[string]any{"before": *p.PageInfo.StartCursor})
		checkPage(t, p, pageWant{[]string{"Alder"}, true, false, 7})
	})
	t.Run("BetweenCursors", func(t *testing.T) {
		all := h.listCustomers(t, who, "", nil)
		p := h.listCustomers(t, who, "after: $after, before: $before", map[string]any{"after": all.Edges[1].Cursor, "before": all.Edges[5].Cursor})
		wantNames(t, "page", p.names(), []string{"Cedar", "Dogwood", "Elm"})
	})
	t.Run("AcrossInsertsAndDeletes", func(t *testing.T) {
		first := h.listCustomers(t, who, "first: 3", nil)
		last := h.listCustomers(t, who, "last: 2", nil) // Fir, Gum
		extra := h.mustNamed(w, "Aspen", "Cherry", "Dove", "Fig")
		h.mustDelete(cs["Cedar"]) // the forward cursor's own row
		h.mustDelete(cs["Dogwood"])
		h.mustDelete(cs["Elm"])
		p := h.listCustomers(t, who, "first: 3, after: $after", map[string]any{"after": *first.PageInfo.EndCursor})
		checkPage(t, p, pageWant{[]string{"Cherry", "Dove", "Fig"}, true, true, 8})
		p = h.listCustomers(t, who, "last: 4, before: $before", map[string]any{"before": *last.PageInfo.StartCursor})
		checkPage(t, p, pageWant{[]string{"Birch", "Cherry", "Dove", "Fig"}, true, true, 8})
		if len(extra) != 4 {
			t.Fatalf("created %d customers, want 4", len(extra))
		}
	})
}

// TestPageSize checks the default page size, the 1..100 bounds and malformed paging.
func TestPageSize(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("sizes")
	who := h.as(w.full)
	for i := range 30 {
		h.mustCustomer(w, customerSpec{name: fmt.Sprintf("Customer %02d", i)})
	}
	t.Run("Default25", func(t *testing.T) {
		p := h.listCustomers(t, who, "", nil)
		if len(p.Edges) != 25 || !p.PageInfo.HasNextPage || p.TotalCount != 30 || p.Edges[24].Node.Name != "Customer 24" {
			t.Errorf("got %d edges ending %q, hasNextPage %v, totalCount %d; want 25 ending \"Customer 24\", true, 30",
				len(p.Edges), p.names()[len(p.Edges)-1], p.PageInfo.HasNextPage, p.TotalCount)
		}
	})
	t.Run("First100", func(t *testing.T) {
		if p := h.listCustomers(t, who, "first: 100", nil); len(p.Edges) != 30 || p.PageInfo.HasNextPage {
			t.Errorf("got %d edges, hasNextPage %v; want 30, false", len(p.Edges), p.PageInfo.HasNextPage)
		}
	})
	t.Run("Last1", func(t *testing.T) {
		wantNames(t, "page", h.listCustomers(t, who, "last: 1", nil).names(), []string{"Customer 29"})
	})
	nameCursor := h.listCustomers(t, who, "first: 1", nil).Edges[0].Cursor
	for _, tt := range []struct{ name, args, message string }{
		{"ErrFirst0", "first: 0", "first and last take 1 to 100, got 0"},
		{"ErrFirst101", "first: 101", "first and last take 1 to 100, got 101"},
		{"ErrLast0", "last: 0", "first and last take 1 to 100, got 0"},
		{"ErrLast101", "last: 101", "first and last take 1 to 100, got 101"},
		{"ErrFirstAndLast", "first: 5, last: 5", "pass first or last, not both"},
		{"ErrMalformedCursor", `after: "bm90LWEtY3Vyc29y"`, "malformed cursor"},
		{"ErrCursorOfAnotherOrder", `orderBy: {field: CREATED_AT}, after: "` + nameCursor + `"`, "the cursor does not belong to this ordering"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.do(t, who, customersQuery(tt.args, nil), nil)
			if resp.code() != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, tt.message) {
				t.Errorf("errors = %+v, want BAD_USER_INPUT mentioning %q", resp.Errors, tt.message)
			}
		})
	}
}

// TestCustomerOrder checks every orderBy field in both directions over customers that tie
// on each key (ties broken by ID in the key's direction, missing values last), reading the
// whole list at once and in pages of two forwards and backwards.
func TestCustomerOrder(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("order")
	who := h.as(w.full)
	active := func(endsIn int) subSpec { return paid(enum.StateActive, endsIn, false) }
	expired := paid(enum.StateExpired, -5, false)
	// Created in this order, so IDs ascend: amber-1, birch, cedar, amber-2, dune.
	h.mustCustomer(w, customerSpec{name: "Amber", orgID: "amber-1", createdAgo: day(10), activityAgo: ago(day(5)), subs: []subSpec{expired, active(40)}})
	h.mustCustomer(w, customerSpec{name: "Birch", orgID: "birch", createdAgo: day(20), subs: []subSpec{active(10)}})
	h.mustCustomer(w, customerSpec{name: "Cedar", orgID: "cedar", createdAgo: day(10), activityAgo: ago(day(5)), subs: []subSpec{expired}})
	h.mustCustomer(w, customerSpec{name: "Amber", orgID: "amber-2", createdAgo: day(30), activityAgo: ago(day(1)), subs: []subSpec{active(60), trialSub(enum.StateActive, 10)}})
	h.mustCustomer(w, customerSpec{name: "Dune", orgID: "dune", createdAgo: day(20)})
	tests := []struct {
		order string
		want  []string
	}{
		{"{field: NAME, direction: ASC}", []string{"amber-1", "amber-2", "birch", "cedar", "dune"}},
		{"{field: NAME, direction: DESC}", []string{"dune", "cedar", "birch", "amber-2", "amber-1"}},
		{"{field: NAME}", []string{"amber-1", "amber-2", "birch", "cedar", "dune"}},
		{"{field: CREATED_AT, direction: ASC}", []string{"amber-2", "birch", "dune", "amber-1", "cedar"}},
		{"{field: CREATED_AT, direction: DESC}", []string{"cedar", "amber-1", "dune", "birch", "amber-2"}},
		{"{field: NEXT_EXPIRY, direction: ASC}", []string{"birch", "amber-2", "amber-1", "cedar", "dune"}},
		{"{field: NEXT_EXPIRY, direction: DESC}", []string{"amber-1", "amber-2", "birch", "dune", "cedar"}},
		{"{field: LAST_ADMIN_ACTIVITY, direction: ASC}", []string{"amber-1", "cedar", "amber-2", "birch", "dune"}},
		{"{field: LAST_ADMIN_ACTIVITY, direction: DESC}", []string{"amber-2", "cedar", "amber-1", "dune", "birch"}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			args := "orderBy: " + tt.order
			wantNames(t, "whole list", h.listCustomers(t, who, args, nil).orgIDs(), tt.want)
			wantNames(t, "forward pages", h.pageThrough(t, who, args, "first", "after"), tt.want)
			wantNames(t, "backward pages", h.pageThrough(t, who, args, "last", "before"), tt.want)
		})
	}
}

// pageThrough reads the whole list in pages of two, forwards (first/after) or backwards
// (last/before), and returns the org IDs in list order.
func (h *harness) pageThrough(t *testing.T, who, args, size, cursor string) []string {
	t.Helper()
	var out []string
	vars := map[string]any{}
	for range 10 {
		p := h.listCustomers(t, who, args+", "+size+": 2"+map[bool]string{true: ", " + cursor + ": $" + cursor}[len(vars) > 0], vars)
		if size == "first" {
			out = append(out, p.orgIDs()...)
			if !p.PageInfo.HasNextPage {
				return out
			}
			vars[cursor] = *p.PageInfo.EndCursor
		} else {
			out = append(p.orgIDs(), out...)
			if !p.PageInfo.HasPreviousPage {
				return out
			}
			vars[cursor] = *p.PageInfo.StartCursor
		}
	}
	t.Fatal("more than 10 pages")
	return nil
}
