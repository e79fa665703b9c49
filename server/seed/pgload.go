package seed

import (
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// PostgreSQL maintains an index row by row far more slowly than it builds one from the
// finished table, and checks foreign keys row by row too. So, as pg_restore does, a table
// that the seed is about to fill (one holding fewer rows than the seed will add) loses its
// secondary indexes and foreign keys for the load and gets them back, rebuilt and
// validated, before commit. DDL is transactional: on failure the rollback restores them.
// The price is an exclusive lock on those tables (and the tables their foreign keys point
// to) until the seed commits.

// loadedDDL is what a table gave up for the load, to be put back.
type loadedDDL struct {
	table   string
	indexes []string // CREATE INDEX statements
	fks     []string // ALTER TABLE … ADD CONSTRAINT statements
}

// bulkLoad drops the secondary indexes and foreign keys of those tables that hold fewer
// rows than expected says the seed will write. Without the privileges to do so, it leaves
// every table as it is.
func (b *bulkTx) bulkLoad(expected map[string]int, tables []string) error {
	if b.dialect != dialect.Postgres {
		return nil
	}
	if _, err := b.tx.ExecContext(b.ctx, "SAVEPOINT seed_bulk_load"); err != nil {
		return err
	}
	var dropped []loadedDDL
	for _, t := range tables {
		ddl, err := b.dropForLoad(t, expected[t])
		if err != nil {
			// Most likely not the tables' owner: load the slow way.
			if _, rerr := b.tx.ExecContext(b.ctx, "ROLLBACK TO SAVEPOINT seed_bulk_load"); rerr != nil {
				return fmt.Errorf("%w (and undo: %v)", err, rerr)
			}
			return nil
		}
		if ddl != nil {
			dropped = append(dropped, *ddl)
		}
	}
	b.restore = dropped
	_, err := b.tx.ExecContext(b.ctx, "RELEASE SAVEPOINT seed_bulk_load")
	return err
}

func (b *bulkTx) dropForLoad(table string, expected int) (*loadedDDL, error) {
	var existing int
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %d) x`, pq.QuoteIdentifier(table), expected)
	if err := b.tx.QueryRowContext(b.ctx, q).Scan(&existing); err != nil {
		return nil, err
	}
	if existing >= expected {
		return nil, nil
	}
	ddl := &loadedDDL{table: table}
	names, err := b.pairs(`SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = $1::regclass AND NOT x.indisprimary
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname`, table, &ddl.indexes)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := b.tx.ExecContext(b.ctx, "DROP INDEX "+pq.QuoteIdentifier(name)); err != nil {
			return nil, err
		}
	}
	fks, err := b.pairs(`SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`, table, &ddl.fks)
	if err != nil {
		return nil, err
	}
	for i, name := range fks {
		alter := "ALTER TABLE " + pq.QuoteIdentifier(table) + " "
		if _, err := b.tx.ExecContext(b.ctx, alter+"DROP CONSTRAINT "+pq.QuoteIdentifier(name)); err != nil {
			return nil, err
		}
		ddl.fks[i] = alter + "ADD CONSTRAINT " + pq.QuoteIdentifier(name) + " " + ddl.fks[i]
	}
	return ddl, nil
}

// pairs runs a query for table returning (name, definition) rows; it appends the
// definitions to defs and returns the names.
func (b *bulkTx) pairs(query, table string, defs *[]string) ([]string, error) {
	rows, err := b.tx.QueryContext(b.ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		names = append(names, name)
		*defs = append(*defs, def)
	}
	return names, rows.Err()
}

// finishLoad rebuilds the indexes and re-adds the foreign keys bulkLoad dropped, and
// refreshes the planner's statistics of every table written, so that the first queries
// after a big seed get sensible plans.
func (b *bulkTx) finishLoad() error {
	if b.dialect != dialect.Postgres {
		return nil
	}
	if len(b.restore) > 0 {
		// Sorting for an index build is faster with more memory; this lasts until commit.
		if _, err := b.tx.ExecContext(b.ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
			return err
		}
	}
	for _, ddl := range b.restore {
		for _, stmt := range ddl.indexes {
			if _, err := b.tx.ExecContext(b.ctx, stmt); err != nil {
				return fmt.Errorf("rebuild index of %s: %w", ddl.table, err)
			}
		}
	}
	for _, ddl := range b.restore {
		for _, stmt := range ddl.fks {
			if _, err := b.tx.ExecContext(b.ctx, stmt); err != nil {
				return fmt.Errorf("restore foreign key of %s: %w", ddl.table, err)
			}
		}
	}
	for _, t := range sortedKeys(b.counts) {
		if b.counts[t] == 0 {
			continue
		}
		if _, err := b.tx.ExecContext(b.ctx, "ANALYZE "+pq.QuoteIdentifier(t)); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}

// vacuum marks, after commit, the pages of the tables that the headline KPIs, the
// directory and the calling trends read from their indexes alone as all-visible, as
// autovacuum would later: until then every index-only scan of freshly loaded rows reads
// the table too. It also gives the planner the statistics of the week rollups, which the
// seed sets after finishLoad analysed the loaded tables: without them it expects a handful
// of week rows and joins each of the many to its customer one at a time.
func (b *bulkTx) vacuum() error {
	if b.dialect != dialect.Postgres || len(b.restore) == 0 {
		return nil
	}
	tables := []string{customer.Table, customer.TagsTable, subscription.Table, license.Table}
	for i, t := range tables {
		tables[i] = pq.QuoteIdentifier(t)
	}
	if _, err := b.conn.ExecContext(b.ctx, "VACUUM "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	if _, err := b.conn.ExecContext(b.ctx, "VACUUM ANALYZE "+pq.QuoteIdentifier(callingweek.Table)); err != nil {
		return fmt.Errorf("vacuum the week rollups: %w", err)
	}
	return nil
}
