package seed

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// insertVars bounds the parameters of one INSERT, far below SQLite's limit (32 766): the
// driver's time to bind a statement's parameters grows faster than their number, so that
// small statements write the same rows several times faster.
const insertVars = 500

// insertWriter buffers rows and writes them as multi-row INSERTs.
type insertWriter struct {
	ctx       context.Context
	tx        *sql.Tx
	table     string
	cols      []string
	batchRows int
	full      *sql.Stmt // prepared on first use for a full batch
	args      []any
	rows      int
}

func newInsertWriter(ctx context.Context, tx *sql.Tx, table string, cols []string) *insertWriter {
	batch := max(1, min(1000, insertVars/len(cols)))
	return &insertWriter{
		ctx: ctx, tx: tx, table: table, cols: cols, batchRows: batch,
		args: make([]any, 0, batch*len(cols)),
	}
}

func (w *insertWriter) Row(values ...any) error {
	if len(values) != len(w.cols) {
		return fmt.Errorf("%d values for %d columns", len(values), len(w.cols))
	}
	normalize(values, true)
	w.args = append(w.args, values...)
	w.rows++
	if len(w.args) < w.batchRows*len(w.cols) {
		return nil
	}
	if w.full == nil {
		stmt, err := w.tx.PrepareContext(w.ctx, insertSQL(w.table, w.cols, w.batchRows))
		if err != nil {
			return err
		}
		w.full = stmt
	}
	_, err := w.full.ExecContext(w.ctx, w.args...)
	w.args = w.args[:0]
	return err
}

func (w *insertWriter) Close() error {
	var err error
	if n := len(w.args) / len(w.cols); n > 0 {
		_, err = w.tx.ExecContext(w.ctx, insertSQL(w.table, w.cols, n), w.args...)
		w.args = w.args[:0]
	}
	if w.full != nil {
		if cerr := w.full.Close(); err == nil {
			err = cerr
		}
		w.full = nil
	}
	return err
}

func (w *insertWriter) written() int { return w.rows }

// insertSQL returns an INSERT of n rows of cols into table.
func insertSQL(table string, cols []string, n int) string {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var b strings.Builder
	b.Grow(len(row) * n * 2)
	fmt.Fprintf(&b, `INSERT INTO "%s" (%s) VALUES `, table, strings.Join(quoted, ", "))
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// normalize turns values into the types both drivers take without reflection.
func normalize(values []any, jsonAsBytes bool) {
	for i, v := range values {
		switch x := v.(type) {
		case int:
			values[i] = int64(x)
		case time.Time:
			values[i] = x.UTC()
		case jsonText:
			if jsonAsBytes {
				values[i] = []byte(x)
			} else {
				values[i] = string(x)
			}
		}
	}
}
