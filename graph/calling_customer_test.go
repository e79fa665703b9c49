package graph

import (
	"testing"
)

const customerCallingQ = `query($id: ID!) { node(id: $id) { ... on Customer {
  callQueues { externalId name lastWeek { queueCalls answered abandoned timedOut overflow transferred
    averageTimeToAnswerSeconds averageWaitBeforeAbandonSeconds abandonedRate { numerator denominator } } }
  callingUsage(week: "2026-03-08") { calls legs minutes activeUsers callsChange customer { name } } } } }`

// TestCustomerCalling: a customer's call queues carry their figures of the last completed
// week, and its calling usage those of the week asked for; both follow the customer's
// visibility.
func TestCustomerCalling(t *testing.T) {
	s := newCallingScene(t)
	var got struct {
		Node *struct {
			CallQueues []struct {
				ExternalID, Name string
				LastWeek         struct {
					QueueCalls, Answered, Abandoned, TimedOut, Overflow, Transferred int
					AverageTimeToAnswerSeconds, AverageWaitBeforeAbandonSeconds      *float64
					AbandonedRate                                                    struct{ Numerator, Denominator int }
				}
			}
			CallingUsage struct {
				Calls, Legs, ActiveUsers, CallsChange int
				Minutes                               float64
				Customer                              struct{ Name string }
			}
		}
	}
	vars := map[string]any{"id": s.acme.GlobalID()}
	s.h.mustDo(t, s.h.as(s.w.admin), customerCallingQ, vars, &got)
	if got.Node == nil || len(got.Node.CallQueues) != 1 {
		t.Fatalf("Acme = %+v, want its one queue", got.Node)
	}
	// Seven queued legs: answered after 10 and 30 s, transferred after 20, abandoned after
	// 40 and 60, one timed out, one overflowed.
	q := got.Node.CallQueues[0]
	w := q.LastWeek
	if q.ExternalID != "q-sales" || q.Name != "Sales" || w.QueueCalls != 7 || w.Answered != 2 || w.Abandoned != 2 || w.TimedOut != 1 ||
		w.Overflow != 1 || w.Transferred != 1 || *w.AverageTimeToAnswerSeconds != 20 || *w.AverageWaitBeforeAbandonSeconds != 50 ||
		w.AbandonedRate.Numerator != 2 || w.AbandonedRate.Denominator != 7 {
		t.Errorf("queue = %+v", q)
	}
	// 17 legs of 16 calls (the hunt-group call has two), 960 seconds, by u-q, u-b, agent and
	// u-m; the week before, one call (Saturday's).
	u := got.Node.CallingUsage
	if u.Calls != 16 || u.Legs != 17 || u.Minutes != 16 || u.ActiveUsers != 4 || u.CallsChange != 15 || u.Customer.Name != "Acme" {
		t.Errorf("usage = %+v, want 16 calls, 17 legs, 16 minutes, 4 users, +15 calls", u)
	}
	// Another partner's admin does not see Acme.
	got.Node = nil
	s.h.mustDo(t, s.h.as(s.foreign.full), customerCallingQ, vars, &got)
	if got.Node != nil {
		t.Errorf("foreign partner sees Acme: %+v", got.Node)
	}
	if code := s.h.do(t, s.h.as(s.w.full), customerCallingQ[:len(customerCallingQ)-len(`callingUsage(week: "2026-03-08") { calls legs minutes activeUsers callsChange customer { name } } } } }`)]+
		`callingUsage(week: "2026-03-15") { calls } } } }`, vars).code(); code != "BAD_USER_INPUT" {
		t.Errorf("the current week: code %q, want BAD_USER_INPUT", code)
	}
}
