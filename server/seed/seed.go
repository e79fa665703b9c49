// Package seed builds a realistic partner deterministically from a seed number: admins,
// tags, customers in every region, subscriptions and trials in every state, license lines
// with half a year of weekly history, invoices, orders, calling inventory and call legs.
// Rows are written in bulk (COPY on PostgreSQL, multi-row INSERTs on SQLite) in one
// transaction, so that 100 000 customers take a couple of minutes, not hours.
package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/callqueue"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/device"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/invoice"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/location"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/phonenumber"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/subscriptionorder"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// Options says what to build. The same Seed, sizes and Now give byte-identical data in a
// fresh database.
type Options struct {
	Seed        int64     // same seed + same sizes + same Now => byte-identical data
	Customers   int       // e.g. 500 for the demo, 100000 for benchmarks
	CallLegs    int       // total call legs to generate over the last 10 weeks
	PartnerName string    // default "Demo Partner"
	Now         time.Time // the reference instant; all dates are relative to it
	// Progress, when set, is called after each chunk of customers is written and once
	// more when only the facts, indexes and statistics remain to be done.
	Progress func(Progress)
}

// Progress says how far a run is.
type Progress struct {
	Customers int  // customers written
	Total     int  // customers to write
	Rows      int  // rows written so far, in every table
	Finishing bool // every row is written; the facts, indexes and statistics remain
}

// report tells opts.Progress how far the run is.
func (g *generator) report(b *bulkTx, finishing bool, customers int) {
	if g.opts.Progress == nil {
		return
	}
	rows := 0
	for _, n := range b.counts {
		rows += n
	}
	g.opts.Progress(Progress{Customers: customers, Total: g.opts.Customers, Rows: rows, Finishing: finishing})
}

// DefaultPartnerName names the partner when Options.PartnerName is empty.
const DefaultPartnerName = "Demo Partner"

// Result says what was created.
type Result struct {
	PartnerID int
	// Admins lists the seeded admin emails by role: "FULL_ADMIN", "ADMIN",
	// "READ_ONLY_ADMIN" (at least one each; the first of each is the demo login).
	Admins map[string][]string
	Counts map[string]int // rows written per table name
}

// ErrNoNow is returned when Options.Now is not set: the seed never reads the clock itself.
var ErrNoNow = errors.New("seed: Options.Now is required")

// chunkSize is how many customers are generated, and then written table by table, at a
// time. It is fixed, so the data do not depend on the database.
const chunkSize = 1000

