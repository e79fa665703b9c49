package calling

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"slices"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// backfillChunk is how many customers one backfill transaction rolls up.
const backfillChunk = 100

// Backfill computes the rollups of every customer that has call legs but no rollup, as
// legs stored before the rollups existed have: each chunk of customers in a transaction of
// its own, their legs read and recorded as if just ingested (Record), with their partner's
// thresholds. It answers how many customers it rolled up; a second call finds none.
func Backfill(ctx context.Context, c *ent.Client) (int, error) {
	ctx = viewer.SystemContext(ctx)
	var rows []struct {
		ID        int `json:"id"`
		PartnerID int `json:"partner_id"`
	}
	err := c.Customer.Query().Modify(func(s *sql.Selector) {
		legs, days := sql.Table(callleg.Table), sql.Table(callingday.Table)
		s.Select(s.C(customer.FieldID), s.C(customer.FieldPartnerID)).Where(sql.And(
			sql.Exists(sql.Select(legs.C(callleg.FieldID)).From(legs).Where(sql.ColumnsEQ(legs.C(callleg.FieldCustomerID), s.C(customer.FieldID)))),
			sql.NotExists(sql.Select(days.C(callingday.FieldID)).From(days).Where(sql.ColumnsEQ(days.C(callingday.FieldCustomerID), s.C(customer.FieldID)))),
		)).OrderBy(s.C(customer.FieldPartnerID), s.C(customer.FieldID))
	}).Scan(ctx, &rows)
	if err != nil {
		return 0, fmt.Errorf("find customers without rollups: %w", err)
	}
	byPartner := map[int][]int{}
	for _, r := range rows {
		byPartner[r.PartnerID] = append(byPartner[r.PartnerID], r.ID)
	}
	for partnerID, ids := range byPartner {
		p, err := c.Partner.Get(ctx, partnerID)
		if err != nil {
			return 0, fmt.Errorf("read partner %d: %w", partnerID, err)
		}
		t := ThresholdsOf(p.Settings)
		// The rollups are the partner's rows: written as the system acting for it.
		pctx := viewer.NewContext(ctx, viewer.SystemOf(partnerID))
		for chunk := range slices.Chunk(ids, backfillChunk) {
			if err := backfillChunkOf(pctx, c, chunk, t); err != nil {
				return 0, err
			}
		}
	}
	return len(rows), nil
}

// BackfillWeeks sets the week rollups of every customer that has day rollups but no week
// rollup, as customers rolled up before the week rollups existed have. It answers how
// many customers it rolled up; a second call finds none.
func BackfillWeeks(ctx context.Context, c *ent.Client) (int, error) {
	ctx = viewer.SystemContext(ctx)
	var rows []struct {
		CustomerID int `json:"customer_id"`
		PartnerID  int `json:"partner_id"`
	}
	var dialectName string
	err := c.CallingDay.Query().Modify(func(s *sql.Selector) {
		dialectName = s.Dialect()
		weeks := sql.Table(callingweek.Table)
		cols := []string{s.C(callingday.FieldPartnerID), s.C(callingday.FieldCustomerID)}
		s.Select(cols...).Distinct().Where(sql.NotExists(sql.Select(weeks.C(callingweek.FieldID)).From(weeks).
			Where(sql.ColumnsEQ(weeks.C(callingweek.FieldCustomerID), s.C(callingday.FieldCustomerID))))).OrderBy(cols...)
	}).Scan(ctx, &rows)
	if err != nil {
		return 0, fmt.Errorf("find customers without week rollups: %w", err)
	}
	byPartner := map[int][]int{}
	for _, r := range rows {
		byPartner[r.PartnerID] = append(byPartner[r.PartnerID], r.CustomerID)
	}
	for partnerID, ids := range byPartner {
		for chunk := range slices.Chunk(ids, 10*backfillChunk) {
			tx, err := c.Tx(ctx)
			if err != nil {
				return 0, err
			}
			if err := RefreshWeeks(ctx, tx, dialectName, partnerID, chunk, 0, LastDay); err != nil {
				return 0, errors.Join(err, tx.Rollback())
			}
			if err := tx.Commit(); err != nil {
				return 0, fmt.Errorf("commit the week rollups of %d customers: %w", len(chunk), err)
			}
		}
	}
	return len(rows), nil
}

// backfillChunkOf rolls up the legs of the customers ids in one transaction.
func backfillChunkOf(ctx context.Context, c *ent.Client, ids []int, t Thresholds) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	legs, err := tx.CallLeg.Query().Where(callleg.CustomerIDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("read the legs of %d customers: %w", len(ids), err)
	}
	if err := Record(ctx, tx, legs, t); err != nil {
		return fmt.Errorf("roll up the legs of %d customers: %w", len(ids), err)
	}
	return tx.Commit()
}

// AnalyzeWeeks gives PostgreSQL's planner the statistics of the week rollups when it has
// none: after BackfillWeeks filled them, or a bulk load, before autovacuum came by (or on a
// server without it). Without them it expects a handful of week rows and joins each of the
// many to its customer one at a time, which makes the trends several times slower. It
// reports whether it analysed; other databases need nothing.
func AnalyzeWeeks(ctx context.Context, db *stdsql.DB, name string) (bool, error) {
	if name != dialect.Postgres {
		return false, nil
	}
	var known bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = $1)",
		callingweek.Table).Scan(&known); err != nil {
		return false, fmt.Errorf("read the statistics of the week rollups: %w", err)
	}
	if known {
		return false, nil
	}
	if _, err := db.ExecContext(ctx, "ANALYZE "+callingweek.Table); err != nil {
		return false, fmt.Errorf("analyze the week rollups: %w", err)
	}
	return true, nil
}
