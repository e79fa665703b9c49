package graph

import (
	"encoding/json"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

func locationItem(customerExt, ext, name string) map[string]any {
	return map[string]any{"customerExternalId": customerExt, "externalId": ext, "name": name, "country": "DE"}
}

// deviceItem is a desk phone of user u1 at location loc (none when nil).
func deviceItem(customerExt, ext string, loc *string) map[string]any {
	return map[string]any{"customerExternalId": customerExt, "externalId": ext, "locationExternalId": loc, "product": "Desk Phone 9861",
		"mac": "00:1b:d4:0a:1b:2c", "firmware": "sip9861.3-2-1", "phoneNumber": "+4930123451000", "extension": "2000",
		"userId": "u1@acme.example", "userUuid": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"}
}

// numberItem is user u1's primary number at location loc (none when nil).
func numberItem(customerExt, ext string, loc *string) map[string]any {
	return map[string]any{"customerExternalId": customerExt, "externalId": ext, "locationExternalId": loc, "number": "+4930123451000",
		"extension": "2000", "pstnConnection": "Carrier A", "active": true, "userType": "USER", "numberType": "PRIMARY",
		"userId": "u1@acme.example", "userUuid": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"}
}

const inventoryQ = `query($id: ID!) { customer(id: $id) {
  locations { externalId name country }
  devices(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { externalId product mac firmware phoneNumber extension userId userUuid location { externalId } } } }
  phoneNumbers { totalCount edges { node { externalId number country extension pstnConnection active userType numberType userId userUuid location { name } } } } } }`

// TestInventory: the inventory mutations store locations, devices and numbers once, answer
// item by item, and the customer shows them; an ADMIN sees only assigned customers'.
func TestInventory(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Inventory")
	acme := h.mustCustomer(w, customerSpec{name: "Acme", externalID: "acme", assignedTo: []*ent.Admin{w.admin}})
	bravo := h.mustCustomer(w, customerSpec{name: "Bravo", externalID: "bravo"})
	who := h.asToken(w.full, viewer.ScopeIngest)
	hq := "acme-hq"
	batches := []struct {
		field, query, key string
		items             []any
	}{
		{"upsertLocations", locationsQ, "locations", []any{locationItem("acme", "acme-hq", "Berlin HQ"), locationItem("acme", "acme-br", "Bonn, Branch")}},
		{"upsertDevices", devicesQ, "devices", []any{deviceItem("acme", "d1", &hq), deviceItem("acme", "d2", nil), deviceItem("bravo", "d3", nil)}},
		{"upsertPhoneNumbers", numbersQ, "phoneNumbers", []any{numberItem("acme", "n1", &hq)}},
	}
	for _, b := range batches {
		if out := h.ingest(t, who, b.field, b.query, b.key, b.items); out.Stored != len(b.items) || out.Failed != 0 {
			t.Fatalf("%s = %+v, want all stored", b.field, out)
		}
		if out := h.ingest(t, who, b.field, b.query, b.key, b.items); out.Stored != 0 || out.Failed != 0 || out.Results[0].Changed {
			t.Fatalf("%s again = %+v, want nothing stored", b.field, out)
		}
	}
	t.Run("ItemErrors", func(t *testing.T) {
		bad := deviceItem("acme", "d9", nil)
		bad["mac"] = "00:1B"
		moved := deviceItem("bravo", "d1", nil)
		other := "acme-hq"
		out := h.ingest(t, who, "upsertDevices", devicesQ, "devices", []any{bad, deviceItem("nobody", "d8", nil), moved, deviceItem("bravo", "d7", &other)})
		codes := []string{}
		for _, r := range out.Results {
			codes = append(codes, r.Error.Code)
		}
		if want := []string{"BAD_USER_INPUT", "NOT_FOUND", "BAD_USER_INPUT", "NOT_FOUND"}; out.Failed != 4 || !equalStrings(codes, want) {
			t.Fatalf("bad devices = %+v (codes %v), want codes %v", out, codes, want)
		}
	})
	t.Run("Changed", func(t *testing.T) {
		n := numberItem("acme", "n1", nil)
		n["active"], n["userType"], n["userId"], n["userUuid"] = false, "UNASSIGNED", nil, nil
		if out := h.ingest(t, who, "upsertPhoneNumbers", numbersQ, "phoneNumbers", []any{n}); out.Stored != 1 || !out.Results[0].Changed {
			t.Fatalf("changed number = %+v, want stored", out)
		}
	})
	var got struct {
		Customer struct {
			Locations []struct{ ExternalID, Name, Country string }
			Devices   struct {
				TotalCount int
				PageInfo   struct{ HasNextPage bool }
				Edges      []struct{ Node map[string]any }
			}
			PhoneNumbers struct {
				TotalCount int
				Edges      []struct{ Node map[string]any }
			}
		}
	}
	h.mustDo(t, h.as(w.admin), inventoryQ, map[string]any{"id": acme.GlobalID()}, &got)
	c := got.Customer
	if len(c.Locations) != 2 || c.Locations[0].Name != "Berlin HQ" || c.Locations[1].ExternalID != "acme-br" || c.Locations[0].Country != "DE" {
		t.Errorf("locations = %+v, want Berlin HQ then Bonn, Branch", c.Locations)
	}
	wantDevice := `{"extension":"2000","externalId":"d1","firmware":"sip9861.3-2-1","location":{"externalId":"acme-hq"},"mac":"00:1B:D4:0A:1B:2C","phoneNumber":"+4930123451000","product":"Desk Phone 9861","userId":"u1@acme.example","userUuid":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"}`
	if d, _ := json.Marshal(c.Devices.Edges[0].Node); c.Devices.TotalCount != 2 || !c.Devices.PageInfo.HasNextPage || string(d) != wantDevice {
		t.Errorf("devices = %d, first %s, want 2 and %s", c.Devices.TotalCount, d, wantDevice)
	}
	wantNumber := `{"active":false,"country":"US","extension":"2000","location":null,"number":"+4930123451000","numberType":"PRIMARY","pstnConnection":"Carrier A","userId":null,"userType":"UNASSIGNED","userUuid":null}`
	delete(c.PhoneNumbers.Edges[0].Node, "externalId")
	if n, _ := json.Marshal(c.PhoneNumbers.Edges[0].Node); c.PhoneNumbers.TotalCount != 1 || string(n) != wantNumber {
		t.Errorf("numbers = %d, first %s, want 1 and %s", c.PhoneNumbers.TotalCount, n, wantNumber)
	}
	if resp := h.do(t, h.as(w.admin), inventoryQ, map[string]any{"id": bravo.GlobalID()}); string(resp.Data) != `{"customer":null}` {
		t.Errorf("unassigned customer's inventory as ADMIN = %s, want null", resp.Data)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
