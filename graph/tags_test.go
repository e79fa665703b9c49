package graph

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// TestTagNames: names have 1–25 characters after trimming and are unique regardless of case.
func TestTagNames(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Names")
	who := h.as(w.admin)
	h.mustTag(w, "Key account")
	cases := []struct{ name, input, want, wantName string }{
		{"Empty", "", "BAD_USER_INPUT", ""},
		{"Blank", "   ", "BAD_USER_INPUT", ""},
		{"TooLong", strings.Repeat("a", 26), "BAD_USER_INPUT", ""},
		{"TooLongAfterTrimOK", "  " + strings.Repeat("b", 25) + "  ", "OK", strings.Repeat("b", 25)},
		{"MultibyteCountsRunes", strings.Repeat("é", 25), "OK", strings.Repeat("é", 25)},
		{"ConflictOtherCase", "KEY ACCOUNT", "CONFLICT", ""},
		{"ConflictTrimmed", " key account ", "CONFLICT", ""},
		{"OK", "Renewal risk", "OK", "Renewal risk"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := h.do(t, who, createTagQ, in(map[string]any{"name": c.input}))
			if got := outcomeOf(t, resp, "createTag"); got.code != c.want {
				t.Fatalf("createTag(%q) = %s (%s), want %s", c.input, got.code, got.message, c.want)
			}
			if c.want == "OK" && !strings.Contains(string(resp.Data), fmt.Sprintf(`"name":%q`, c.wantName)) {
				t.Errorf("createTag(%q) = %s, want name %q", c.input, resp.Data, c.wantName)
			}
		})
	}
	t.Run("RenameConflict", func(t *testing.T) {
		other := h.mustTag(w, "Churn watch")
		got := h.mutate(t, who, "updateTag", updateTagQ, in(map[string]any{"id": other.GlobalID(), "name": "renewal RISK"}))
		if got.code != "CONFLICT" {
			t.Fatalf("rename to a taken name = %s (%s), want CONFLICT", got.code, got.message)
		}
	})
	t.Run("SameNameInAnotherPartner", func(t *testing.T) {
		x := h.newWorld("Names elsewhere")
		if got := h.mutate(t, h.as(x.full), "createTag", createTagQ, in(map[string]any{"name": "Key account"})); got.code != "OK" {
			t.Fatalf("another partner's createTag = %s (%s), want OK", got.code, got.message)
		}
	})
}

// TestTagLimit: a customer has at most 5 tags; a failing customer is named and the others of
// the batch still change.
func TestTagLimit(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Limit")
	who := h.as(w.full)
	var tags []*ent.Tag
	var ids []string
	for i := range 7 {
		tags = append(tags, h.mustTag(w, fmt.Sprintf("T%d", i)))
		ids = append(ids, tags[i].GlobalID())
	}
	full := h.mustCustomer(w, customerSpec{name: "Full Co", tags: tags[:5]})
	empty := h.mustCustomer(w, customerSpec{name: "Empty Co"})

	t.Run("AddOverLimitNamesCustomer", func(t *testing.T) {
		var out struct {
			AddCustomerTags struct {
				Results []struct {
					CustomerID string
					Customer   *struct{ Tags []struct{ Name string } }
					Error      *struct{ Code, Message string }
				}
			}
		}
		h.mustDo(t, who, addTagsQ, in(map[string]any{"customerIds": []string{full.GlobalID(), empty.GlobalID()}, "tagIds": []string{ids[5]}}), &out)
		r := out.AddCustomerTags.Results
		if len(r) != 2 || r[0].Error == nil || r[0].Error.Code != "BAD_USER_INPUT" || !strings.Contains(r[0].Error.Message, `"Full Co"`) || r[0].Customer != nil {
			t.Fatalf("first result = %+v, want BAD_USER_INPUT naming \"Full Co\"", r[0])
		}
		if r[1].Error != nil || r[1].Customer == nil || len(r[1].Customer.Tags) != 1 || r[1].Customer.Tags[0].Name != "T5" {
			t.Fatalf("second result = %+v, want Empty Co tagged T5", r[1])
		}
		if n := h.tagCount(full); n != 5 {
			t.Errorf("Full Co has %d tags, want 5", n)
		}
	})
	t.Run("SetSixTags", func(t *testing.T) {
		got := h.mutate(t, who, "setCustomerTags", setTagsQ, in(map[string]any{"customerId": empty.GlobalID(), "tagIds": ids[:6]}))
		if got.code != "BAD_USER_INPUT" {
			t.Fatalf("setCustomerTags with 6 tags = %s (%s), want BAD_USER_INPUT", got.code, got.message)
		}
		if n := h.tagCount(empty); n != 1 {
			t.Errorf("Empty Co has %d tags, want 1 (unchanged)", n)
		}
	})
	t.Run("SetReplacesUpToFive", func(t *testing.T) {
		var out struct {
			SetCustomerTags struct {
				Customer struct{ Tags []struct{ Name string } }
			}
		}
		h.mustDo(t, who, setTagsQ, in(map[string]any{"customerId": full.GlobalID(), "tagIds": []string{ids[6], ids[0]}}), &out)
		if got := out.SetCustomerTags.Customer.Tags; len(got) != 2 {
			t.Fatalf("tags after set = %+v, want T0 and T6", got)
		}
	})
	t.Run("DeleteTagUntagsCustomers", func(t *testing.T) {
		h.mustDo(t, who, deleteTagQ, in(map[string]any{"id": ids[6]}), &struct{}{})
		if n := h.tagCount(full); n != 1 {
			t.Errorf("Full Co has %d tags after deleting T6, want 1", n)
		}
	})
}

