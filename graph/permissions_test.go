package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// The mutations as a client sends them; batch mutations select their per-item errors.
const (
	createTagQ    = `mutation($in: CreateTagInput!) { createTag(input: $in) { tag { id name } } }`
	updateTagQ    = `mutation($in: UpdateTagInput!) { updateTag(input: $in) { tag { id name } } }`
	deleteTagQ    = `mutation($in: DeleteTagInput!) { deleteTag(input: $in) { deletedTagId } }`
	addTagsQ      = `mutation($in: CustomerTagsInput!) { addCustomerTags(input: $in) { results { customerId customer { tags { name } } error { code message } } } }`
	removeTagsQ   = `mutation($in: CustomerTagsInput!) { removeCustomerTags(input: $in) { results { customerId customer { tags { name } } error { code message } } } }`
	setTagsQ      = `mutation($in: SetCustomerTagsInput!) { setCustomerTags(input: $in) { customer { id tags { name } } } }`
	startTrialQ   = `mutation($in: StartTrialInput!) { startTrial(input: $in) { trial { id kind state startedAt endsAt licenses { product total } } customer { id name region country statuses admins { email } } } }`
	assignQ       = `mutation($in: CustomerAdminsInput!) { assignCustomerAdmins(input: $in) { customer { id admins { email } } } }`
	unassignQ     = `mutation($in: CustomerAdminsInput!) { unassignCustomerAdmins(input: $in) { customer { id admins { email } } } }`
	createTokenQ  = `mutation($in: CreateApiTokenInput!) { createApiToken(input: $in) { token apiToken { id role scopes expiresAt } } }`
	revokeTokenQ  = `mutation($in: RevokeApiTokenInput!) { revokeApiToken(input: $in) { apiToken { id revokedAt } } }`
	upsertCustQ   = `mutation($in: UpsertCustomersInput!) { upsertCustomers(input: $in) { stored failed results { index id created changed error { code message } } } }`
	upsertSubsQ   = `mutation($in: UpsertSubscriptionsInput!) { upsertSubscriptions(input: $in) { stored failed results { index id created changed error { code message } } } }`
	usageQ        = `mutation($in: RecordLicenseUsageInput!) { recordLicenseUsage(input: $in) { stored failed results { index id created changed error { code message } } } }`
	activityQ     = `mutation($in: RecordAdminActivityInput!) { recordAdminActivity(input: $in) { stored failed results { index id created changed error { code message } } } }`
	callLegsQ     = `mutation($in: IngestCallLegsInput!) { ingestCallLegs(input: $in) { stored failed results { index id created changed error { code message } } } }`
	callQueuesQ   = `mutation($in: UpsertCallQueuesInput!) { upsertCallQueues(input: $in) { stored failed results { index id created changed error { code message } } } }`
	locationsQ    = `mutation($in: UpsertLocationsInput!) { upsertLocations(input: $in) { stored failed results { index id created changed error { code message } } } }`
	devicesQ      = `mutation($in: UpsertDevicesInput!) { upsertDevices(input: $in) { stored failed results { index id created changed error { code message } } } }`
	numbersQ      = `mutation($in: UpsertPhoneNumbersInput!) { upsertPhoneNumbers(input: $in) { stored failed results { index id created changed error { code message } } } }`
	createAdminQ  = `mutation($in: CreateAdminInput!) { createAdmin(input: $in) { admin { id email displayName role } } }`
	updateAdminQ  = `mutation($in: UpdateAdminInput!) { updateAdmin(input: $in) { admin { id email displayName role } } }`
	removeAdminQ  = `mutation($in: RemoveAdminInput!) { removeAdmin(input: $in) { admin { id email removedAt } } }`
	missingNumber = 987654321
)

// scene is what each permission case acts on, created fresh for the case in partner w:
// a customer assigned to w's ADMIN (mine) and one that is not (theirs), each with an
// external ID, a paid subscription with a Calling line and the tag on; another tag; another
// ADMIN; and a token of w's ADMIN.
type scene struct {
	w             world
	mine, theirs  *ent.Customer
	tag, spareTag *ent.Tag
	admin2        *ent.Admin
	token         *ent.ApiToken
	n             int
}

var scenes int

