package facts_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var (
	jan = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	mar = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	// The ends of the fixture's subscriptions, a year after they start.
	janEnd, marEnd = jan.AddDate(1, 0, 0), mar.AddDate(1, 0, 0)
)

// lineFacts are the facts of a license line as stored; nil means not computed.
type lineFacts struct {
	active  *bool
	started *time.Time
	ratio   *float64
}

func b(v bool) *bool            { return &v }
func f(v float64) *float64      { return &v }
func at(v time.Time) *time.Time { return &v }

type fixture struct {
	t   *testing.T
	c   *ent.Client
	ctx context.Context
	pid int
}

// newFixture opens a fresh database with one partner, written to as the system.
func newFixture(t *testing.T) (fixture, *storage.DB) {
	db := storagetest.MustOpen(t)
	ctx := viewer.SystemContext(context.Background())
	p := db.Client.Partner.Create().SetName("Facts").SetOrgID("facts-org").SaveX(ctx)
	return fixture{t: t, c: db.Client, ctx: ctx, pid: p.ID}, db
}

func (x fixture) customer(name string) *ent.Customer {
	return x.c.Customer.Create().SetPartnerID(x.pid).SetName(name).SetOrgID(name + "-org").
		SetRegion(enum.RegionEU).SetCountry("DE").SaveX(x.ctx)
}

func (x fixture) subscription(cust *ent.Customer, id string, state enum.SubscriptionState, started time.Time) *ent.Subscription {
	return x.c.Subscription.Create().SetPartnerID(x.pid).SetCustomerID(cust.ID).SetSubscriptionID(id).
		SetKind(enum.KindPaid).SetState(state).SetStartedAt(started).SetEndsAt(started.AddDate(1, 0, 0)).SaveX(x.ctx)
}

func (x fixture) line(s *ent.Subscription, p enum.Product, total, assigned int) *ent.License {
	return x.c.License.Create().SetPartnerID(x.pid).SetCustomerID(s.CustomerID).SetSubscriptionID(s.ID).
		SetProduct(p).SetTotal(total).SetAssigned(assigned).SetUsed(0).SetUsed90d(0).SaveX(x.ctx)
}

// wantLine checks the stored facts of line l.
func (x fixture) wantLine(step string, l *ent.License, want lineFacts) {
	x.t.Helper()
	got := x.c.License.GetX(x.ctx, l.ID)
	if !eqBool(got.Active, want.active) || !eqTime(got.StartedAt, want.started) || !eqFloat(got.AssignmentRatio, want.ratio) {
		x.t.Errorf("%s: line %s facts active=%v started=%v ratio=%v, want active=%v started=%v ratio=%v", step, l.Product,
			show(got.Active), show(got.StartedAt), show(got.AssignmentRatio), show(want.active), show(want.started), show(want.ratio))
	}
}

// wantDates checks when line l is stored to end and to renew (nil: it does not).
func (x fixture) wantDates(step string, l *ent.License, ending, renews *time.Time) {
	x.t.Helper()
	got := x.c.License.GetX(x.ctx, l.ID)
	if !eqTime(got.EndingAt, ending) || !eqTime(got.RenewsAt, renews) {
		x.t.Errorf("%s: line %s ending_at=%v renews_at=%v, want %v and %v", step, l.Product,
			show(got.EndingAt), show(got.RenewsAt), show(ending), show(renews))
	}
}

// customerFacts are the facts kept on a customer (nil: not computed).
type customerFacts struct {
	scope, over        *bool
	expires            *time.Time
	products, statuses *int
}

// wantCustomer checks the stored facts of customer c.
func (x fixture) wantCustomer(step string, c *ent.Customer, want customerFacts) {
	x.t.Helper()
	got := x.c.Customer.GetX(x.ctx, c.ID)
	if !eqBool(got.KpiScope, want.scope) || !eqBool(got.OverLimit, want.over) || !eqTime(got.ExpiresAt, want.expires) ||
		!eqInt(got.CurrentProducts, want.products) || !eqInt(got.SubscriptionStatuses, want.statuses) {
		x.t.Errorf("%s: customer %s kpi_scope=%v over_limit=%v expires_at=%v current_products=%v subscription_statuses=%v, want %v, %v, %v, %v and %v",
			step, c.Name, show(got.KpiScope), show(got.OverLimit), show(got.ExpiresAt), show(got.CurrentProducts), show(got.SubscriptionStatuses),
			show(want.scope), show(want.over), show(want.expires), show(want.products), show(want.statuses))
	}
}

