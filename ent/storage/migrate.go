package storage

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// Migrate applies the migration files the database lacks (see MigrateSchema), brings rows
// written under older rules in line with today's, then computes the facts (package facts)
// of rows that have none yet: those from before the facts' columns existed (vacuuming the
// tables it wrote, on PostgreSQL).
func (db *DB) Migrate(ctx context.Context) (Report, error) {
	rep, err := db.MigrateSchema(ctx)
	if err != nil {
		return rep, fmt.Errorf("migrate schema: %w", err)
	}
	if err := db.stopRenewingTrials(ctx); err != nil {
		return rep, fmt.Errorf("migrate data: %w", err)
	}
	done, err := facts.Backfill(ctx, db.SQL, db.Dialect)
	if err != nil {
		return rep, fmt.Errorf("migrate data: %w", err)
	}
	return rep, db.vacuumFacts(ctx, done)
}

// vacuumFacts vacuums, on PostgreSQL, the tables whose facts a backfill wrote. The counts
// and pages over facts read indexes alone only where the table's pages are all-visible;
// until autovacuum comes by (or for ever, on a server without it) the rows a backfill
// rewrote would be read again from the table by every such scan.
func (db *DB) vacuumFacts(ctx context.Context, done facts.Backfilled) error {
	if db.Dialect != dialect.Postgres {
		return nil
	}
	for _, t := range []struct {
		table   string
		written int64
	}{{license.Table, done.Lines}, {customer.Table, done.Customers}} {
		if t.written == 0 {
			continue
		}
		if _, err := db.SQL.ExecContext(ctx, "VACUUM ANALYZE "+t.table); err != nil {
			return fmt.Errorf("vacuum %s after their facts were backfilled: %w", t.table, err)
		}
	}
	return nil
}

// stopRenewingTrials clears the auto-renewal of trials, which never renew (ingestion has
// refused it since), and refreshes their customers' facts: such a trial is ending.
func (db *DB) stopRenewingTrials(ctx context.Context) error {
	t := entsql.Table(subscription.Table)
	renewing := entsql.And(entsql.EQ(t.C(subscription.FieldKind), enum.KindTrial), entsql.EQ(t.C(subscription.FieldAutoRenew), true))
	query, args := entsql.Dialect(db.Dialect).Select(t.C(subscription.FieldCustomerID)).Distinct().From(t).Where(renewing).Query()
	rows, err := db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("find auto-renewing trials: %w", err)
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	query, args = entsql.Dialect(db.Dialect).Update(subscription.Table).
		Set(subscription.FieldAutoRenew, false).SetNull(subscription.FieldRenewalDate).Where(renewing).Query()
	if _, err := db.SQL.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("stop trials renewing: %w", err)
	}
	return facts.Refresh(ctx, db.SQL, db.Dialect, ids...)
}
