// Package cond holds the SQL conditions that several query paths share and must write
// alike: the total negation of a condition, and case-insensitive text matching with the
// LIKE wildcards of the searched text taken literally.
package cond

import (
	"strings"

	"entgo.io/ent/dialect/sql"
)

// Not is the condition that p does not hold, NULL counting as not holding. SQL's NOT of a
// NULL comparison (a customer without a first end, a missing external ID) is NULL, which
// would leave the row out of both p and its negation; with "IS NOT TRUE" a condition and
// its negation always split the rows in two.
func Not(p *sql.Predicate) *sql.Predicate {
	return sql.P(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(p) }).WriteString(" IS NOT TRUE") })
}

// EscapeLike escapes the LIKE wildcards % and _ and the escape character \ of s, so that a
// pattern built from it with ESCAPE '\' matches s literally.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ContainsFold is the condition that any of the text columns contains text, regardless of
// case; % and _ in text match themselves. A NULL column contains nothing.
func ContainsFold(text string, columns ...string) *sql.Predicate {
	pattern := "%" + EscapeLike(strings.ToLower(text)) + "%"
	ps := make([]*sql.Predicate, len(columns))
	for i, col := range columns {
		ps[i] = sql.P(func(b *sql.Builder) {
			b.WriteString("LOWER(").Ident(col).WriteString(") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
		})
	}
	return sql.Or(ps...)
}

// Values returns vs as the arguments of an IN list.
func Values[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}
