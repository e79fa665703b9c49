package seed

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// copyData is the method of lib/pq's COPY statement that takes a row already encoded in
// COPY's text format.
type copyData interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// copyWriter streams rows into one PostgreSQL COPY … FROM STDIN. It encodes the rows
// itself: passing every row through database/sql would cost more than generating it.
type copyWriter struct {
	ctx  context.Context
	stmt driver.Stmt
	data copyData
	line []byte
	rows int
}

// openCopy starts a COPY into table on dc, a lib/pq connection inside a transaction.
func openCopy(ctx context.Context, dc any, table string, cols []string) (*copyWriter, error) {
	conn, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, fmt.Errorf("driver connection %T cannot prepare", dc)
	}
	stmt, err := conn.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return nil, err
	}
	data, ok := stmt.(copyData)
	if !ok {
		stmt.Close()
		return nil, errors.New("lib/pq's COPY statement takes no encoded rows")
	}
	return &copyWriter{ctx: ctx, stmt: stmt, data: data}, nil
}

func (w *copyWriter) Row(values ...any) error {
	if w.rows%4096 == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	line := w.line[:0]
	for i, v := range values {
		if i > 0 {
			line = append(line, '\t')
		}
		var err error
		if line, err = appendCopyText(line, v); err != nil {
			return err
		}
	}
	w.line = line
	// No cancellable context here: pq would start a goroutine per row to watch it.
	if _, err := w.data.CopyData(context.Background(), string(line)); err != nil {
		return err
	}
	w.rows++
	return nil
}

func (w *copyWriter) Close() error {
	if w.stmt == nil {
		return nil
	}
	// Executing with no values ends the COPY and reports any error of the rows sent.
	_, err := w.stmt.Exec(nil) //nolint:staticcheck // pq's COPY has no ExecContext
	if cerr := w.stmt.Close(); err == nil {
		err = cerr
	}
	w.stmt = nil
	return err
}

func (w *copyWriter) written() int { return w.rows }

// appendCopyText appends v in COPY's text format.
func appendCopyText(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, `\N`...), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return strconv.AppendFloat(b, x, 'f', -1, 64), nil
	case bool:
		if x {
			return append(b, 't'), nil
		}
		return append(b, 'f'), nil
	case string:
		return appendEscaped(b, x), nil
	case jsonText:
		return appendEscaped(b, string(x)), nil
	case time.Time:
		return appendTimestamp(b, x), nil
	}
	return b, fmt.Errorf("cannot COPY a %T", v)
}

// appendEscaped appends s with COPY's escapes for backslash and line and field breaks.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendTimestamp appends t in UTC as "2006-01-02 15:04:05.999999+00", much faster than
// time.Format.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, int(mo), 2)
	b = append(b, '-')
	b = appendPadded(b, d, 2)
	b = append(b, ' ')
	b = appendPadded(b, h, 2)
	b = append(b, ':')
	b = appendPadded(b, mi, 2)
	b = append(b, ':')
	b = appendPadded(b, s, 2)
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		b = appendPadded(b, us, 6)
	}
	return append(b, "+00"...)
}

// appendPadded appends the non-negative n zero-padded to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for n > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[i:]...)
}