func (h *harness) newScene(w world) scene {
	h.t.Helper()
	scenes++
	s := scene{w: w, n: scenes, tag: h.mustTag(w, fmt.Sprintf("On %d", scenes)), spareTag: h.mustTag(w, fmt.Sprintf("Spare %d", scenes)), admin2: h.mustAdmin(w, enum.RoleAdmin)}
	mk := func(who string, assigned []*ent.Admin) *ent.Customer {
		return h.mustCustomer(w, customerSpec{
			name: fmt.Sprintf("%s %d", who, scenes), externalID: fmt.Sprintf("ext-%s-%d", who, scenes), assignedTo: assigned, tags: []*ent.Tag{s.tag},
			subs: []subSpec{{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(200), lines: []lineSpec{{product: enum.ProductCalling, total: 10, assigned: 5}}}},
		})
	}
	s.mine, s.theirs = mk("Mine", []*ent.Admin{w.admin}), mk("Theirs", nil)
	s.token = h.client.ApiToken.Create().SetPartnerID(w.partner.ID).SetAdminID(w.admin.ID).SetJti(fmt.Sprintf("scene-%d", scenes)).
		SetName("scene").SetRole(enum.RoleAdmin).SetCreatedAt(testNow).SetExpiresAt(testNow.Add(day(30))).SaveX(h.sys)
	return s
}

// subID is the subscription ID of c's first subscription, as mustCustomer names it.
func subID(c *ent.Customer) string { return fmt.Sprintf("sub-%d-0", c.ID) }

// mutationCase is one mutation with its variables built against a target customer.
type mutationCase struct {
	field, query, scope string
	vars                func(s scene, target *ent.Customer) map[string]any
}

func in(v map[string]any) map[string]any { return map[string]any{"in": v} }

// mutationCases lists every mutation of the schema.
var mutationCases = []mutationCase{
	{"createTag", createTagQ, viewer.ScopeTagsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"name": fmt.Sprintf("New %d", s.n)})
	}},
	{"updateTag", updateTagQ, viewer.ScopeTagsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"id": s.tag.GlobalID(), "name": fmt.Sprintf("Renamed %d", s.n)})
	}},
	{"deleteTag", deleteTagQ, viewer.ScopeTagsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"id": s.tag.GlobalID()})
	}},
	{"addCustomerTags", addTagsQ, viewer.ScopeTagsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerIds": []string{c.GlobalID()}, "tagIds": []string{s.spareTag.GlobalID()}})
	}},
	{"removeCustomerTags", removeTagsQ, viewer.ScopeTagsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerIds": []string{c.GlobalID()}, "tagIds": []string{s.tag.GlobalID()}})
	}},
	{"setCustomerTags", setTagsQ, viewer.ScopeTagsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerId": c.GlobalID(), "tagIds": []string{s.spareTag.GlobalID()}})
	}},
	{"startTrial", startTrialQ, viewer.ScopeTrialsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerId": c.GlobalID(), "products": []any{map[string]any{"product": "MEETINGS", "licenses": 10}}, "durationDays": 30})
	}},
	{"assignCustomerAdmins", assignQ, viewer.ScopeAdminsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerId": c.GlobalID(), "adminIds": []string{s.admin2.GlobalID()}})
	}},
	{"unassignCustomerAdmins", unassignQ, viewer.ScopeAdminsWrite, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customerId": c.GlobalID(), "adminIds": []string{s.w.admin.GlobalID()}})
	}},
	{"createApiToken", createTokenQ, viewer.ScopeCustomersRead, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"name": "integration", "role": "READ_ONLY_ADMIN", "scopes": []string{viewer.ScopeCustomersRead}})
	}},
	{"revokeApiToken", revokeTokenQ, "", func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"id": s.token.GlobalID()})
	}},
	{"createAdmin", createAdminQ, viewer.ScopeAdminsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"email": fmt.Sprintf("New.Admin-%d@Example.com", s.n), "displayName": "New admin", "role": "ADMIN"})
	}},
	{"updateAdmin", updateAdminQ, viewer.ScopeAdminsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"id": s.admin2.GlobalID(), "role": "READ_ONLY_ADMIN"})
	}},
	{"removeAdmin", removeAdminQ, viewer.ScopeAdminsWrite, func(s scene, _ *ent.Customer) map[string]any {
		return in(map[string]any{"id": s.admin2.GlobalID()})
	}},
	{"upsertCustomers", upsertCustQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"customers": []any{map[string]any{"externalId": *c.ExternalID, "name": fmt.Sprintf("Renamed %d", s.n), "orgId": c.OrgID, "region": "US", "country": "US"}}})
	}},
	{"upsertSubscriptions", upsertSubsQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"subscriptions": []any{subscriptionItem(*c.ExternalID, fmt.Sprintf("NEW-%d", s.n), 10)}})
	}},
	{"recordLicenseUsage", usageQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"usage": []any{usageItem(subID(c), "2026-03-17", 7)}})
	}},
	{"recordAdminActivity", activityQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"activity": []any{map[string]any{"customerExternalId": *c.ExternalID, "signedInAt": "2026-03-18T10:00:00Z"}}})
	}},
	{"ingestCallLegs", callLegsQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"legs": []any{callLeg(fmt.Sprintf("leg-%d", s.n), "call", *c.ExternalID, "user", "2026-03-17T10:00:00Z", 60)}})
	}},
	{"upsertCallQueues", callQueuesQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"queues": []any{map[string]any{"customerExternalId": *c.ExternalID, "externalId": fmt.Sprintf("queue-%d", s.n), "name": "Sales"}}})
	}},
	{"upsertLocations", locationsQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"locations": []any{locationItem(*c.ExternalID, fmt.Sprintf("loc-%d", s.n), "HQ")}})
	}},
	{"upsertDevices", devicesQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"devices": []any{deviceItem(*c.ExternalID, fmt.Sprintf("dev-%d", s.n), nil)}})
	}},
	{"upsertPhoneNumbers", numbersQ, viewer.ScopeIngest, func(s scene, c *ent.Customer) map[string]any {
		return in(map[string]any{"phoneNumbers": []any{numberItem(*c.ExternalID, fmt.Sprintf("num-%d", s.n), nil)}})
	}},
}

