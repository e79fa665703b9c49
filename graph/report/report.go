// Package report generates the CSV reports: templates (three defaults and partners'
// subsets of them), generation in the background of the instance that was asked, the
// stored files, signed download links, schedules and the retention of files.
//
// A report is generated as the admin who asked for it (or made its schedule), with the
// role they have at generation time, so the privacy rules leave out every row they could
// not read: an ADMIN's report holds only the customers assigned to them then. Rows are
// read from the database in batches and written straight into the stored file, which
// the download streams back, so memory stays flat whatever the report's size. The calling
// usage figures come from the calling rollups through package calling, the same numbers
// the calling analytics show.
package report

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/analytics"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// Defaults of the service.
const (
	DefaultRetention = 30 * 24 * time.Hour
)

// Service generates, stores, serves and expires reports.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Audit  *audit.Recorder
	// Broker announces a report's changes of state (reportUpdated).
	Broker    live.Broker
	Store     *Store
	Retention time.Duration
	// Secret signs download links.
	Secret []byte
	Logger *slog.Logger
	// Dialect is the database's (ent's dialect names): PostgreSQL locks due schedules.
	Dialect string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewService returns a service whose background generations stop at Close.
func NewService(c *ent.Client, now func() time.Time, rec *audit.Recorder, broker live.Broker, store *Store, secret []byte, logger *slog.Logger) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{Client: c, Now: now, Audit: rec, Broker: broker, Store: store, Retention: DefaultRetention, Secret: secret,
		Logger: logger, ctx: ctx, cancel: cancel}
}

// Close stops the background generations and waits for them (they end FAILED).
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// Wait waits for the background generations started so far (tests).
func (s *Service) Wait() { s.wg.Wait() }

// Params are what a report covers.
type Params struct {
	Template *Template
	Region   enum.Region
	From, To *time.Time
}

// Resolve checks a request's template, region and dates against the viewer's data: region
// may be omitted only when the viewer's customers lie in one region; dates go only with a
// template that has a date range (default: the 7 days up to yesterday).
func Resolve(ctx context.Context, c *ent.Client, now time.Time, templateID string, region *enum.Region, from, to *time.Time) (*Params, error) {
	if !viewer.FromContext(ctx).CanReport() {
		return nil, errNoScope
	}
	t, err := FindTemplate(ctx, c, templateID)
	if err != nil {
		return nil, err
	}
	if readsAnalytics(t.Kind) {
		if err := analytics.Allowed(ctx); err != nil {
			return nil, err
		}
	}
	p := &Params{Template: t}
	if p.Region, err = pickRegion(ctx, c, region); err != nil {
		return nil, err
	}
	if !t.HasDateRange {
		if from != nil || to != nil {
			return nil, gqlerr.Errorf(gqlerr.BadUserInput, "the template %q lists the inventory as it is: it takes no from or to", t.Name)
		}
		return p, nil
	}
	today := now.UTC().Truncate(24 * time.Hour)
	end := today.AddDate(0, 0, -1)
	if to != nil {
		end = to.UTC()
	}
	start := end.AddDate(0, 0, -6)
	if from != nil {
		start = from.UTC()
	}
	switch {
	case start.After(end):
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "from (%s) is after to (%s)", start.Format(time.DateOnly), end.Format(time.DateOnly))
	case end.After(today):
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "to (%s) is in the future", end.Format(time.DateOnly))
	case end.Sub(start) >= limit.ReportDays*24*time.Hour:
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "a report covers at most %d days", limit.ReportDays)
	}
	p.From, p.To = &start, &end
	return p, nil
}

func pickRegion(ctx context.Context, c *ent.Client, region *enum.Region) (enum.Region, error) {
	regions, err := analytics.Regions(ctx, c)
	if err != nil {
		return "", err
	}
	names := make([]string, len(regions))
	for i, r := range regions {
		names[i] = string(r)
	}
	switch {
	case region != nil && !slices.Contains(regions, *region):
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "none of your customers is in the region %s (yours: %s)", *region, strings.Join(names, ", "))
	case region != nil:
		return *region, nil
	case len(regions) == 1:
		return regions[0], nil
	case len(regions) == 0:
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "you can read no customers to report on")
	}
	return "", gqlerr.Errorf(gqlerr.BadUserInput, "region is required: your customers lie in %s", strings.Join(names, ", "))
}

// fileName is `<Template Name>_<random alphanumeric>_<YYYY-MM-DD>.csv`.
func fileName(template string, day time.Time) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = alphabet[n.Int64()]
	}
	return fmt.Sprintf("%s_%s_%s.csv", template, b, day.UTC().Format(time.DateOnly))
}

// create adds the QUEUED report of p for the admin in tx.
func (s *Service) create(ctx context.Context, tx *ent.Tx, p *Params, createdBy int, schedule *int) (*ent.Report, error) {
	now := s.Now().UTC()
	create := tx.Report.Create().SetTemplateName(p.Template.Name).SetKind(p.Template.Kind).SetColumns(p.Template.keys).
		SetRegion(p.Region).SetNillableFrom(p.From).SetNillableTo(p.To).SetFileName(fileName(p.Template.Name, now)).
		SetCreatedByID(createdBy).SetNillableScheduleID(schedule).SetCreatedAt(now).SetUpdatedAt(now)
	if p.Template.row != 0 {
		create.SetTemplateID(p.Template.row)
	}
	return create.Save(ctx)
}

// Generate asks for the report of p now, as the viewer, and starts generating it here.
func (s *Service) Generate(ctx context.Context, p *Params) (*ent.Report, error) {
	r, err := audit.Run(ctx, s.Audit, "generateReport", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (*ent.Report, audit.Change, error) {
		r, err := s.create(ctx, tx, p, viewer.FromContext(ctx).AdminID, nil)
		if err != nil {
			return nil, audit.Change{}, err
		}
		return r, audit.Change{Targets: []string{r.GlobalID()}, Summary: fmt.Sprintf("asked for the report %s (%s)", r.FileName, r.Region)}, nil
	})
	if err == nil {
		s.start(r)
	}
	return r, err
}

// start generates r in the background of this instance.
func (s *Service) start(r *ent.Report) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.generate(r.PartnerID, r.ID)
	}()
}
