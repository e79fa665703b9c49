package calling

import (
	"context"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Analytics are the calling analytics of one week for one viewer.
type Analytics struct {
	client     *ent.Client
	partnerID  int
	region     *enum.Region
	week       Day
	thresholds Thresholds
	cache      analytics.CacheFunc
}

// New returns the analytics of the week starting on the Sunday week (default: the last
// completed week at now), optionally limited to region, for the viewer of ctx, whose
// partner's legs were judged with t; figures go through cache. A week that is not a Sunday
// or has not ended yet is BAD_USER_INPUT; a viewer who may not read analytics is FORBIDDEN.
func New(ctx context.Context, c *ent.Client, t Thresholds, now time.Time, region *enum.Region, week *time.Time, cache analytics.CacheFunc) (*Analytics, error) {
	if err := analytics.Allowed(ctx); err != nil {
		return nil, err
	}
	w := LastCompletedWeek(now)
	if week != nil {
		w = DayOf(*week)
		if !w.Time().Equal(week.UTC()) || w.Week() != w {
			return nil, gqlerr.Errorf(gqlerr.BadUserInput, "week must be a Sunday, the day a week starts, got %s", week.UTC().Format(time.DateOnly))
		}
		if w.Time().AddDate(0, 0, 7).After(now) {
			return nil, gqlerr.Errorf(gqlerr.BadUserInput, "the week of %s has not ended yet", w.Time().Format(time.DateOnly))
		}
	}
	return &Analytics{client: c, partnerID: viewer.FromContext(ctx).PartnerID, region: region, week: w, thresholds: t, cache: cache}, nil
}

// Week is the Sunday starting the week analysed.
func (a *Analytics) Week() time.Time { return a.week.Time() }

// Region is the region the analytics are limited to, if any.
func (a *Analytics) Region() *enum.Region { return a.region }

// Regions lists the regions that hold customers the viewer can see.
func (a *Analytics) Regions(ctx context.Context) ([]enum.Region, error) {
	return analytics.Regions(ctx, a.client)
}

// CallQualityThresholds are the thresholds the legs were judged with.
func (a *Analytics) CallQualityThresholds() *Thresholds { return &a.thresholds }

// UsageTrend is the usage of each of the weeks weeks ending with the week analysed.
func (a *Analytics) UsageTrend(ctx context.Context, weeks int) ([]*model.CallingUsagePoint, error) {
	return trend(ctx, a, weeks, func(w Day, f *Figures) *model.CallingUsagePoint {
		return &model.CallingUsagePoint{WeekStart: w.Time(), ActiveUsers: f.ActiveUsers(), Users1To5Calls: int(f.buckets[0]),
			Users6To20Calls: int(f.buckets[1]), UsersOver20Calls: int(f.buckets[2]), Calls: f.Calls(), Legs: f.Legs()}
	})
}

// QualityTrend is the quality of each of the weeks weeks ending with the week analysed.
func (a *Analytics) QualityTrend(ctx context.Context, weeks int) ([]*model.CallQualityPoint, error) {
	return trend(ctx, a, weeks, func(w Day, f *Figures) *model.CallQualityPoint {
		return &model.CallQualityPoint{WeekStart: w.Time(), Legs: f.Legs(), MeasuredLegs: f.MeasuredLegs(),
			PoorLegs: f.PoorLegs(), PoorRatio: f.PoorRatio()}
	})
}

// trend returns one point per week, oldest first, for the weeks weeks (1–52) ending with
// the week analysed.
func trend[T any](ctx context.Context, a *Analytics, weeks int, point func(Day, *Figures) T) ([]T, error) {
	if err := limit.Weeks(weeks); err != nil {
		return nil, err
	}
	from := a.week - Day(7*(weeks-1))
	sums, err := a.totals(ctx, from)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, weeks)
	for w := from; w <= a.week; w += 7 {
		out = append(out, point(w, sums[sumKey{week: w}]))
	}
	return out, nil
}

// DefaultTrendWeeks is how many weeks a trend shows unless asked otherwise.
const DefaultTrendWeeks = 8

// weekFigures are the figures of the week analysed, summed with the default trends'
// weeks: a request that asks for both sums the rollups once.
func (a *Analytics) weekFigures(ctx context.Context) (*Figures, error) {
	sums, err := a.totals(ctx, a.week-7*(DefaultTrendWeeks-1))
	return sums[sumKey{week: a.week}], err
}

// QualityByEndpoint is the week's quality per endpoint type.
func (a *Analytics) QualityByEndpoint(ctx context.Context) ([]*model.EndpointQuality, error) {
	f, err := a.weekFigures(ctx)
	if err != nil {
		return nil, err
	}
	out := []*model.EndpointQuality{}
	for i, e := range enum.EndpointType("").Values() {
		q := f.endpoint(i)
		q.EndpointType = enum.EndpointType(e)
		out = append(out, q)
	}
	return out, nil
}

// FeatureUsage is the week's calls per advanced feature.
func (a *Analytics) FeatureUsage(ctx context.Context) (*Figures, error) { return a.weekFigures(ctx) }

// QueueInsights is the week's call-queue figures. Only customers with a queue have queue
// legs (ingest refuses a queue of another customer), so the totals need no other filter.
func (a *Analytics) QueueInsights(ctx context.Context) (*Figures, error) { return a.weekFigures(ctx) }

// totals returns the figures of every week from from to the week analysed, cached: every
// counter up to the default trends' span, only the TrendCounters of a longer one (so a
// long trend reads the few columns it shows).
func (a *Analytics) totals(ctx context.Context, from Day) (map[sumKey]*Figures, error) {
	counters := TrendCounters
	if from >= a.week-7*(DefaultTrendWeeks-1) {
		counters = AllCounters
	}
	v, err := a.cache(ctx, fmt.Sprintf("calling|%d|totals|%d", a.week, from), func(ctx context.Context) (any, error) {
		return a.sums(ctx, from, nil, counters)
	})
	if err != nil {
		return nil, err
	}
	return v.(map[sumKey]*Figures), nil
}
