package analytics

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/loader"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// now is a Wednesday.
var now = time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)

func TestRatio(t *testing.T) {
	r := Ratio(1, 4)
	if r.Numerator != 1 || r.Denominator != 4 || r.Ratio == nil || *r.Ratio != 0.25 {
		t.Errorf("Ratio(1, 4) = %+v", r)
	}
	if r := Ratio(3, 0); r.Ratio != nil || r.Numerator != 3 {
		t.Errorf("Ratio(3, 0) = %+v, want no value", r)
	}
}

// TestWholeMonths: a month is whole once the same day and time of the next month is reached;
// a later day of a shorter month does not make one.
func TestWholeMonths(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"2026-01-15T12:00:00Z", "2026-02-15T12:00:00Z", 1},
		{"2026-01-15T12:00:00Z", "2026-02-15T11:59:59Z", 0},
		{"2026-01-31T00:00:00Z", "2026-02-28T23:00:00Z", 0},
		{"2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", 2},
		{"2026-03-18T12:00:00Z", "2026-03-01T00:00:00Z", 0},
	} {
		if got := wholeMonths(at(tt.a), at(tt.b)); got != tt.want {
			t.Errorf("wholeMonths(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := wholeDays(at("2026-03-01T12:00:00Z"), at("2026-03-03T11:59:59Z")); got != 1 {
		t.Errorf("wholeDays over 1 day 23:59:59 = %d, want 1", got)
	}
}

// fixture is a partner with three customers in the KPIs' scope and one outside it:
// Over (Meetings, 12 of 10 assigned: over the limit), Ending (Calling, ending in 10 days,
// not renewing), Renewing (Meetings, renewing in 20 days) and Messaging (only a Messaging
// line: outside the scope); and a second partner's over-limit customer.
type fixture struct {
	client  *ent.Client
	partner int
	over    *ent.License
}

func newFixture(t *testing.T) fixture {
	db := storagetest.MustOpen(t)
	sys := viewer.SystemContext(context.Background())
	c := db.Client
	mk := func(p int, name string, product enum.Product, endsIn time.Duration, renew bool, total, assigned int) *ent.License {
		cust := c.Customer.Create().SetPartnerID(p).SetName(name).SetOrgID("org-" + name).SetRegion(enum.RegionEU).SetCountry("DE").SaveX(sys)
		sc := c.Subscription.Create().SetPartnerID(p).SetCustomerID(cust.ID).SetSubscriptionID("sub-" + name).SetKind(enum.KindPaid).
			SetState(enum.StateActive).SetStartedAt(now.AddDate(0, -6, 0)).SetEndsAt(now.Add(endsIn)).SetAutoRenew(renew)
		if renew {
			sc.SetRenewalDate(now.Add(endsIn))
		}
		sub := sc.SaveX(sys)
		return c.License.Create().SetPartnerID(p).SetCustomerID(cust.ID).SetSubscriptionID(sub.ID).SetProduct(product).
			SetTotal(total).SetAssigned(assigned).SetUsed(assigned / 2).SetUsed90d(assigned / 2).SaveX(sys)
	}
	p := c.Partner.Create().SetName("P").SetOrgID("org-p").SaveX(sys).ID
	q := c.Partner.Create().SetName("Q").SetOrgID("org-q").SaveX(sys).ID
	over := mk(p, "Over", enum.ProductMeetings, 200*24*time.Hour, true, 10, 12)
	mk(p, "Ending", enum.ProductCalling, 10*24*time.Hour, false, 10, 8)
	mk(p, "Renewing", enum.ProductMeetings, 20*24*time.Hour, true, 10, 9)
	mk(p, "Messaging", enum.ProductMessaging, 10*24*time.Hour, false, 10, 20)
	mk(q, "Theirs", enum.ProductMeetings, 10*24*time.Hour, false, 10, 20)
	return fixture{client: c, partner: p, over: over}
}

// TestComputeKpis counts each KPI over the viewer's partner's customers in scope only.
func TestComputeKpis(t *testing.T) {
	f := newFixture(t)
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin})
	env := filter.Env{Rules: status.NewRules(now, settings.Partner{}.WithDefaults()), PartnerID: f.partner}
	k, err := ComputeKpis(ctx, f.client, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[status.Kpi]int{status.KpiTotal: 3, status.KpiOverLimit: 1, status.KpiApproachingExpiration: 1, status.KpiUpcomingRenewal: 1}
	for kpi, n := range want {
		if k.Counts[kpi] != n {
			t.Errorf("%s = %d, want %d (all: %v)", kpi, k.Counts[kpi], n, k.Counts)
		}
	}
	if q := k.Query(status.KpiOverLimit); q != "kpi:over_limit" {
		t.Errorf("the over-limit KPI lists with %q", q)
	}
	asia := enum.RegionCA
	if k, err := ComputeKpis(ctx, f.client, env, &asia); err != nil || k.Counts[status.KpiTotal] != 0 || k.Query(status.KpiTotal) != "kpi:total region:ca" {
		t.Errorf("KPIs of a region without customers: %v (%v), query %q", k.Counts, err, k.Query(status.KpiTotal))
	}
}

