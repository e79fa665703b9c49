package graph

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/auditevent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// outcome is how a mutation ended for its caller: the code and message of its error, or of
// the first failed item of a batch, or "OK" with no message.
type outcome struct{ code, message string }

// outcomeOf reads the outcome of the mutation named field from resp.
func outcomeOf(t testing.TB, resp response, field string) outcome {
	t.Helper()
	if len(resp.Errors) > 0 {
		return outcome{resp.code(), resp.Errors[0].Message}
	}
	var data map[string]struct {
		Results []struct {
			Error *struct{ Code, Message string }
		}
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("decode %s: %v", resp.Data, err)
	}
	for _, r := range data[field].Results {
		if r.Error != nil {
			return outcome{r.Error.Code, r.Error.Message}
		}
	}
	return outcome{code: "OK"}
}

// mutate runs a mutation as who and returns its outcome.
func (h *harness) mutate(t testing.TB, who, field, query string, vars map[string]any) outcome {
	t.Helper()
	return outcomeOf(t, h.do(t, who, query, vars), field)
}

// auditCount counts the audit events of every partner.
func (h *harness) auditCount(t testing.TB) int {
	t.Helper()
	return h.client.AuditEvent.Query().CountX(h.sys)
}

// auditEvents returns the events of action, oldest first.
func (h *harness) auditEvents(action string) []*ent.AuditEvent {
	return h.client.AuditEvent.Query().Where(auditevent.Action(action)).Order(ent.Asc(auditevent.FieldID)).AllX(h.sys)
}

var extraAdmins int

// mustAdmin creates another admin of role in w's partner.
func (h *harness) mustAdmin(w world, role enum.Role) *ent.Admin {
	h.t.Helper()
	extraAdmins++
	return h.client.Admin.Create().SetPartnerID(w.partner.ID).SetRole(role).SetDisplayName(fmt.Sprintf("Extra %d", extraAdmins)).
		SetEmail(fmt.Sprintf("extra-%d@%s.example", extraAdmins, w.partner.OrgID)).SaveX(h.sys)
}

// tagCount counts a customer's tags as stored.
func (h *harness) tagCount(c *ent.Customer) int {
	return h.client.Customer.QueryTags(c).CountX(h.sys)
}
