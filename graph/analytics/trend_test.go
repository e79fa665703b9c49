package analytics

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/settings"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// trendOf reads the fixture's trend of product afresh, as of clock, over all regions or
// one.
func (f fixture) trendOf(t *testing.T, ctx context.Context, clock time.Time, product enum.Product, region *enum.Region, weeks int) []model.LicenseTrendPoint {
	t.Helper()
	env := filter.Env{Rules: status.NewRules(clock, settings.Partner{}.WithDefaults()), PartnerID: f.partner}
	uncached := func(ctx context.Context, _ string, compute func(context.Context) (any, error)) (any, error) {
		return compute(ctx)
	}
	a, err := NewSubscriptions(ctx, f.client, env, model.AnalyticsProduct(product), region, uncached)
	if err != nil {
		t.Fatal(err)
	}
	points, err := a.LicenseTrend(ctx, weeks)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]model.LicenseTrendPoint, len(points))
	for i, p := range points {
		out[i] = *p
	}
	return out
}

// points is a trend of the weeks from first, each of total, assigned and used.
func points(first string, sums ...[3]int) []model.LicenseTrendPoint {
	start, _ := time.Parse(time.DateOnly, first)
	out := make([]model.LicenseTrendPoint, len(sums))
	for i, s := range sums {
		out[i] = model.LicenseTrendPoint{WeekStart: start.AddDate(0, 0, 7*i), Total: s[0], Assigned: s[1], Used: s[2]}
	}
	return out
}

