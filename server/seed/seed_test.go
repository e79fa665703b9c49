package seed_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// now is the reference instant of every test: a Wednesday afternoon.
var now = time.Date(2025, 6, 18, 14, 30, 15, 0, time.UTC)

func mustRun(t *testing.T, db *storage.DB, opts seed.Options) *seed.Result {
	t.Helper()
	res, err := seed.Run(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRun(t *testing.T) {
	t.Run("Deterministic", func(t *testing.T) {
		opts := seed.Options{Seed: 7, Customers: 40, CallLegs: 800, Now: now}
		db1, db2 := storagetest.MustOpen(t), storagetest.MustOpen(t)
		res1, res2 := mustRun(t, db1, opts), mustRun(t, db2, opts)
		if res1.PartnerID != res2.PartnerID || !maps.Equal(res1.Counts, res2.Counts) || fmt.Sprint(res1.Admins) != fmt.Sprint(res2.Admins) {
			t.Fatalf("results differ:\n%+v\n%+v", res1, res2)
		}
		d1, d2 := digests(t, db1, res1.PartnerID), digests(t, db2, res2.PartnerID)
		for table, n := range res1.Counts {
			if _, ok := d1[table]; !ok && n > 0 {
				t.Fatalf("table %s was seeded but not digested", table)
			}
		}
		for table, d := range d1 {
			if d2[table] != d {
				t.Errorf("table %s differs between two runs of the same options", table)
			}
		}

		opts.Seed = 8
		db3 := storagetest.MustOpen(t)
		d3 := digests(t, db3, mustRun(t, db3, opts).PartnerID)
		for _, table := range []string{"customers", "subscriptions", "licenses", "license_snapshots", "call_legs"} {
			if d3[table] == d1[table] {
				t.Errorf("table %s is the same for seeds 7 and 8", table)
			}
		}
	})

	t.Run("ErrNoNow", func(t *testing.T) {
		if _, err := seed.Run(context.Background(), storagetest.MustOpen(t), seed.Options{Customers: 1}); err != seed.ErrNoNow {
			t.Fatalf("err = %v, want ErrNoNow", err)
		}
	})
}

func TestRunCoverage(t *testing.T) {
	db := storagetest.MustOpen(t)
	const customers, legs = 200, 3000
	res := mustRun(t, db, seed.Options{Seed: 1, Customers: customers, CallLegs: legs, Now: now})
	q := querier{t: t, db: db, partner: res.PartnerID}

	if n := q.count(`SELECT COUNT(*) FROM customers WHERE partner_id = ?`); n != customers {
		t.Errorf("%d customers, want %d", n, customers)
	}
	if n := q.count(`SELECT COUNT(*) FROM call_legs WHERE partner_id = ?`); n != legs {
		t.Errorf("%d call legs, want %d", n, legs)
	}
	for _, role := range enum.Role("").Values() {
		if len(res.Admins[role]) == 0 {
			t.Errorf("no %s seeded", role)
		}
	}

	t.Run("Statuses", func(t *testing.T) {
		in30, ago30, in90, ago90 := now.AddDate(0, 0, 30), now.AddDate(0, 0, -30), now.AddDate(0, 0, 90), now.AddDate(0, 0, -90)
		has := func(cond string) string {
			return `EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND ` + cond + `)`
		}
		cases := []struct {
			name string
			cond string
			args []any
		}{
			{"TRIAL", has(`s.kind = 'TRIAL' AND s.state = 'ACTIVE'`), nil},
			{"ACTIVE", has(`s.kind = 'PAID' AND s.state = 'ACTIVE'`), nil},
			{"EXPIRING_SOON", has(`s.state = 'ACTIVE' AND NOT s.auto_renew AND s.ends_at > ? AND s.ends_at <= ?`), []any{now, in30}},
			{"LICENSE_OVERAGE", `EXISTS (SELECT 1 FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
				WHERE l.customer_id = c.id AND s.state = 'ACTIVE' AND l.assigned > l.total)`, nil},
			{"NO_RECENT_ACTIVITY", `(c.last_admin_activity_at IS NULL OR c.last_admin_activity_at <= ?)`, []any{ago30}},
			{"ORDER_SETUP_PENDING", has(`s.state = 'PENDING_SETUP'`), nil},
			{"SUSPENDED", has(`s.state = 'SUSPENDED'`), nil},
			{"EXPIRED", `NOT ` + has(`s.state IN ('ACTIVE', 'PENDING_SETUP', 'SUSPENDED')`) + ` AND ` + has(`s.state = 'EXPIRED'`), nil},
			{"approaching expiration", has(`s.state = 'ACTIVE' AND NOT s.auto_renew AND s.ends_at > ? AND s.ends_at <= ?`), []any{in30, in90}},
			{"upcoming renewal", has(`s.kind = 'PAID' AND s.state = 'ACTIVE' AND s.auto_renew AND s.renewal_date > ? AND s.renewal_date <= ?`), []any{now, in90}},
			{"recently added", has(`s.started_at > ?`), []any{ago90}},
			{"low assignment", `EXISTS (SELECT 1 FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
				WHERE l.customer_id = c.id AND s.state = 'ACTIVE' AND s.started_at <= ? AND l.total >= 10 AND 4 * l.assigned < l.total)`, []any{ago30}},
			{"Messaging only", `EXISTS (SELECT 1 FROM licenses l WHERE l.customer_id = c.id)
				AND NOT EXISTS (SELECT 1 FROM licenses l WHERE l.customer_id = c.id AND l.product <> 'MESSAGING')`, nil},
		}
		for _, tc := range cases {
			args := append([]any{res.PartnerID}, tc.args...)
			n := q.count(`SELECT COUNT(*) FROM customers c WHERE c.partner_id = ? AND `+tc.cond, args...)
			t.Logf("%-22s %3d customers", tc.name, n)
			if n == 0 {
				t.Errorf("no customer is %s", tc.name)
			}
		}
	})

	t.Run("EnumsCovered", func(t *testing.T) {
		cases := []struct {
			table, column string
			want          []string
		}{
			{"customers", "region", enum.Region("").Values()},
			{"subscriptions", "kind", enum.SubscriptionKind("").Values()},
			{"subscriptions", "state", enum.SubscriptionState("").Values()},
			{"licenses", "product", enum.Product("").Values()},
			{"invoices", "status", enum.InvoiceStatus("").Values()},
			{"subscription_orders", "action", enum.OrderAction("").Values()},
			{"call_legs", "direction", enum.CallDirection("").Values()},
			{"call_legs", "media", enum.Media("").Values()},
			{"call_legs", "endpoint_type", enum.EndpointType("").Values()},
			{"call_legs", "feature", enum.CallFeature("").Values()},
			{"call_legs", "queue_outcome", enum.QueueOutcome("").Values()},
			{"phone_numbers", "user_type", enum.PhoneUserType("").Values()},
			{"phone_numbers", "number_type", enum.NumberType("").Values()},
		}
		for _, tc := range cases {
			got := q.strings(fmt.Sprintf(`SELECT DISTINCT %s FROM %s WHERE partner_id = ? AND %[1]s IS NOT NULL ORDER BY %[1]s`, tc.column, tc.table))
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s.%s holds %v, want %v", tc.table, tc.column, got, want)
			}
		}
	})

	t.Run("Invariants", func(t *testing.T) {
		last := time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC) // the Sunday on or before now
		first := last.AddDate(0, 0, -7*25)
		if last.Weekday() != time.Sunday || now.Sub(last) >= 7*24*time.Hour || last.After(now) {
			t.Fatalf("test weeks are wrong: %s", last)
		}
		zero := []struct {
			name  string
			query string
			args  []any
		}{
			{"customers with more than 5 tags", `SELECT COUNT(*) FROM (SELECT ct.customer_id FROM customer_tags ct
				JOIN customers c ON c.id = ct.customer_id WHERE c.partner_id = ? GROUP BY ct.customer_id HAVING COUNT(*) > 5) x`, nil},
			{"countries outside their region", `SELECT COUNT(*) FROM customers WHERE partner_id = ? AND NOT (
				(region = 'US' AND country = 'US') OR (region = 'CA' AND country = 'CA') OR
				(region = 'EU' AND country IN ('DE','FR','NL','ES','IT','IE','SE','BE','AT','PL')) OR
				(region = 'UAE' AND country IN ('AE','SA','QA','BH','OM')))`, nil},
			{"renewal dates not equal to auto-renewing ends", `SELECT COUNT(*) FROM subscriptions WHERE partner_id = ? AND
				((auto_renew AND (renewal_date IS NULL OR renewal_date <> ends_at)) OR (NOT auto_renew AND renewal_date IS NOT NULL))`, nil},
			{"lines used beyond assigned or 90-day use", `SELECT COUNT(*) FROM licenses WHERE partner_id = ? AND (used > assigned OR used_90d < used)`, nil},
			{"lines whose customer is not the subscription's", `SELECT COUNT(*) FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
				WHERE l.partner_id = ? AND l.customer_id <> s.customer_id`, nil},
			{"snapshots outside the last 26 Sundays", `SELECT COUNT(*) FROM license_snapshots WHERE partner_id = ? AND (week_start < ? OR week_start > ?)`, []any{first, last}},
			{"snapshots used beyond assigned", `SELECT COUNT(*) FROM license_snapshots WHERE partner_id = ? AND used > assigned`, nil},
			{"snapshots of another customer or product", `SELECT COUNT(*) FROM license_snapshots ls JOIN licenses l ON l.id = ls.license_id
				WHERE ls.partner_id = ? AND (ls.customer_id <> l.customer_id OR ls.product <> l.product)`, nil},
			{"call legs outside the last 10 weeks", `SELECT COUNT(*) FROM call_legs WHERE partner_id = ? AND (started_at < ? OR started_at >= ?)`,
				[]any{last.AddDate(0, 0, -63), now}},
			{"queue legs without a queue of their customer", `SELECT COUNT(*) FROM call_legs l WHERE l.partner_id = ? AND l.feature = 'CALL_QUEUE' AND
				(l.queue_outcome IS NULL OR l.wait_seconds IS NULL OR NOT EXISTS (SELECT 1 FROM call_queues q WHERE q.id = l.queue_id AND q.customer_id = l.customer_id))`, nil},
			{"legs of a customer without Calling", `SELECT COUNT(*) FROM call_legs l WHERE l.partner_id = ? AND NOT EXISTS
				(SELECT 1 FROM licenses x WHERE x.customer_id = l.customer_id AND x.product = 'CALLING')`, nil},
		}
		for _, tc := range zero {
			if n := q.count(tc.query, append([]any{res.PartnerID}, tc.args...)...); n != 0 {
				t.Errorf("%d %s", n, tc.name)
			}
		}
		if n := q.count(`SELECT COUNT(DISTINCT week_start) FROM license_snapshots WHERE partner_id = ?`); n != 26 {
			t.Errorf("snapshots span %d weeks, want 26", n)
		}
		poor := q.count(`SELECT COUNT(*) FROM call_legs WHERE partner_id = ? AND (jitter_ms > 150 OR latency_ms > 400 OR packet_loss_pct > 5)`)
		if poor < legs/50 || poor > legs/7 {
			t.Errorf("%d of %d legs are poor, want about 7%%", poor, legs)
		}
		if n := q.count(`SELECT COUNT(*) FROM (SELECT call_id FROM call_legs WHERE partner_id = ? GROUP BY call_id HAVING COUNT(*) > 1) x`); n == 0 {
			t.Error("no call has more than one leg")
		}
	})

	t.Run("EntReadsIt", func(t *testing.T) {
		ctx := viewer.SystemContext(context.Background())
		p, err := db.Client.Partner.Get(ctx, res.PartnerID)
		if err != nil || p.Name != seed.DefaultPartnerName || !p.CreatedAt.Before(now) {
			t.Fatalf("partner %+v, %v", p, err)
		}
		c, err := db.Client.Customer.Query().Where(customer.PartnerID(res.PartnerID)).
			WithSubscriptions(func(q *ent.SubscriptionQuery) { q.WithLicenses() }).WithTags().WithAdmins().First(ctx)
		if err != nil || len(c.Edges.Subscriptions) == 0 || len(c.Edges.Subscriptions[0].Edges.Licenses) == 0 {
			t.Fatalf("customer %+v, %v", c, err)
		}
		// New rows must not collide with the IDs the seed assigned itself.
		tg, err := db.Client.Tag.Create().SetPartnerID(res.PartnerID).SetName("Added later").SetNameKey("added later").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if highest := q.count(`SELECT MAX(id) FROM tags`); tg.ID != highest {
			t.Errorf("new tag got ID %d, want the highest, %d", tg.ID, highest)
		}
		if _, err := db.Client.Subscription.Query().Where(subscription.PartnerID(res.PartnerID)).Count(ctx); err != nil {
			t.Fatal(err)
		}
	})

	// The seed writes with plain SQL, so the facts the ent hooks keep are computed once at
	// its end; they must be what the rows say.
	t.Run("Facts", func(t *testing.T) {
		for name, query := range map[string]string{
			"lines with wrong facts": `SELECT COUNT(*) FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
				WHERE l.partner_id = ? AND (l.active IS NULL OR l.active <> (s.state = 'ACTIVE') OR l.started_at IS NULL
				OR l.started_at <> s.started_at OR (l.total = 0 AND l.assignment_ratio IS NOT NULL)
				OR (l.total > 0 AND (l.assignment_ratio IS NULL OR ABS(l.assignment_ratio - CAST(l.assigned AS DOUBLE PRECISION) / l.total) > 1e-9)))`,
			"customers with a wrong scope": `SELECT COUNT(*) FROM customers c WHERE c.partner_id = ? AND (c.kpi_scope IS NULL
				OR c.kpi_scope <> EXISTS (SELECT 1 FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
					WHERE l.customer_id = c.id AND s.state = 'ACTIVE' AND l.product IN ('MEETINGS', 'CALLING')))`,
			"customers with a wrong over-limit flag": `SELECT COUNT(*) FROM customers c WHERE c.partner_id = ? AND (c.over_limit IS NULL
				OR c.over_limit <> EXISTS (SELECT 1 FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
					WHERE l.customer_id = c.id AND s.state = 'ACTIVE' AND l.assigned > l.total))`,
			"customers with wrong products": `SELECT COUNT(*) FROM customers c WHERE c.partner_id = ? AND (c.current_products IS NULL
				OR c.current_products <> COALESCE((SELECT SUM(DISTINCT CASE l.product WHEN 'MEETINGS' THEN 1 WHEN 'CALLING' THEN 2
					WHEN 'MESSAGING' THEN 4 WHEN 'TRANSLATION' THEN 8 WHEN 'CONTACT_CENTER' THEN 16 END)
					FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id
					WHERE l.customer_id = c.id AND s.state IN ('ACTIVE', 'PENDING_SETUP', 'SUSPENDED')), 0))`,
			"customers with wrong subscription statuses": `SELECT COUNT(*) FROM customers c WHERE c.partner_id = ? AND (c.subscription_statuses IS NULL
				OR c.subscription_statuses <> (SELECT
					CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.kind = 'TRIAL' AND s.state = 'ACTIVE') THEN 1 ELSE 0 END +
					CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.kind = 'PAID' AND s.state = 'ACTIVE') THEN 2 ELSE 0 END +
					CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.state = 'PENDING_SETUP') THEN 32 ELSE 0 END +
					CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.state = 'SUSPENDED') THEN 64 ELSE 0 END +
					CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.state = 'EXPIRED')
						AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND s.state IN ('ACTIVE', 'PENDING_SETUP', 'SUSPENDED')) THEN 128 ELSE 0 END))`,
		} {
			if n := q.count(query); n != 0 {
				t.Errorf("%d %s", n, name)
			}
		}
		// Each fact takes both values, so the checks above compare something.
		for _, cond := range []string{"kpi_scope", "NOT kpi_scope", "over_limit", "NOT over_limit",
			"current_products & 2 <> 0", "current_products & 2 = 0", "current_products = 0",
			"subscription_statuses & 1 <> 0", "subscription_statuses & 2 <> 0", "subscription_statuses & 32 <> 0",
			"subscription_statuses & 64 <> 0", "subscription_statuses = 128", "subscription_statuses & 1 = 0"} {
			if n := q.count(`SELECT COUNT(*) FROM customers WHERE partner_id = ? AND ` + cond); n == 0 {
				t.Errorf("no customer with %s", cond)
			}
		}
		if n := q.count(`SELECT COUNT(*) FROM licenses WHERE partner_id = ? AND NOT active`); n == 0 {
			t.Error("no line of a subscription that is not ACTIVE")
		}
	})

	t.Run("SecondPartner", func(t *testing.T) {
		before := digests(t, db, res.PartnerID)
		res2 := mustRun(t, db, seed.Options{Seed: 1, Customers: 40, CallLegs: 300, PartnerName: "Second Partner", Now: now})
		if res2.PartnerID == res.PartnerID {
			t.Fatal("the second run reused the first partner")
		}
		after := digests(t, db, res.PartnerID)
		if !maps.Equal(before, after) {
			t.Error("seeding a second partner changed the first")
		}
		if n := q.count(`SELECT COUNT(*) FROM customers WHERE partner_id = ?`); n != customers {
			t.Errorf("first partner has %d customers after the second run", n)
		}
		q2 := querier{t: t, db: db, partner: res2.PartnerID}
		if n := q2.count(`SELECT COUNT(*) FROM customers WHERE partner_id = ?`); n != 40 {
			t.Errorf("second partner has %d customers, want 40", n)
		}
	})
}