// TestTagLimitRace: many concurrent requests each adding different tags to one customer
// never leave it with more than 5; exactly as many succeed as fit.
func TestTagLimitRace(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Race")
	var tags []*ent.Tag
	for i := range 12 {
		tags = append(tags, h.mustTag(w, fmt.Sprintf("R%d", i)))
	}
	c := h.mustCustomer(w, customerSpec{name: "Contested Co", assignedTo: []*ent.Admin{w.admin}})
	whos := []string{h.as(w.full), h.as(w.admin), h.asToken(w.full, viewer.ScopeTagsWrite)}
	var wg sync.WaitGroup
	codes := make([]string, len(tags))
	for i, tg := range tags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vars := in(map[string]any{"customerIds": []string{c.GlobalID()}, "tagIds": []string{tg.GlobalID()}})
			codes[i] = outcomeOf(t, h.do(t, whos[i%len(whos)], addTagsQ, vars), "addCustomerTags").code
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["OK"] != 5 || count["BAD_USER_INPUT"] != 7 {
		t.Errorf("outcomes = %v, want 5 OK and 7 BAD_USER_INPUT", count)
	}
	if n := h.tagCount(c); n != 5 {
		t.Fatalf("Contested Co has %d tags, want 5", n)
	}
}

// TestTagsQuery: every admin sees the partner's tags with their customer counts; only
// FULL_ADMIN and ADMIN may edit them.
func TestTagsQuery(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("Listing")
	vip, churn := h.mustTag(w, "VIP"), h.mustTag(w, "Churn watch")
	h.mustTag(h.newWorld("Other listing"), "VIP elsewhere")
	h.mustCustomer(w, customerSpec{name: "A", tags: []*ent.Tag{vip, churn}})
	h.mustCustomer(w, customerSpec{name: "B", tags: []*ent.Tag{vip}})
	for _, c := range []struct {
		who     *ent.Admin
		canEdit bool
	}{{w.full, true}, {w.admin, true}, {w.readOnly, false}} {
		t.Run(string(c.who.Role), func(t *testing.T) {
			var out struct {
				Tags struct {
					TotalCount int
					Edges      []struct{ Node struct{ Name string } }
				}
				Viewer struct{ ViewerCanEditTags bool }
			}
			h.mustDo(t, h.as(c.who), `{ tags(first: 10) { totalCount edges { node { name } } } viewer { viewerCanEditTags } }`, nil, &out)
			if out.Tags.TotalCount != 2 || len(out.Tags.Edges) != 2 {
				t.Errorf("tags = %+v, want VIP and Churn watch", out.Tags)
			}
			if out.Viewer.ViewerCanEditTags != c.canEdit {
				t.Errorf("viewerCanEditTags = %v, want %v", out.Viewer.ViewerCanEditTags, c.canEdit)
			}
		})
	}
	t.Run("QueryAndCustomerCount", func(t *testing.T) {
		var out struct {
			Tags struct {
				Edges []struct {
					Node struct {
						Name          string
						CustomerCount int
					}
				}
			}
		}
		h.mustDo(t, h.as(w.full), `{ tags(first: 10, query: "vi") { edges { node { name customerCount } } } }`, nil, &out)
		if len(out.Tags.Edges) != 1 || out.Tags.Edges[0].Node.Name != "VIP" || out.Tags.Edges[0].Node.CustomerCount != 2 {
			t.Errorf("tags(query: vi) = %+v, want VIP on 2 customers", out.Tags.Edges)
		}
	})
}
