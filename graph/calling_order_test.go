package graph

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// callingFigures is a customer's calls, poor legs and queue legs in the week analysed;
// nil rows have no week rollup at all.
type callingFigures struct {
	name  string
	row   *[3]int64
	queue bool
}

// newCallingOrderScene creates customers with Calling and the week rollups of figures in
// the last completed week, and a customer without Calling whose rollup never shows.
func newCallingOrderScene(t *testing.T, figures []callingFigures) (*harness, world, map[string]int) {
	h := newHarness(t)
	w := h.newWorld("Calling orders")
	week := int(calling.LastCompletedWeek(testNow))
	line := func(p enum.Product) []subSpec {
		return []subSpec{{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(200), lines: []lineSpec{{product: p, total: 5}}}}
	}
	ids := map[string]int{}
	add := func(c *ent.Customer, row *[3]int64, queue bool) {
		ids[c.Name] = c.ID
		if row != nil {
			h.client.CallingWeek.Create().SetPartnerID(w.partner.ID).SetCustomerID(c.ID).SetWeek(week).
				SetCalls(row[0]).SetLegs(row[0]).SetPoorLegs(row[1]).SetQueueLegs(row[2]).SaveX(h.sys)
		}
		if queue {
			h.client.CallQueue.Create().SetPartnerID(w.partner.ID).SetCustomerID(c.ID).SetExternalID("q-" + c.Name).SetName("Q").SaveX(h.sys)
		}
	}
	for _, f := range figures {
		add(h.mustCustomer(w, customerSpec{name: f.name, subs: line(enum.ProductCalling)}), f.row, f.queue)
	}
	add(h.mustCustomer(w, customerSpec{name: "No Calling", subs: line(enum.ProductMeetings)}), &[3]int64{99, 99, 99}, true)
	return h, w, ids
}

// TestCallingCustomerOrders pages through the customer tables by a week figure, in both
// directions, forwards and backwards, a few rows at a time: the customers with a positive
// figure and those with none (no rollup, or 0) come in one order, ties by ID.
func TestCallingCustomerOrders(t *testing.T) {
	rows := func(calls, poor, queue int64) *[3]int64 { return &[3]int64{calls, poor, queue} }
	figures := []callingFigures{
		{"A", rows(5, 1, 0), true}, {"B", rows(0, 0, 0), true}, {"C", nil, true}, {"D", rows(5, 2, 3), true},
		{"E", rows(12, 0, 3), false}, {"F", rows(1, 1, 1), true}, {"G", nil, false}, {"H", rows(3, 4, 0), true}, {"I", rows(0, 0, 0), false},
	}
	h, w, ids := newCallingOrderScene(t, figures)
	who := h.as(w.full)
	type edges struct {
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Edges []struct {
			Node struct{ Customer struct{ Name string } }
		}
	}
	list := func(t *testing.T, table, args string, cursor *string) edges {
		t.Helper()
		var out struct{ CallingAnalytics map[string]edges }
		h.mustDo(t, who, `query($c: Cursor) { callingAnalytics { `+table+`(`+args+`) {
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { customer { name } } } } } }`,
			map[string]any{"c": cursor}, &out)
		return out.CallingAnalytics[table]
	}
	for _, c := range []struct {
		table, field string
		figure       int
	}{{"customerUsage", "CALLS", 0}, {"customerQuality", "POOR_LEGS", 1}, {"customerQueues", "QUEUE_CALLS", 2}} {
		for _, dir := range []string{"ASC", "DESC"} {
			t.Run(c.table+"/"+dir, func(t *testing.T) {
				var want []string
				value := map[string]int64{}
				for _, f := range figures {
					if c.table == "customerQueues" && !f.queue {
						continue
					}
					if f.row != nil {
						value[f.name] = f.row[c.figure]
					}
					want = append(want, f.name)
				}
				slices.SortFunc(want, func(a, b string) int {
					o := cmp.Or(cmp.Compare(value[a], value[b]), cmp.Compare(ids[a], ids[b]))
					if dir == "DESC" {
						return -o
					}
					return o
				})
				order := fmt.Sprintf("orderBy: {field: %s, direction: %s}", c.field, dir)
				var forward []string
				for cursor, more := (*string)(nil), true; more; {
					p := list(t, c.table, "first: 2, after: $c, "+order, cursor)
					for _, e := range p.Edges {
						forward = append(forward, e.Node.Customer.Name)
					}
					cursor, more = p.PageInfo.EndCursor, p.PageInfo.HasNextPage
				}
				wantNames(t, "forwards", forward, want)
				var backward []string
				for cursor, more := (*string)(nil), true; more; {
					p := list(t, c.table, "last: 2, before: $c, "+order, cursor)
					var page []string
					for _, e := range p.Edges {
						page = append(page, e.Node.Customer.Name)
					}
					backward = append(page, backward...)
					cursor, more = p.PageInfo.StartCursor, p.PageInfo.HasPreviousPage
				}
				wantNames(t, "backwards", backward, want)
			})
		}
	}
}

// callingEveryField asks callingAnalytics for every field, with the first page of each
// customer table.
const callingEveryField = `{ callingAnalytics { week region regions callQualityThresholds { jitterMs latencyMs packetLossPercent } qualityRebuilding
  usageTrend { weekStart activeUsers users1To5Calls users6To20Calls usersOver20Calls calls legs }
  qualityTrend { weekStart legs measuredLegs poorLegs poorRatio { numerator denominator ratio } }
  qualityByEndpoint { endpointType legs measuredLegs poorLegs poorRatio { ratio } }
  featureUsage { huntGroupCalls autoAttendantCalls callQueueCalls }
  queueInsights { queueCalls averageTimeToAnswerSeconds averageWaitBeforeAbandonSeconds abandonedRate { ratio } answered abandoned timedOut overflow transferred }
  customerUsage(first: 25) { totalCount edges { node { customer { name } calls legs minutes videoMinutes activeUsers callsChange legsChange minutesChange activeUsersChange } } }
  customerQuality(first: 25) { totalCount edges { node { customer { name } legs measuredLegs poorLegs poorRatio { ratio } poorLegsChange } } }
  customerQueues(first: 25) { totalCount edges { node { customer { name } queueCalls averageTimeToAnswerSeconds abandonedRate { ratio } answered abandoned } } } } }`

// TestCallingEveryFieldStatements: callingAnalytics with every field runs a bounded number
// of SQL statements, as many with a few customers as with more than a page of them.
func TestCallingEveryFieldStatements(t *testing.T) {
	for _, n := range []int{3, 40} {
		figures := make([]callingFigures, n)
		for i := range figures {
			figures[i] = callingFigures{name: fmt.Sprintf("C%02d", i), row: &[3]int64{int64(i % 7), int64(i % 5), int64(i % 3)}, queue: true}
		}
		h, w, _ := newCallingOrderScene(t, figures)
		var out struct{ CallingAnalytics json.RawMessage }
		h.mustDo(t, h.as(w.full), callingEveryField, nil, &out)
		if got := h.lastStatements(); got > callingEveryFieldStatements {
			t.Errorf("with %d customers: %d SQL statements, want at most %d", n, got, callingEveryFieldStatements)
		}
	}
}

// callingEveryFieldStatements bounds the statements of callingEveryField: the viewer's
// partner twice (thresholds, qualityRebuilding), one per region for regions, one sum of the
// trends' weeks, per customer table its page (in two parts when the customers with a
// positive figure do not fill it), their figures and their customers, and two counts.
const callingEveryFieldStatements = 2 + 4 + 1 + 3*(2+1+1) + 2