// querier runs SQL written with ? placeholders on either database.
type querier struct {
	t       *testing.T
	db      *storage.DB
	partner int
}

func (q querier) rebind(query string) string {
	if q.db.Dialect != dialect.Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// count runs a query that returns one number; with no args, the partner's ID is the only
// one it needs.
func (q querier) count(query string, args ...any) int {
	q.t.Helper()
	if len(args) == 0 && strings.Contains(query, "?") {
		args = []any{q.partner}
	}
	var n sql.NullInt64
	if err := q.db.SQL.QueryRow(q.rebind(query), args...).Scan(&n); err != nil {
		q.t.Fatalf("%s: %v", query, err)
	}
	return int(n.Int64)
}

func (q querier) strings(query string) []string {
	q.t.Helper()
	rows, err := q.db.SQL.Query(q.rebind(query), q.partner)
	if err != nil {
		q.t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			q.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// partnerRows selects a table's rows of one partner in a fixed order.
var partnerRows = map[string]string{
	"partners":        `SELECT * FROM partners WHERE id = ? ORDER BY id`,
	"customer_admins": `SELECT x.* FROM customer_admins x JOIN customers c ON c.id = x.customer_id WHERE c.partner_id = ? ORDER BY x.customer_id, x.admin_id`,
	"customer_tags":   `SELECT x.* FROM customer_tags x JOIN customers c ON c.id = x.customer_id WHERE c.partner_id = ? ORDER BY x.customer_id, x.tag_id`,
}

var seededTables = []string{
	"partners", "admins", "tags", "customers", "customer_admins", "customer_tags", "subscriptions",
	"licenses", "license_snapshots", "subscription_orders", "invoices", "locations", "call_queues",
	"devices", "phone_numbers", "call_legs", "calling_days", "calling_user_weeks",
}

// digests returns a digest of every seeded table's rows of the partner, every column
// included.
func digests(t *testing.T, db *storage.DB, partnerID int) map[string]string {
	t.Helper()
	q := querier{t: t, db: db, partner: partnerID}
	out := map[string]string{}
	for _, table := range seededTables {
		query, ok := partnerRows[table]
		if !ok {
			query = `SELECT * FROM ` + table + ` WHERE partner_id = ? ORDER BY id`
		}
		rows, err := db.SQL.Query(q.rebind(query), partnerID)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch x := v.(type) {
				case []byte:
					v = string(x)
				case time.Time:
					v = x.UTC().Format(time.RFC3339Nano)
				}
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n > 0 {
			out[table] = hex.EncodeToString(h.Sum(nil))
		}
	}
	return out
}