// subscriptionItem is a valid upsertSubscriptions item with a Calling line of total licenses.
func subscriptionItem(customerExternalID, subscriptionID string, total int) map[string]any {
	return map[string]any{
		"customerExternalId": customerExternalID, "subscriptionId": subscriptionID, "kind": "PAID", "state": "ACTIVE",
		"startedAt": "2026-01-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z", "autoRenew": true,
		"licenses": []any{map[string]any{"product": "CALLING", "total": total, "assigned": 4, "used": 3, "usedLast90Days": 4}},
	}
}

// usageItem is a valid recordLicenseUsage item for the Calling line of subscriptionID.
func usageItem(subscriptionID, date string, assigned int) map[string]any {
	return map[string]any{"subscriptionId": subscriptionID, "product": "CALLING", "date": date, "assigned": assigned, "used": 2, "usedLast90Days": 3}
}

// without returns every scope but drop; a token for a mutation needing no scope lacks all
// but analytics:read.
func without(drop string) []string {
	if drop == "" || drop == viewer.ScopeCustomersRead {
		return []string{viewer.ScopeAnalyticsRead}
	}
	var out []string
	for _, s := range viewer.Scopes {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// TestPermissionMatrix runs every mutation as each kind of viewer and checks
// the outcome code, and that exactly the successful ones append an audit event. The role
// viewers carry every scope (ingest included), so only their role decides.
func TestPermissionMatrix(t *testing.T) {
	h := newHarness(t)
	w, other := h.newWorld("Matrix"), h.newWorld("Elsewhere")
	viewers := []string{"FULL_ADMIN", "ADMIN assigned", "ADMIN unassigned", "READ_ONLY_ADMIN", "token lacking scope", "token with scope", "other partner"}
	want := map[string][7]string{
		"createTag":              {"OK", "OK", "OK", "FORBIDDEN", "FORBIDDEN", "OK", "OK"},
		"updateTag":              {"OK", "OK", "OK", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"deleteTag":              {"OK", "OK", "OK", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"addCustomerTags":        {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"removeCustomerTags":     {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"setCustomerTags":        {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"startTrial":             {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"assignCustomerAdmins":   {"OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"unassignCustomerAdmins": {"OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"createApiToken":         {"OK", "OK", "OK", "OK", "FORBIDDEN", "OK", "OK"},
		"revokeApiToken":         {"OK", "OK", "OK", "NOT_FOUND", "OK", "OK", "NOT_FOUND"},
		"createAdmin":            {"OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "OK", "OK"},
		"updateAdmin":            {"OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"removeAdmin":            {"OK", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"upsertCustomers":        {"OK", "OK", "CONFLICT", "FORBIDDEN", "FORBIDDEN", "OK", "OK"},
		"upsertSubscriptions":    {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"recordLicenseUsage":     {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"recordAdminActivity":    {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"ingestCallLegs":         {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"upsertCallQueues":       {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"upsertLocations":        {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"upsertDevices":          {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
		"upsertPhoneNumbers":     {"OK", "OK", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "OK", "NOT_FOUND"},
	}
	if len(want) != len(mutationCases) {
		t.Fatalf("the matrix has %d mutations, the cases %d", len(want), len(mutationCases))
	}
	for _, m := range mutationCases {
		for i, who := range viewers {
			t.Run(m.field+"/"+who, func(t *testing.T) {
				s := h.newScene(w)
				target := s.mine
				as := map[string]string{
					"FULL_ADMIN":          h.asToken(w.full, viewer.Scopes...),
					"ADMIN assigned":      h.asToken(w.admin, viewer.Scopes...),
					"READ_ONLY_ADMIN":     h.asToken(w.readOnly, viewer.Scopes...),
					"token lacking scope": h.asToken(w.full, without(m.scope)...),
					"token with scope":    h.asToken(w.full, m.scope),
					"other partner":       h.asToken(other.full, viewer.Scopes...),
				}
				if who == "ADMIN unassigned" {
					as[who], target = as["ADMIN assigned"], s.theirs
				}
				if m.scope == "" {
					as["token with scope"] = h.asToken(w.full, viewer.ScopeReports)
				}
				before := h.auditCount(t)
				got := h.mutate(t, as[who], m.field, m.query, m.vars(s, target))
				if got.code != want[m.field][i] {
					t.Fatalf("%s as %s = %s (%s), want %s", m.field, who, got.code, got.message, want[m.field][i])
				}
				wantEvents := 0
				if got.code == "OK" {
					wantEvents = 1
				}
				if n := h.auditCount(t) - before; n != wantEvents {
					t.Errorf("%s as %s appended %d audit events, want %d", m.field, who, n, wantEvents)
				}
			})
		}
	}
}

// TestTenantIsolation gives every ID argument of every mutation, one at a time, an object
// of another partner and a well-formed ID that exists nowhere: both answer NOT_FOUND with
// the same message (the argument itself masked), and neither changes anything.
func TestTenantIsolation(t *testing.T) {
	h := newHarness(t)
	w, other := h.newWorld("Home"), h.newWorld("Foreign")
	who := h.asToken(w.full, viewer.Scopes...)
	s, foreign := h.newScene(w), h.newScene(other)
	missing := func(typ string) string { return gid.Encode(typ, missingNumber) }
	cust := func(c string, tags ...string) map[string]any {
		return in(map[string]any{"customerIds": []string{c}, "tagIds": tags})
	}
	cases := []struct {
		name, field, query string
		vars               func(arg string) map[string]any
		foreign, missing   string
	}{
		{"updateTag.id", "updateTag", updateTagQ, func(a string) map[string]any { return in(map[string]any{"id": a, "name": "X"}) }, foreign.tag.GlobalID(), missing("Tag")},
		{"deleteTag.id", "deleteTag", deleteTagQ, func(a string) map[string]any { return in(map[string]any{"id": a}) }, foreign.tag.GlobalID(), missing("Tag")},
		{"addCustomerTags.customerIds", "addCustomerTags", addTagsQ, func(a string) map[string]any { return cust(a, s.spareTag.GlobalID()) }, foreign.mine.GlobalID(), missing("Customer")},
		{"addCustomerTags.tagIds", "addCustomerTags", addTagsQ, func(a string) map[string]any { return cust(s.mine.GlobalID(), a) }, foreign.spareTag.GlobalID(), missing("Tag")},
		{"removeCustomerTags.customerIds", "removeCustomerTags", removeTagsQ, func(a string) map[string]any { return cust(a, s.tag.GlobalID()) }, foreign.mine.GlobalID(), missing("Customer")},
		{"removeCustomerTags.tagIds", "removeCustomerTags", removeTagsQ, func(a string) map[string]any { return cust(s.mine.GlobalID(), a) }, foreign.tag.GlobalID(), missing("Tag")},
		{"setCustomerTags.customerId", "setCustomerTags", setTagsQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": a, "tagIds": []string{s.spareTag.GlobalID()}})
		}, foreign.mine.GlobalID(), missing("Customer")},
		{"setCustomerTags.tagIds", "setCustomerTags", setTagsQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": s.mine.GlobalID(), "tagIds": []string{a}})
		}, foreign.spareTag.GlobalID(), missing("Tag")},
		{"startTrial.customerId", "startTrial", startTrialQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": a, "products": []any{map[string]any{"product": "CALLING", "licenses": 5}}, "durationDays": 10})
		}, foreign.mine.GlobalID(), missing("Customer")},
		{"assignCustomerAdmins.customerId", "assignCustomerAdmins", assignQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": a, "adminIds": []string{s.admin2.GlobalID()}})
		}, foreign.mine.GlobalID(), missing("Customer")},
		{"assignCustomerAdmins.adminIds", "assignCustomerAdmins", assignQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": s.mine.GlobalID(), "adminIds": []string{a}})
		}, foreign.admin2.GlobalID(), missing("Admin")},
		{"unassignCustomerAdmins.customerId", "unassignCustomerAdmins", unassignQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": a, "adminIds": []string{w.admin.GlobalID()}})
		}, foreign.mine.GlobalID(), missing("Customer")},
		{"unassignCustomerAdmins.adminIds", "unassignCustomerAdmins", unassignQ, func(a string) map[string]any {
			return in(map[string]any{"customerId": s.mine.GlobalID(), "adminIds": []string{a}})
		}, other.admin.GlobalID(), missing("Admin")},
		{"updateAdmin.id", "updateAdmin", updateAdminQ, func(a string) map[string]any { return in(map[string]any{"id": a, "displayName": "X"}) }, foreign.admin2.GlobalID(), missing("Admin")},
		{"removeAdmin.id", "removeAdmin", removeAdminQ, func(a string) map[string]any { return in(map[string]any{"id": a}) }, foreign.admin2.GlobalID(), missing("Admin")},
		{"revokeApiToken.id", "revokeApiToken", revokeTokenQ, func(a string) map[string]any { return in(map[string]any{"id": a}) }, foreign.token.GlobalID(), missing("ApiToken")},
		{"upsertSubscriptions.customerExternalId", "upsertSubscriptions", upsertSubsQ, func(a string) map[string]any {
			return in(map[string]any{"subscriptions": []any{subscriptionItem(a, "ISO-1", 10)}})
		}, *foreign.mine.ExternalID, "ext-nowhere"},
		{"recordLicenseUsage.subscriptionId", "recordLicenseUsage", usageQ, func(a string) map[string]any {
			return in(map[string]any{"usage": []any{usageItem(a, "2026-03-17", 7)}})
		}, subID(foreign.mine), "sub-nowhere"},
		{"recordAdminActivity.customerExternalId", "recordAdminActivity", activityQ, func(a string) map[string]any {
			return in(map[string]any{"activity": []any{map[string]any{"customerExternalId": a, "signedInAt": "2026-03-18T10:00:00Z"}}})
		}, *foreign.mine.ExternalID, "ext-nowhere"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := h.auditCount(t)
			gotForeign := h.mutate(t, who, c.field, c.query, c.vars(c.foreign))
			gotMissing := h.mutate(t, who, c.field, c.query, c.vars(c.missing))
			if gotForeign.code != "NOT_FOUND" || gotMissing.code != "NOT_FOUND" {
				t.Fatalf("foreign: %s (%s), missing: %s (%s); want NOT_FOUND for both", gotForeign.code, gotForeign.message, gotMissing.code, gotMissing.message)
			}
			if mask(gotForeign.message, c.foreign) != mask(gotMissing.message, c.missing) {
				t.Errorf("messages differ: foreign %q, missing %q", gotForeign.message, gotMissing.message)
			}
			if n := h.auditCount(t) - before; n != 0 {
				t.Errorf("%d audit events appended, want 0", n)
			}
		})
	}
}

// mask replaces arg in message, so messages naming their argument compare equal.
func mask(message, arg string) string {
	return strings.ReplaceAll(message, arg, "<arg>")
}