// Run creates one new partner with everything in it, leaving other partners alone. It
// writes with plain SQL inside one transaction, so either all of it is there or nothing.
func Run(ctx context.Context, db *storage.DB, opts Options) (*Result, error) {
	if opts.Now.IsZero() {
		return nil, ErrNoNow
	}
	if opts.Customers < 0 || opts.CallLegs < 0 {
		return nil, fmt.Errorf("seed: negative size (%d customers, %d call legs)", opts.Customers, opts.CallLegs)
	}
	if opts.PartnerName == "" {
		opts.PartnerName = DefaultPartnerName
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed: connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("seed: begin: %w", err)
	}
	defer tx.Rollback()
	b := &bulkTx{ctx: ctx, conn: conn, tx: tx, dialect: db.Dialect, counts: map[string]int{}}
	g := newGenerator(opts)
	if err := b.startIDs(g.seq.all()); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	expected := expectedRows(opts)
	if err := b.bulkLoad(expected, sortedKeys(expected)); err != nil {
		return nil, fmt.Errorf("seed: prepare bulk load: %w", err)
	}
	res, err := g.run(b)
	if err != nil {
		return nil, fmt.Errorf("seed partner %q: %w", opts.PartnerName, err)
	}
	// The seed writes rows with plain SQL, past the ent hooks that keep the facts.
	if _, err := facts.Backfill(ctx, tx, db.Dialect); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := b.finishLoad(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	// The week rollups are set from the day and user-week rollups the seed wrote.
	if err := calling.RefreshWeeks(ctx, tx, db.Dialect, g.partnerID, nil, 0, calling.LastDay); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := b.finishIDs(g.seq.all()); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("seed: commit: %w", err)
	}
	if err := b.vacuum(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return res, nil
}

// generator holds the state of one run: its random streams, ID sequences and counters.
type generator struct {
	opts      Options
	now       time.Time // opts.Now in UTC, whole seconds
	week0     time.Time // start of the current week
	partnerID int
	salt      uint64 // names the UUIDs of this partner
	model     *rand.Rand
	hist      *rand.Rand
	phones    *rand.Rand
	calls     *rand.Rand
	seq       sequences
	adminIDs  []int // the ADMINs, who manage assigned customers
	fullAdmin int
	tagIDs    []int
	deck      []scenario

	subNo, trialNo, orderNo, invoiceNo uint32
	callNo, legNo                      int
	legsWritten, legQuota              int
	rollups                            *calling.Delta // of the chunk's call legs
}

// sequences are the primary keys handed out per table.
type sequences struct {
	partner, admin, customer, tag, sub, license, snapshot, invoice, order,
	location, queue, device, number, leg, callingDay, callingUserWeek idSeq
}

func (s *sequences) all() []*idSeq {
	return []*idSeq{&s.partner, &s.admin, &s.customer, &s.tag, &s.sub, &s.license, &s.snapshot,
		&s.invoice, &s.order, &s.location, &s.queue, &s.device, &s.number, &s.leg, &s.callingDay, &s.callingUserWeek}
}

func newGenerator(opts Options) *generator {
	now := opts.Now.UTC().Truncate(time.Second)
	g := &generator{
		opts: opts, now: now, week0: week.Start(now),
		model:  newRand(opts.Seed, streamModel),
		hist:   newRand(opts.Seed, streamHistory),
		phones: newRand(opts.Seed, streamPhones),
		calls:  newRand(opts.Seed, streamCalls),
	}
	g.seq = sequences{
		partner: idSeq{table: partner.Table}, admin: idSeq{table: admin.Table},
		customer: idSeq{table: customer.Table}, tag: idSeq{table: tag.Table},
		sub: idSeq{table: subscription.Table}, license: idSeq{table: license.Table},
		snapshot: idSeq{table: licensesnapshot.Table}, invoice: idSeq{table: invoice.Table},
		order: idSeq{table: subscriptionorder.Table}, location: idSeq{table: location.Table},
		queue: idSeq{table: callqueue.Table}, device: idSeq{table: device.Table},
		number: idSeq{table: phonenumber.Table}, leg: idSeq{table: callleg.Table},
		callingDay: idSeq{table: callingday.Table}, callingUserWeek: idSeq{table: callinguserweek.Table},
	}
	return g
}

// UUID kinds, so that UUIDs of different things never follow the same sequence.
const (
	uuidPartner = iota + 1
	uuidCustomer
	uuidLocation
	uuidQueue
	uuidDevice
	uuidNumber
	uuidUser
	uuidCall
	uuidLeg
)

// uuid returns the n-th UUID of a kind. UUIDs depend on the partner's ID as well as the
// seed, so that seeding the same seed twice into one database gives distinct org IDs.
func (g *generator) uuid(kind, n int) string {
	return hashUUID(g.salt^uint64(kind)<<56, n)
}

// partnerSalt names the UUIDs of the partner with ID partnerID seeded from seed.
func partnerSalt(seed int64, partnerID int) uint64 {
	return mix64(uint64(seed)) ^ mix64(uint64(partnerID)+0x5eed)
}

// PartnerOrgID returns the org ID that Run gives the partner it creates with ID partnerID
// from seed, so that a seeded partner can be recognised among others.
func PartnerOrgID(seed int64, partnerID int) string {
	return hashUUID(partnerSalt(seed, partnerID)^uint64(uuidPartner)<<56, 0)
}

func (g *generator) run(b *bulkTx) (*Result, error) {
	g.partnerID = g.seq.partner.take()
	g.salt = partnerSalt(g.opts.Seed, g.partnerID)
	res := &Result{PartnerID: g.partnerID, Admins: map[string][]string{}, Counts: b.counts}
	created := g.now.AddDate(-3, -1, 0)
	err := b.write(partner.Table, []string{partner.FieldID, partner.FieldCreatedAt, partner.FieldName, partner.FieldOrgID, partner.FieldSettings},
		func(w tableWriter) error {
			return w.Row(g.partnerID, created, g.opts.PartnerName, PartnerOrgID(g.opts.Seed, g.partnerID), jsonText("{}"))
		})
	if err != nil {
		return nil, err
	}
	if err := g.writeAdmins(b, res.Admins, created); err != nil {
		return nil, err
	}
	if err := g.writeTags(b, created); err != nil {
		return nil, err
	}
	g.report(b, false, 0)
	for start := 0; start < g.opts.Customers; start += chunkSize {
		cs := make([]*cust, 0, chunkSize)
		for i := start; i < min(start+chunkSize, g.opts.Customers); i++ {
			cs = append(cs, g.newCustomer(i))
		}
		if err := g.writeChunk(b, cs); err != nil {
			return nil, err
		}
		g.report(b, false, start+len(cs))
	}
	g.report(b, true, g.opts.Customers)
	return res, nil
}

// expectedRows estimates how many rows a run writes per table, to tell which tables it
// fills (see bulkLoad).
func expectedRows(opts Options) map[string]int {
	n := opts.Customers
	return map[string]int{
		partner.Table: 1, admin.Table: max(6, n/200), tag.Table: len(tagList), customer.Table: n,
		customer.AdminsTable: n, customer.TagsTable: n, subscription.Table: n, license.Table: 2 * n,
		licensesnapshot.Table: 40 * n, subscriptionorder.Table: 3 * n, invoice.Table: 2 * n,
		location.Table: n / 2, callqueue.Table: n / 2, device.Table: 3 * n, phonenumber.Table: 4 * n,
		callleg.Table: opts.CallLegs, callingday.Table: opts.CallLegs / 4, callinguserweek.Table: opts.CallLegs / 8,
	}
}
