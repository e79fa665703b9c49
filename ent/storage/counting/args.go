package counting

import (
	"context"
	"time"

	"entgo.io/ent/dialect"
)

// readier returns what readies a dialect's arguments before they are sent.
//
// SQLite keeps times as text and compares them as text, so a time written with another
// zone's offset (a server outside UTC, or across a daylight-saving change) would compare
// wrongly with the others: every time goes in UTC.
func readier(name string) func([]any) []any {
	if name == dialect.SQLite {
		return func(args []any) []any { return replaced(args, inUTC) }
	}
	return func(args []any) []any { return args }
}

// inUTC is a time in UTC (which also drops the monotonic reading).
func inUTC(a any) (any, bool) {
	t, ok := a.(time.Time)
	return t.UTC(), ok
}

// replaced returns args with every argument that with replaces replaced: a copy, made at
// the first, so that the caller's slice stays as it was.
func replaced(args []any, with func(any) (any, bool)) []any {
	var out []any
	for i, a := range args {
		if r, ok := with(a); ok {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = r
		}
	}
	if out == nil {
		return args
	}
	return out
}

// readyArgs counts a statement and readies its arguments.
func readyArgs(ctx context.Context, ready func([]any) []any, args any) any {
	count(ctx)
	if list, ok := args.([]any); ok {
		return ready(list)
	}
	return args
}
