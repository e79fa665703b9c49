package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// Stage fills staging, a temporary table of the session shaped as cols of table (created
// at its first use, emptied at each commit), with rows through PostgreSQL's COPY in tx:
// a bulk write then moves them on with one INSERT … SELECT, instead of binding a parameter
// per value in many statements. rows calls put once per row, with a value per column.
func Stage(ctx context.Context, tx *SQLTx, staging, table string, cols []string, rows func(put func(...any) error) error) error {
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TEMPORARY TABLE IF NOT EXISTS %s ON COMMIT DELETE ROWS AS SELECT %s FROM %s WITH NO DATA`,
		staging, strings.Join(cols, ", "), table)); err != nil {
		return fmt.Errorf("create %s: %w", staging, err)
	}
	if _, err := tx.ExecContext(ctx, "TRUNCATE "+staging); err != nil {
		return fmt.Errorf("empty %s: %w", staging, err)
	}
	return Copy(ctx, tx, staging, cols, rows)
}

// Copy writes rows into cols of table through PostgreSQL's COPY in tx, one statement
// whatever their number: rows calls put once per row, with a value per column.
func Copy(ctx context.Context, tx *SQLTx, table string, cols []string, rows func(put func(...any) error) error) (err error) {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return fmt.Errorf("start COPY into %s: %w", table, err)
	}
	defer func() { err = errors.Join(err, stmt.Close()) }()
	err = rows(func(values ...any) error {
		// No context per row: lib/pq would start a goroutine to watch each one.
		_, err := stmt.Exec(values...) //nolint:noctx // see above
		return err
	})
	if err != nil {
		return fmt.Errorf("COPY into %s: %w", table, err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("finish COPY into %s: %w", table, err)
	}
	return nil
}