// ps is the stored set of the products, written out by hand: Meetings 1, Calling 2,
// Messaging 4, Translation 8, Contact Center 16 (enum.Product's order).
func ps(bits int) *int { return &bits }

// ss is the stored set of the statuses read from subscriptions, written out by hand:
// TRIAL 1, ACTIVE 2, ORDER_SETUP_PENDING 32, SUSPENDED 64, EXPIRED 128 (their places among
// enum.CustomerStatus's values).
func ss(bits int) *int { return &bits }

func show[T any](p *T) any {
	if p == nil {
		return "null"
	}
	return *p
}

func eqBool(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int) bool   { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}
func eqFloat(a, b *float64) bool {
	const eps = 1e-12
	return (a == nil) == (b == nil) && (a == nil || (*a-*b < eps && *b-*a < eps))
}

// TestFactsFollowEveryWrite makes every kind of write to license lines and subscriptions
// through the ent client and checks, after each, the facts stored on the lines and their
// customers against values written out by hand.
func TestFactsFollowEveryWrite(t *testing.T) {
	x, _ := newFixture(t)
	c, ctx := x.c, x.ctx

	alpha := x.customer("Alpha")
	x.wantCustomer("new customer", alpha, customerFacts{b(false), b(false), nil, ps(0), ss(0)})
	s1 := x.subscription(alpha, "S-1", enum.StateActive, jan)
	x.wantCustomer("subscription without lines", alpha, customerFacts{b(false), b(false), at(janEnd), ps(0), ss(2)})

	meet := x.line(s1, enum.ProductMeetings, 10, 4)
	x.wantLine("create Meetings line", meet, lineFacts{b(true), at(jan), f(0.4)})
	x.wantDates("create Meetings line", meet, at(janEnd), nil)
	x.wantCustomer("create Meetings line", alpha, customerFacts{b(true), b(false), at(janEnd), ps(1), ss(2)})

	msg := x.line(s1, enum.ProductMessaging, 5, 7)
	x.wantLine("create Messaging line over its limit", msg, lineFacts{b(true), at(jan), f(1.4)})
	x.wantCustomer("create Messaging line over its limit", alpha, customerFacts{b(true), b(true), at(janEnd), ps(1 | 4), ss(2)})

	c.License.UpdateOne(msg).SetAssigned(5).ExecX(ctx)
	x.wantLine("assigned down to total", msg, lineFacts{b(true), at(jan), f(1)})
	x.wantCustomer("assigned down to total", alpha, customerFacts{b(true), b(false), at(janEnd), ps(1 | 4), ss(2)})

	c.Subscription.UpdateOne(s1).SetState(enum.StateSuspended).SetStartedAt(mar).ExecX(ctx)
	x.wantLine("subscription suspended and restarted", meet, lineFacts{b(false), at(mar), f(0.4)})
	x.wantLine("subscription suspended and restarted", msg, lineFacts{b(false), at(mar), f(1)})
	x.wantCustomer("subscription suspended", alpha, customerFacts{b(false), b(false), nil, ps(1 | 4), ss(64)})
	x.wantDates("subscription suspended", msg, nil, nil)

	c.Subscription.UpdateOne(s1).SetState(enum.StateActive).ExecX(ctx)
	x.wantCustomer("subscription active again", alpha, customerFacts{b(true), b(false), at(janEnd), ps(1 | 4), ss(2)})
	x.wantDates("subscription active again", msg, at(janEnd), nil)

	c.License.DeleteOne(meet).ExecX(ctx)
	x.wantCustomer("Meetings line deleted, Messaging left", alpha, customerFacts{b(false), b(false), at(janEnd), ps(4), ss(2)})

	beta := x.customer("Beta")
	s2 := x.subscription(beta, "S-2", enum.StateActive, mar)
	empty := x.line(s2, enum.ProductCalling, 0, 2)
	x.wantLine("line with no licenses bought", empty, lineFacts{b(true), at(mar), nil})
	x.wantCustomer("line with no licenses bought", beta, customerFacts{b(true), b(true), at(marEnd), ps(2), ss(2)})

	c.License.Update().Where(license.CustomerID(beta.ID)).SetAssigned(0).ExecX(ctx)
	x.wantCustomer("bulk update", beta, customerFacts{b(true), b(false), at(marEnd), ps(2), ss(2)})
	x.wantCustomer("bulk update leaves other customers", alpha, customerFacts{b(false), b(false), at(janEnd), ps(4), ss(2)})

	c.License.Delete().Where(license.CustomerID(beta.ID)).ExecX(ctx)
	x.wantCustomer("bulk delete", beta, customerFacts{b(false), b(false), at(marEnd), ps(0), ss(2)})

	tx, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := tx.License.Create().SetPartnerID(x.pid).SetCustomerID(beta.ID).SetSubscriptionID(s2.ID).
		SetProduct(enum.ProductCalling).SetTotal(1).SetAssigned(3).SetUsed(0).SetUsed90d(0).SaveX(ctx)
	if got := tx.Customer.GetX(ctx, beta.ID); !eqBool(got.OverLimit, b(true)) || !eqBool(got.KpiScope, b(true)) {
		t.Errorf("inside the transaction: kpi_scope=%v over_limit=%v, want true and true", show(got.KpiScope), show(got.OverLimit))
	}
	if got := tx.License.GetX(ctx, in.ID); !eqFloat(got.AssignmentRatio, f(3)) {
		t.Errorf("inside the transaction: ratio %v, want 3", show(got.AssignmentRatio))
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	x.wantCustomer("rolled back", beta, customerFacts{b(false), b(false), at(marEnd), ps(0), ss(2)})

	// The first end among ACTIVE, not auto-renewing subscriptions and trials.
	c.Subscription.UpdateOne(s1).SetAutoRenew(true).SetRenewalDate(janEnd).ExecX(ctx)
	x.wantCustomer("only subscription set to renew", alpha, customerFacts{b(false), b(false), nil, ps(4), ss(2)})
	x.wantDates("subscription set to renew", msg, nil, at(janEnd))
	s3 := x.subscription(alpha, "S-3", enum.StateActive, mar)
	x.wantCustomer("new subscription", alpha, customerFacts{b(false), b(false), at(marEnd), ps(4), ss(2)})
	c.Subscription.UpdateOne(s1).SetAutoRenew(false).ExecX(ctx)
	x.wantCustomer("earlier subscription no longer renews", alpha, customerFacts{b(false), b(false), at(janEnd), ps(4), ss(2)})
	x.wantDates("subscription no longer renews", msg, at(janEnd), nil)
	c.Subscription.Update().Where(subscription.ID(s1.ID)).SetState(enum.StateExpired).ExecX(ctx)
	x.wantCustomer("earlier subscription expired (bulk update)", alpha, customerFacts{b(false), b(false), at(marEnd), ps(0), ss(2)})
	x.wantDates("subscription expired (bulk update)", msg, nil, nil)
	c.Subscription.DeleteOne(s3).ExecX(ctx)
	x.wantCustomer("later subscription deleted", alpha, customerFacts{b(false), b(false), nil, ps(0), ss(128)})
	x.wantCustomer("other customers left alone", beta, customerFacts{b(false), b(false), at(marEnd), ps(0), ss(2)})

	// The statuses read from subscriptions: a trial beside the paid subscription, which
	// then waits for its order to be set up.
	c.Subscription.Create().SetPartnerID(x.pid).SetCustomerID(beta.ID).SetSubscriptionID("T-1").SetKind(enum.KindTrial).
		SetState(enum.StateActive).SetAutoRenew(true).SetStartedAt(mar).SetEndsAt(marEnd).ExecX(ctx)
	x.wantCustomer("trial started", beta, customerFacts{b(false), b(false), at(marEnd), ps(0), ss(1 | 2)})
	c.Subscription.UpdateOne(s2).SetState(enum.StatePendingSetup).ExecX(ctx)
	x.wantCustomer("paid subscription pending setup", beta, customerFacts{b(false), b(false), nil, ps(0), ss(1 | 32)})
}

// TestNewCustomerHasFacts: a customer created without subscriptions or lines gets its
// facts at creation — outside the scope, not over a limit, no products, no statuses, no
// end — so the backfill finds nothing to compute, alone or created in bulk.
func TestNewCustomerHasFacts(t *testing.T) {
	x, db := newFixture(t)
	none := customerFacts{b(false), b(false), nil, ps(0), ss(0)}
	alone := x.customer("Alone")
	bulk := x.c.Customer.CreateBulk(
		x.c.Customer.Create().SetPartnerID(x.pid).SetName("Bulk 1").SetOrgID("bulk-1").SetRegion(enum.RegionUS).SetCountry("US"),
		x.c.Customer.Create().SetPartnerID(x.pid).SetName("Bulk 2").SetOrgID("bulk-2").SetRegion(enum.RegionUS).SetCountry("US"),
	).SaveX(x.ctx)
	for _, c := range append(bulk, alone) {
		x.wantCustomer("created", c, none)
	}
	done, err := facts.Backfill(x.ctx, db.SQL, db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if done != (facts.Backfilled{}) {
		t.Errorf("backfill after creating customers computed %+v, want nothing", done)
	}
	// Lines written later still refresh them.
	x.line(x.subscription(alone, "AL-1", enum.StateActive, jan), enum.ProductCalling, 8, 9)
	x.wantCustomer("line added", alone, customerFacts{b(true), b(true), at(janEnd), ps(2), ss(2)})
}

// TestBackfill clears every fact, as rows from before the facts' columns existed or
// written by the bulk seed have none, and checks that Backfill computes exactly them.
func TestBackfill(t *testing.T) {
	x, db := newFixture(t)
	ctx := x.ctx

	alpha, beta, gamma := x.customer("Alpha"), x.customer("Beta"), x.customer("Gamma")
	a1 := x.line(x.subscription(alpha, "A-1", enum.StateActive, jan), enum.ProductCalling, 8, 9)
	b1 := x.line(x.subscription(beta, "B-1", enum.StateExpired, mar), enum.ProductMeetings, 0, 0)
	g1 := x.line(x.subscription(gamma, "G-1", enum.StateActive, mar), enum.ProductTranslation, 4, 1)

	// backfillAfter runs the statements, then Backfill.
	backfillAfter := func(stmts ...string) facts.Backfilled {
		t.Helper()
		for _, stmt := range stmts {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		done, err := facts.Backfill(ctx, db.SQL, db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	done := backfillAfter("UPDATE licenses SET active = NULL, started_at = NULL, assignment_ratio = NULL, ending_at = NULL, renews_at = NULL",
		"UPDATE customers SET kpi_scope = NULL, over_limit = NULL, expires_at = NULL, current_products = NULL, subscription_statuses = NULL")
	if done != (facts.Backfilled{Lines: 3, Customers: 3}) {
		t.Errorf("backfill computed %+v, want 3 lines and 3 customers", done)
	}
	x.wantLine("backfilled", a1, lineFacts{b(true), at(jan), f(9.0 / 8)})
	x.wantLine("backfilled", b1, lineFacts{b(false), at(mar), nil})
	x.wantLine("backfilled", g1, lineFacts{b(true), at(mar), f(0.25)})
	x.wantDates("backfilled", a1, at(janEnd), nil)
	x.wantDates("backfilled", b1, nil, nil)
	x.wantDates("backfilled", g1, at(marEnd), nil)
	x.wantCustomer("backfilled", alpha, customerFacts{b(true), b(true), at(janEnd), ps(2), ss(2)})
	x.wantCustomer("backfilled", beta, customerFacts{b(false), b(false), nil, ps(0), ss(128)})
	x.wantCustomer("backfilled", gamma, customerFacts{b(false), b(false), at(marEnd), ps(8), ss(2)})

	// Facts already computed are left alone: a second backfill changes nothing.
	if done := backfillAfter("UPDATE customers SET over_limit = FALSE"); done != (facts.Backfilled{}) {
		t.Errorf("second backfill computed %+v, want nothing", done)
	}
	x.wantCustomer("second backfill", alpha, customerFacts{b(true), b(false), at(janEnd), ps(2), ss(2)})

	// A database whose lines' other facts were computed before lines kept their ends gets
	// the ends of the lines that have one, alone.
	if done := backfillAfter("UPDATE licenses SET ending_at = NULL"); done.Lines != 2 {
		t.Errorf("backfill of the lines' ends computed %+v, want 2 lines", done)
	}
	x.wantDates("ends backfilled", a1, at(janEnd), nil)
	x.wantDates("ends backfilled", b1, nil, nil)

	// A database whose flags were computed before customers kept their first end (an
	// earlier version) gets the ends alone; likewise the products and the statuses.
	for _, col := range []string{"expires_at", "current_products", "subscription_statuses"} {
		backfillAfter("UPDATE customers SET " + col + " = NULL")
		x.wantCustomer(col+" backfilled", alpha, customerFacts{b(true), b(false), at(janEnd), ps(2), ss(2)})
		x.wantCustomer(col+" backfilled", beta, customerFacts{b(false), b(false), nil, ps(0), ss(128)})
		x.wantCustomer(col+" backfilled", gamma, customerFacts{b(false), b(false), at(marEnd), ps(8), ss(2)})
	}
}

// TestExcludedBitsLeaveAShare checks how PostgreSQL's planner sizes a page that excludes
// statuses or products. It keeps no statistics of a bit test and guesses: one row in two
// hundred for an equality, one in three for an inequality. Were "bit not set" an equality,
// excluding two statuses would look like one customer in 40 000 and the page would be
// planned as a scan of all the partner's customers and a sort, not a walk down the name
// index that stops at the page's end.
func TestExcludedBitsLeaveAShare(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("planner estimates are PostgreSQL's; SQLite does not estimate rows")
	}
	x, db := newFixture(t)
	const n = 400
	creates := make([]*ent.CustomerCreate, n)
	for i := range creates {
		name := fmt.Sprintf("Customer %03d", i)
		creates[i] = x.c.Customer.Create().SetPartnerID(x.pid).SetName(name).SetOrgID(name + "-org").
			SetRegion(enum.RegionEU).SetCountry("DE")
	}
	x.c.Customer.CreateBulk(creates...).SaveX(x.ctx)
	if _, err := db.SQL.ExecContext(x.ctx, "ANALYZE "+customer.Table); err != nil {
		t.Fatal(err)
	}
	s := entsql.Dialect(dialect.Postgres).Select(customer.FieldID).From(entsql.Table(customer.Table))
	s.Where(entsql.And(
		cond.Not(status.HasSubscriptionStatus(customer.FieldSubscriptionStatuses, enum.StatusActive)),
		cond.Not(status.HasSubscriptionStatus(customer.FieldSubscriptionStatuses, enum.StatusExpired)),
		cond.Not(status.HasProduct(s.Table(), enum.ProductCalling)),
	))
	query, args := s.Query()
	var plan string
	if err := db.SQL.QueryRowContext(x.ctx, "EXPLAIN "+query, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`rows=(\d+)`).FindStringSubmatch(plan)
	if m == nil {
		t.Fatalf("no row estimate in %q", plan)
	}
	// Three exclusions at one in three each: about n/27 rows.
	if rows, _ := strconv.Atoi(m[1]); rows < n/40 {
		t.Errorf("excluding two statuses and a product: planner expects %d of %d customers (%s), want at least %d", rows, n, plan, n/40)
	}
}

// TestCallQueueFact: a customer is marked as having a call queue when its first one is
// created, and Backfill marks those whose queues were written without the ent client (the
// bulk seed) or before the mark existed.
func TestCallQueueFact(t *testing.T) {
	x, db := newFixture(t)
	alpha, beta := x.customer("Alpha"), x.customer("Beta")
	has := func(what string, want map[int]bool) {
		t.Helper()
		for id, w := range want {
			if c := x.c.Customer.GetX(x.ctx, id); c.HasCallQueue != w {
				t.Errorf("%s: customer %d has_call_queue = %t, want %t", what, id, c.HasCallQueue, w)
			}
		}
	}
	has("created", map[int]bool{alpha.ID: false, beta.ID: false})
	for _, ext := range []string{"q-1", "q-2"} {
		x.c.CallQueue.Create().SetPartnerID(x.pid).SetCustomerID(alpha.ID).SetExternalID(ext).SetName(ext).SaveX(x.ctx)
	}
	has("queues created", map[int]bool{alpha.ID: true, beta.ID: false})
	if _, err := db.SQL.ExecContext(x.ctx, "UPDATE customers SET has_call_queue = FALSE"); err != nil {
		t.Fatal(err)
	}
	if _, err := facts.Backfill(x.ctx, db.SQL, db.Dialect); err != nil {
		t.Fatal(err)
	}
	has("backfilled", map[int]bool{alpha.ID: true, beta.ID: false})
}
