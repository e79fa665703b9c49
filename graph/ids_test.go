package graph

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
)

// TestGlobalIDsRevealNothing: a partner's IDs do not show how many rows other partners
// have, and an ID in the readable form of the row number — its own customer's included —
// answers null like a missing one.
func TestGlobalIDsRevealNothing(t *testing.T) {
	h := newHarness(t)
	first := h.newWorld("First")
	for i := range 5 {
		h.mustCustomer(first, customerSpec{name: "First " + strconv.Itoa(i)})
	}
	second := h.newWorld("Second")
	mine := h.mustCustomer(second, customerSpec{name: "Second's own"})
	who := h.as(second.full)
	var got struct {
		Customers struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	h.mustDo(t, who, `{ customers(first: 5) { edges { node { id } } } }`, nil, &got)
	if len(got.Customers.Edges) != 1 {
		t.Fatalf("second partner sees %d customers, want 1", len(got.Customers.Edges))
	}
	id := got.Customers.Edges[0].Node.ID
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || strings.Contains(string(raw), strconv.Itoa(mine.ID)) {
		t.Errorf("ID %s decodes to %q, which shows the row number %d", id, raw, mine.ID)
	}
	const nodeQ = `query($id: ID!) { node(id: $id) { id ... on Customer { name } } }`
	var own struct{ Node *struct{ ID, Name string } }
	h.mustDo(t, who, nodeQ, map[string]any{"id": id}, &own)
	if own.Node == nil || own.Node.Name != "Second's own" {
		t.Errorf("node(own ID) = %+v, want the customer", own.Node)
	}
	for _, guess := range []string{
		base64.RawURLEncoding.EncodeToString([]byte("Customer:" + strconv.Itoa(mine.ID))),
		id[:len(id)-1] + map[bool]string{true: "A", false: "B"}[id[len(id)-1] != 'A'],
	} {
		resp := h.do(t, who, nodeQ, map[string]any{"id": guess})
		if len(resp.Errors) != 0 || string(resp.Data) != `{"node":null}` {
			t.Errorf("node(%s) = %s %+v, want null like a missing ID", guess, resp.Data, resp.Errors)
		}
	}
}
