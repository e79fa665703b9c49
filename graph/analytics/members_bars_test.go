package analytics

import (
	"cmp"
	"context"
	stdsql "database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/filter"
)

// sqlBars are the partner's low-assignment bars as the database works them out
// (status.Rules.Bar), the rule the KPIs counted in SQL use.
func sqlBars(ctx context.Context, c *ent.Client, env filter.Env) (Bars, error) {
	var rows []struct {
		Bar0 stdsql.NullFloat64 `json:"bar0"`
		Bar1 stdsql.NullFloat64 `json:"bar1"`
	}
	err := c.Partner.Query().Where(partner.ID(env.PartnerID)).Modify(func(s *sql.Selector) {
		s.Select()
		for i, p := range status.ScopeProducts {
			s.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
				b.WriteString("(").Join(env.Rules.Bar(env.PartnerID, p)).WriteString(")")
			}), "bar"+strconv.Itoa(i))
		}
	}).Scan(ctx, &rows)
	if err != nil || len(rows) != 1 {
		return Bars{}, fmt.Errorf("bars: %d rows, %w", len(rows), err)
	}
	return Bars{rows[0].Bar0, rows[0].Bar1}, nil
}

// TestMembersBarsAreTheDatabases: the bars the KPI members work out from the lines' ratios
// are the database's, read in full and after each patch: with fewer lines than the median
// needs (the floor), an odd and an even number of them, ties, a line's assignment moved, a
// line leaving (its subscription cancelled) and a new customer's lines coming in; another
// partner's lines never count.
func TestMembersBarsAreTheDatabases(t *testing.T) {
	db := storagetest.MustOpen(t)
	c := db.Client
	sys := viewer.SystemContext(context.Background())
	p := c.Partner.Create().SetName("P").SetOrgID("org-p").SaveX(sys).ID
	other := c.Partner.Create().SetName("Q").SetOrgID("org-q").SaveX(sys).ID
	ctx := viewer.NewContext(context.Background(), viewer.SystemOf(p))
	env := filter.Env{Rules: status.NewRules(now, settings.Partner{}.WithDefaults()), PartnerID: p}
	r := rand.New(rand.NewPCG(1, 2))

	type line struct {
		customer int
		sub      *ent.Subscription
		license  *ent.License
	}
	var lines []line
	add := func(partnerID int, product enum.Product, total, assigned int) line {
		n := len(lines)
		cust := c.Customer.Create().SetPartnerID(partnerID).SetName(fmt.Sprint("C", n)).SetOrgID(fmt.Sprint("org-c", n)).
			SetRegion(enum.RegionEU).SetCountry("DE").SaveX(sys)
		sub := c.Subscription.Create().SetPartnerID(partnerID).SetCustomerID(cust.ID).SetSubscriptionID(fmt.Sprint("S", n)).
			SetKind(enum.KindPaid).SetState(enum.StateActive).SetStartedAt(now.AddDate(0, -6, 0)).SetEndsAt(now.AddDate(1, 0, 0)).SaveX(sys)
		l := c.License.Create().SetPartnerID(partnerID).SetCustomerID(cust.ID).SetSubscriptionID(sub.ID).SetProduct(product).
			SetTotal(total).SetAssigned(assigned).SetUsed(0).SetUsed90d(0).SaveX(sys)
		out := line{cust.ID, sub, l}
		lines = append(lines, out)
		return out
	}
	check := func(step string, m Members) {
		t.Helper()
		want, err := sqlBars(ctx, c, env)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Bars(); got != want {
			t.Errorf("%s: bars %v, the database's %v", step, got, want)
		}
	}
	for range 3 {
		add(p, enum.ProductCalling, 10, r.IntN(11))
	}
	add(other, enum.ProductCalling, 10, 0)
	m, err := KpiMembers(ctx, c, env)
	if err != nil {
		t.Fatal(err)
	}
	check("three Calling lines, no Meetings line", m)

	for step := range 40 {
		var touched []int
		switch {
		case step%10 == 9: // a cancelled subscription: its line leaves
			l := lines[r.IntN(len(lines))]
			c.Subscription.UpdateOne(l.sub).SetState(enum.StateCancelled).ExecX(sys)
			touched = append(touched, l.customer)
		case step%3 == 0: // a new customer
			product := []enum.Product{enum.ProductCalling, enum.ProductMeetings}[r.IntN(2)]
			touched = append(touched, add(p, product, 4+r.IntN(3), r.IntN(8)).customer)
		default: // moved assignments, some to equal ratios
			for range 1 + r.IntN(3) {
				l := lines[r.IntN(len(lines))]
				c.License.UpdateOne(l.license).SetAssigned(r.IntN(5) * 2).ExecX(sys)
				touched = append(touched, l.customer)
			}
		}
		if m, err = m.Patch(ctx, c, env, touched); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("step %d, patched", step), m)
	}
	full, err := KpiMembers(ctx, c, env)
	if err != nil {
		t.Fatal(err)
	}
	check("read in full at the end", full)
	if got, want := pairs(m.ratios), pairs(full.ratios); got != want {
		t.Errorf("patched ratios differ from a full reading:\n%s\n%s", got, want)
	}
}

// pairs lists each product's ratios with their customers, in one order whatever the
// order of equal ratios.
func pairs(rs ratios) string {
	var out [len(rs)][][2]float64
	for i, p := range rs {
		for _, b := range p.blocks {
			for j, v := range b.values {
				out[i] = append(out[i], [2]float64{v, float64(b.customers[j])})
			}
		}
		slices.SortFunc(out[i], func(a, b [2]float64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	}
	return fmt.Sprint(out)
}