// TestTrendFollowsWrites: the earlier weeks of the trend, kept at write time, change on the
// next read after each write that changes them — a snapshot of a past week, a cancelled
// subscription, a backdated one — for a viewer of the whole partner and of one region,
// and a later clock turns the current week into an earlier one with its own figures.
func TestTrendFollowsWrites(t *testing.T) {
	f := newFixture(t)
	sys := viewer.SystemContext(context.Background())
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin})
	eu := enum.RegionEU
	check := func(step string, clock time.Time, want []model.LicenseTrendPoint) {
		t.Helper()
		for _, region := range []*enum.Region{nil, &eu} {
			if got := f.trendOf(t, ctx, clock, enum.ProductMeetings, region, len(want)); !slices.Equal(got, want) {
				t.Errorf("%s, region %v: trend =\n%+v\nwant\n%+v", step, regionName(region), got, want)
			}
		}
	}
	// Over: 10, 12 assigned, 6 used; Renewing: 10, 9, 4; both since six months ago.
	check("at first", now, points("2026-02-22", [3]int{20, 21, 10}, [3]int{20, 21, 10}, [3]int{20, 21, 10}, [3]int{20, 21, 10}))

	// A snapshot of the week of 2026-03-01, written in a transaction that recomputes the
	// weeks as it commits: every earlier week reads it (the first weeks as the first snapshot).
	pctx := facts.NewContext(sys)
	tx, err := f.client.Tx(pctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.LicenseSnapshot.Create().SetPartnerID(f.partner).SetCustomerID(f.over.CustomerID).SetLicenseID(f.over.ID).
		SetProduct(f.over.Product).SetWeekStart(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)).
		SetTotal(10).SetAssigned(5).SetUsed(1).ExecX(pctx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check("after a past snapshot", now, points("2026-02-22", [3]int{20, 14, 5}, [3]int{20, 14, 5}, [3]int{20, 14, 5}, [3]int{20, 21, 10}))

	// Renewing, cancelled in such a transaction too, leaves every week.
	pctx = facts.NewContext(sys)
	tx, err = f.client.Tx(pctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Subscription.Update().Where(subscription.SubscriptionID("sub-Renewing")).SetState(enum.StateCancelled).ExecX(pctx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check("after a cancellation", now, points("2026-02-22", [3]int{10, 5, 1}, [3]int{10, 5, 1}, [3]int{10, 5, 1}, [3]int{10, 12, 6}))

	// A Meetings subscription of Ending backdated to 2026-03-02 joins the weeks from then.
	ending := f.client.Subscription.Query().Where(subscription.SubscriptionID("sub-Ending")).OnlyX(sys)
	sub := f.client.Subscription.Create().SetPartnerID(f.partner).SetCustomerID(ending.CustomerID).SetSubscriptionID("sub-Backdated").
		SetKind(enum.KindPaid).SetState(enum.StateActive).SetStartedAt(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)).
		SetEndsAt(now.AddDate(1, 0, 0)).SaveX(sys)
	f.client.License.Create().SetPartnerID(f.partner).SetCustomerID(ending.CustomerID).SetSubscriptionID(sub.ID).
		SetProduct(enum.ProductMeetings).SetTotal(7).SetAssigned(3).SetUsed(2).SetUsed90d(2).ExecX(sys)
	check("after a backdated subscription", now, points("2026-02-22", [3]int{10, 5, 1}, [3]int{17, 8, 3}, [3]int{17, 8, 3}, [3]int{17, 15, 8}))

	// A week later, the week of 2026-03-15 is an earlier one: Over at its snapshot.
	check("a week later", now.AddDate(0, 0, 7), points("2026-03-01", [3]int{17, 8, 3}, [3]int{17, 8, 3}, [3]int{17, 8, 3}, [3]int{17, 15, 8}))
	// Two years later, the weeks no trend of then can ask are dropped; the first clock
	// computes its own again.
	f.trendOf(t, ctx, now.AddDate(2, 0, 0), enum.ProductMeetings, nil, 2)
	if n := f.client.LicenseTrendWeek.Query().CountX(sys); n != 1 {
		t.Errorf("%d weeks kept after a trend of two weeks two years later, want its 1 earlier week", n)
	}
	if n := f.client.LicenseWeek.Query().CountX(sys); n != 0 {
		t.Errorf("%d customers' weeks kept two years later, when no line is live; want none", n)
	}
	// And the first clock still reads its weeks.
	check("back at first", now, points("2026-02-22", [3]int{10, 5, 1}, [3]int{17, 8, 3}, [3]int{17, 8, 3}, [3]int{17, 15, 8}))
}

// TestTrendStatements: a trend runs as many SQL statements whatever its weeks and its
// customers, whether its earlier weeks are computed by it or were already.
func TestTrendStatements(t *testing.T) {
	f := newFixture(t)
	sys := viewer.SystemContext(context.Background())
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin})
	eu := enum.RegionEU
	statements := func(clock time.Time, product enum.Product, region *enum.Region, weeks int) int64 {
		ctx, n := counting.WithCounter(ctx)
		f.trendOf(t, ctx, clock, product, region, weeks)
		return n.Load()
	}
	for i, region := range []*enum.Region{nil, &eu} {
		// The first read of each clock computes its weeks.
		later := func(years int) time.Time { return now.AddDate(years+3*i, 0, 0) }
		first := []int64{statements(later(1), enum.ProductMeetings, region, 12), statements(later(2), enum.ProductMeetings, region, 3)}
		statements(now, enum.ProductMeetings, region, 52)
		kept := []int64{statements(now, enum.ProductMeetings, region, 12), statements(now, enum.ProductMeetings, region, 3)}
		for j := range 20 {
			c := f.client.Customer.Create().SetPartnerID(f.partner).SetName(fmt.Sprint("More", region == nil, j)).
				SetOrgID(fmt.Sprint("org-more", region == nil, j)).SetRegion(eu).SetCountry("DE").SaveX(sys)
			s := f.client.Subscription.Create().SetPartnerID(f.partner).SetCustomerID(c.ID).SetSubscriptionID(fmt.Sprint("sub-more", region == nil, j)).
				SetKind(enum.KindPaid).SetState(enum.StateActive).SetStartedAt(now.AddDate(0, -3, 0)).SetEndsAt(now.AddDate(1, 0, 0)).SaveX(sys)
			f.client.License.Create().SetPartnerID(f.partner).SetCustomerID(c.ID).SetSubscriptionID(s.ID).
				SetProduct(enum.ProductMeetings).SetTotal(5).SetAssigned(1).SetUsed(1).SetUsed90d(1).ExecX(sys)
		}
		first = append(first, statements(later(3), enum.ProductMeetings, region, 52))
		statements(now, enum.ProductMeetings, region, 52) // computed again: the later trend dropped them
		kept = append(kept, statements(now, enum.ProductMeetings, region, 52))
		for _, counts := range [][]int64{first, kept} {
			if slices.Min(counts) != slices.Max(counts) {
				t.Errorf("region %v: trends of 12, 3 and (with 20 more customers) 52 weeks ran %v SQL statements; want as many", regionName(region), counts)
			}
		}
	}
}

// regionName names a region filter.
func regionName(r *enum.Region) string {
	if r == nil {
		return "all"
	}
	return string(*r)
}