// TestWeeklyChange is assigned and used now minus at the start of the previous week, and
// nothing without a snapshot of then.
func TestWeeklyChange(t *testing.T) {
	f := newFixture(t)
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin})
	ctx = loader.NewContext(ctx, loader.New(f.client, func() time.Time { return now }, nil))
	if a, u, err := WeeklyChange(ctx, f.over); err != nil || a != 0 || u != 0 {
		t.Fatalf("without a snapshot: %d, %d (%v), want 0, 0", a, u, err)
	}
	sys := viewer.SystemContext(context.Background())
	f.client.LicenseSnapshot.Create().SetPartnerID(f.partner).SetCustomerID(f.over.CustomerID).SetLicenseID(f.over.ID).
		SetProduct(f.over.Product).SetWeekStart(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)).
		SetTotal(10).SetAssigned(9).SetUsed(2).SaveX(sys)
	ctx = loader.NewContext(ctx, loader.New(f.client, func() time.Time { return now }, nil))
	if a, u, err := WeeklyChange(ctx, f.over); err != nil || a != 3 || u != 4 {
		t.Errorf("12 assigned and 6 used against 9 and 2 a week before: %d, %d (%v), want 3, 4", a, u, err)
	}
}

// TestAnalyticsScope: a token narrowed to scopes without analytics:read gets FORBIDDEN from
// every computation, whichever path asks; with it, the figures.
func TestAnalyticsScope(t *testing.T) {
	f := newFixture(t)
	env := filter.Env{Rules: status.NewRules(now, settings.Partner{}.WithDefaults()), PartnerID: f.partner}
	cache := func(ctx context.Context, _ string, compute func(context.Context) (any, error)) (any, error) {
		return compute(ctx)
	}
	for _, scopes := range [][]string{{viewer.ScopeReports}, {viewer.ScopeCustomersRead, viewer.ScopeIngest}} {
		ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin, Scopes: scopes})
		if _, err := ComputeKpis(ctx, f.client, env, nil); err != ErrForbidden {
			t.Errorf("KPIs with scopes %v: %v, want FORBIDDEN", scopes, err)
		}
		if _, err := NewSubscriptions(ctx, f.client, env, "CALLING", nil, cache); err != ErrForbidden {
			t.Errorf("subscription analytics with scopes %v: %v, want FORBIDDEN", scopes, err)
		}
	}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleReadOnlyAdmin, Scopes: []string{viewer.ScopeAnalyticsRead}})
	if k, err := ComputeKpis(ctx, f.client, env, nil); err != nil || k.Counts[status.KpiTotal] != 3 {
		t.Errorf("KPIs with analytics:read = %v, %v; want 3 customers", k.Counts, err)
	}
	if _, err := NewSubscriptions(ctx, f.client, env, "CALLING", nil, cache); err != nil {
		t.Errorf("subscription analytics with analytics:read: %v", err)
	}
}
