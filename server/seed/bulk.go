package seed

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
)

// tableWriter writes the rows of one table in bulk; values follow the column order it
// was opened with.
type tableWriter interface {
	Row(values ...any) error
	Close() error
}

// jsonText is a JSON column's value. Like ent, the SQLite writer stores it as bytes; the
// COPY writer sends it as text, since COPY would encode bytes as bytea.
type jsonText string

// bulkTx writes a whole seed in one transaction: COPY on PostgreSQL, multi-row INSERTs
// on SQLite. Rows written are counted per table.
type bulkTx struct {
	ctx     context.Context
	conn    *sql.Conn // the connection tx runs on
	tx      *sql.Tx
	dialect string
	counts  map[string]int
	restore []loadedDDL // what bulkLoad took off tables, for finishLoad
}

// write opens a writer for table, lets fill write rows to it, and closes it.
func (b *bulkTx) write(table string, cols []string, fill func(w tableWriter) error) error {
	if b.dialect != dialect.Postgres {
		return b.fill(table, newInsertWriter(b.ctx, b.tx, table, cols), fill)
	}
	// COPY goes to the driver connection directly (the transaction's own connection).
	return b.conn.Raw(func(dc any) error {
		w, err := openCopy(b.ctx, dc, table, cols)
		if err != nil {
			return fmt.Errorf("start COPY into %s: %w", table, err)
		}
		return b.fill(table, w, fill)
	})
}

// countingWriter is a tableWriter that knows how many rows it wrote.
type countingWriter interface {
	tableWriter
	written() int
}

func (b *bulkTx) fill(table string, w countingWriter, fill func(w tableWriter) error) error {
	if err := fill(w); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w", table, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write %s: %w", table, err)
	}
	b.counts[table] += w.written()
	return nil
}

// idSeq hands out the primary keys of one table, so that foreign keys can be filled in
// without reading rows back.
type idSeq struct {
	table string
	next  int
}

func (s *idSeq) take() int {
	id := s.next
	s.next++
	return id
}

// startIDs sets every sequence to follow the highest ID the table has handed out, so no
// ID is reused. On PostgreSQL the tables are first locked against concurrent writers.
func (b *bulkTx) startIDs(seqs []*idSeq) error {
	if b.dialect == dialect.Postgres && os.Getenv("SEED_REPLICA") != "" {
		if _, err := b.tx.ExecContext(b.ctx, "SET LOCAL session_replication_role = replica"); err != nil {
			return err
		}
	}
	if b.dialect == dialect.Postgres {
		names := make([]string, len(seqs))
		for i, s := range seqs {
			names[i] = `"` + s.table + `"`
		}
		// SHARE ROW EXCLUSIVE keeps writers out until commit and lets readers in.
		if _, err := b.tx.ExecContext(b.ctx, "LOCK TABLE "+strings.Join(names, ", ")+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return fmt.Errorf("lock tables: %w", err)
		}
	}
	for _, s := range seqs {
		// AUTOINCREMENT keeps SQLite's highest ID ever used in sqlite_sequence.
		q := fmt.Sprintf(`SELECT max(COALESCE(MAX(id), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '%[1]s'), 0)) FROM "%[1]s"`, s.table)
		if b.dialect == dialect.Postgres {
			q = fmt.Sprintf(`SELECT GREATEST(COALESCE(MAX(id), 0), COALESCE(pg_sequence_last_value(pg_get_serial_sequence('%[1]s', 'id')::regclass), 0)) FROM "%[1]s"`, s.table)
		}
		var last int
		if err := b.tx.QueryRowContext(b.ctx, q).Scan(&last); err != nil {
			return fmt.Errorf("read highest ID of %s: %w", s.table, err)
		}
		s.next = last + 1
	}
	return nil
}

// finishIDs moves PostgreSQL's identity sequences past the IDs the seed assigned itself.
// SQLite needs nothing: inserting an ID raises its AUTOINCREMENT counter.
func (b *bulkTx) finishIDs(seqs []*idSeq) error {
	if b.dialect != dialect.Postgres {
		return nil
	}
	for _, s := range seqs {
		if b.counts[s.table] == 0 {
			continue
		}
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT MAX(id) FROM "%[1]s"))`, s.table)
		if _, err := b.tx.ExecContext(b.ctx, q); err != nil {
			return fmt.Errorf("reset ID sequence of %s: %w", s.table, err)
		}
	}
	return nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
