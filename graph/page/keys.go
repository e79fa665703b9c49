package page

import (
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"
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
