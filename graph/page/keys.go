package page

import (
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// Column returns the expression of a column of the selector's table.
func Column(name string) func(*sql.Selector) string {
	return func(s *sql.Selector) string { return s.C(name) }
}

// StringKey orders by a text expression.
func StringKey(expr func(*sql.Selector) string, desc bool) Key {
	return Key{Expr: expr, Desc: desc, Arg: func(s string) (any, error) { return s, nil }, Format: formatString}
}

// nullTime stands in for a NULL time key: no customer was added or active in year 1.
var nullTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// TimeKey orders by a time expression, NULLs last when nullable.
func TimeKey(expr func(*sql.Selector) string, nullable, desc bool) Key {
	return Key{
		Expr: expr, Nullable: nullable, Desc: desc, NullValue: nullTime,
		Arg: func(s string) (any, error) { return time.Parse(time.RFC3339Nano, s) },
		Format: func(v any) (string, error) {
			t, err := ToTime(v)
			return t.UTC().Format(time.RFC3339Nano), err
		},
	}
}

// IntKey orders by an integer expression.
func IntKey(expr func(*sql.Selector) string, desc bool) Key {
	return Key{Expr: expr, Desc: desc,
		Arg: func(s string) (any, error) {
			var n int64
			_, err := fmt.Sscan(s, &n)
			return n, err
		},
		Format: func(v any) (string, error) { return fmt.Sprint(v), nil },
	}
}

// IDKey orders by ID alone.
func IDKey(desc bool) Key { return Key{Desc: desc} }

func formatString(v any) (string, error) {
	switch s := v.(type) {
	case string:
		return s, nil
	case []byte:
		return string(s), nil
	}
	return "", fmt.Errorf("sort value %T is not a string", v)
}

// sqliteLayouts are the forms an SQLite expression (not a typed column) returns times in;
// the first is how modernc's driver writes them by default (time.Time.String, whose
// monotonic clock reading " m=…" ToTime drops).
var sqliteLayouts = []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

// ToTime reads a time scanned from either database.
func ToTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case []byte:
		return ToTime(string(t))
	case string:
		t, _, _ = strings.Cut(t, " m=")
		for _, layout := range sqliteLayouts {
			if parsed, err := time.Parse(layout, t); err == nil {
				return parsed, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%v (%T) is not a time", v, v)
}

// Key is what a list is ordered by, before the ID that breaks ties.
type Key struct {
	// Expr is the SQL expression of the sort value over the row of s; nil orders by ID alone.
	Expr func(s *sql.Selector) string
	// Nullable keys order NULLs last in both directions.
	Nullable bool
	// NullValue stands in for NULL in the selected sort value of a nullable key, because
	// a driver cannot tell the type of a NULL expression (modernc's SQLite reports none,
	// and ent's scan then panics). It must never be a real sort value.
	NullValue any
	Desc      bool
	// Arg turns a cursor's value back into an SQL argument; Format turns a scanned sort
	// value into a cursor's value.
	Arg    func(string) (any, error)
	Format func(any) (string, error)
}

// KeyColumn is the alias the sort value is selected as.
const KeyColumn = "page_key"

// selected is the sort value selected as KeyColumn: NullValue where the key is NULL.
func (k Key) selected(s *sql.Selector) sql.Querier {
	e := k.Expr(s)
	if !k.Nullable {
		return sql.Expr(e)
	}
	return sql.ExprFunc(func(b *sql.Builder) { b.WriteString("COALESCE((" + e + "), ").Arg(k.NullValue).WriteString(")") })
}

// nullText is how the selected NullValue of a nullable key reads once formatted.
func (k Key) nullText() (string, error) {
	if !k.Nullable {
		return "", nil
	}
	return k.Format(k.NullValue)
}

// order sorts s by the key (NULLs last), then ID; reversed when paging backwards.
func (k Key) order(s *sql.Selector, backwards bool) {
	dir := func(desc bool) string {
		if desc != backwards {
			return " DESC"
		}
		return " ASC"
	}
	if k.Expr != nil {
		e := k.Expr(s)
		if k.Nullable {
			s.OrderExpr(sql.Expr("(" + e + ") IS NULL" + dir(false)))
		}
		s.OrderExpr(sql.Expr(e + dir(k.Desc)))
	}
	s.OrderExpr(sql.Expr(s.C("id") + dir(k.Desc)))
}

// arg returns the SQL argument of c's sort value (nil when NULL or ordering by ID), or a
// BAD_USER_INPUT error when c does not belong to this ordering.
func (k Key) arg(c Cursor) (any, error) {
	switch {
	case k.Expr == nil:
		return nil, nil
	case c.Value == nil && !k.Nullable:
		return nil, errForeignCursor
	case c.Value == nil:
		return nil, nil
	}
	v, err := k.Arg(*c.Value)
	if err != nil {
		return nil, errForeignCursor
	}
	return v, nil
}

var errForeignCursor = gqlerr.Errorf(gqlerr.BadUserInput, "the cursor does not belong to this ordering")

// beyond is the condition that a row comes after c (after=true) or before c in the
// forward order: (NULLs last, key in its direction, ID in the key's direction); v is the
// cursor's sort value as returned by arg.
func (k Key) beyond(s *sql.Selector, c Cursor, v any, after bool) *sql.Predicate {
	id := s.C("id")
	idCmp := func(v any) *sql.Predicate {
		if k.Desc == after {
			return sql.LT(id, v)
		}
		return sql.GT(id, v)
	}
	if k.Expr == nil {
		return idCmp(c.ID)
	}
	e := k.Expr(s)
	isNull := sql.P(func(b *sql.Builder) { b.WriteString("(" + e + ") IS NULL") })
	notNull := sql.P(func(b *sql.Builder) { b.WriteString("(" + e + ") IS NOT NULL") })
	if v == nil {
		if after {
			return sql.And(isNull, idCmp(c.ID))
		}
		return sql.Or(notNull, sql.And(isNull, idCmp(c.ID)))
	}
	cmp := func(op string) *sql.Predicate {
		return sql.P(func(b *sql.Builder) { b.WriteString("(" + e + ") " + op + " ").Arg(v) })
	}
	strictly := ">"
	if k.Desc == after {
		strictly = "<"
	}
	p := sql.Or(cmp(strictly), sql.And(cmp("="), idCmp(c.ID)))
	if !k.Nullable {
		return p
	}
	if after {
		return sql.Or(isNull, sql.And(notNull, p))
	}
	return sql.And(notNull, p)
}
