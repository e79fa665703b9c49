package calling

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingpartnerweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// A partner's calling weeks sum the week rollups of its customers with a current Calling
// line (package facts keeps them as those customers' products change). Whatever changes
// the week rollups changes them in the same transaction: an ingest adds to them its
// change of the week rollups of such customers (addPartnerWeeks), and a rollup set anew
// is taken out of them before and added back after (RefreshWeeks). A viewer who sees
// every customer, in every region, reads them instead of the customers' rows.

// addPartnerWeeks adds to partnerID's calling weeks the change weeks of its customers'
// week rollups, for the customers with a current Calling line (whose rows the caller
// holds), in week order.
func addPartnerWeeks(ctx context.Context, tx *ent.Tx, partnerID int, weeks map[WeekKey]*WeekCounts) error {
	if len(weeks) == 0 {
		return nil
	}
	var ids []int
	for k := range weeks {
		ids = append(ids, k.CustomerID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	sys := viewer.NewContext(ctx, viewer.SystemOf(partnerID))
	calling := make(map[int]bool, len(ids))
	for part := range slices.Chunk(ids, 5000) {
		have, err := tx.Customer.Query().Where(customer.IDIn(part...), func(s *sql.Selector) { s.Where(facts.HasCalling(s.Table())) }).IDs(sys)
		if err != nil {
			return fmt.Errorf("read which of %d customers have Calling: %w", len(part), err)
		}
		for _, id := range have {
			calling[id] = true
		}
	}
	sums := map[Day]*WeekCounts{}
	for k, w := range weeks {
		if !calling[k.CustomerID] {
			continue
		}
		s := sums[k.Week]
		if s == nil {
			s = &WeekCounts{}
			sums[k.Week] = s
		}
		for i, n := range w {
			s[i] += n
		}
	}
	if len(sums) == 0 {
		return nil
	}
	var rows []string
	for _, week := range slices.Sorted(maps.Keys(sums)) {
		vals := []string{strconv.Itoa(partnerID), strconv.Itoa(int(week))}
		for _, n := range sums[week] {
			vals = append(vals, strconv.FormatInt(n, 10))
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	q := fmt.Sprintf("INSERT INTO %s (partner_id, week, %s) VALUES %s ON CONFLICT (partner_id, week) DO UPDATE SET %s",
		callingpartnerweek.Table, strings.Join(weekCounters, ", "), strings.Join(rows, ", "), facts.AddProposed(callingpartnerweek.Table, weekCounters))
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("add to %d calling weeks of partner %d: %w", len(rows), partnerID, err)
	}
	return nil
}

// BackfillPartnerWeeks sets the calling weeks of every partner that has week rollups but
// no calling week, as partners rolled up before the calling weeks existed have. It
// answers how many partners it set; a second call finds none but those whose customers
// with week rollups all lack Calling.
func BackfillPartnerWeeks(ctx context.Context, c *ent.Client) (int, error) {
	ctx = viewer.SystemContext(ctx)
	var dialectName string
	partners, err := c.CallingWeek.Query().Modify(func(s *sql.Selector) {
		dialectName = s.Dialect()
		pw := sql.Table(callingpartnerweek.Table)
		s.Select(s.C(callingweek.FieldPartnerID)).Distinct().Where(sql.NotExists(sql.Select(pw.C(callingpartnerweek.FieldID)).From(pw).
			Where(sql.ColumnsEQ(pw.C(callingpartnerweek.FieldPartnerID), s.C(callingweek.FieldPartnerID))))).OrderBy(s.C(callingweek.FieldPartnerID))
	}).Ints(ctx)
	if err != nil {
		return 0, fmt.Errorf("find partners without calling weeks: %w", err)
	}
	for _, p := range partners {
		tx, err := c.Tx(ctx)
		if err != nil {
			return 0, err
		}
		// Writers of other instances wait until the weeks are set: what they add goes on
		// top of sums that include the rollups they saw.
		if dialectName == dialect.Postgres {
			if _, err := tx.ExecContext(ctx, "LOCK TABLE "+callingpartnerweek.Table+" IN EXCLUSIVE MODE"); err != nil {
				return 0, errors.Join(err, tx.Rollback())
			}
		}
		if err := facts.SetCallingWeeks(ctx, tx, dialectName, p, 0, int(LastDay)); err != nil {
			return 0, errors.Join(err, tx.Rollback())
		}
		if err := tx.Commit(); err != nil {
			return 0, fmt.Errorf("commit the calling weeks of partner %d: %w", p, err)
		}
	}
	return len(partners), nil
}
