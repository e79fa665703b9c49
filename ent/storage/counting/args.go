package counting

import (
	"context"
	"encoding/json"
	"time"

	"entgo.io/ent/dialect"
)

// readier returns what readies a dialect's arguments before they are sent.
//
// SQLite keeps times as text and compares them as text, so a time written with another
// zone's offset (a server outside UTC, or across a daylight-saving change) would compare
// wrongly with the others: every time goes in UTC.
//
// PostgreSQL sessions send parameters in binary (storage opens them with lib/pq's
// binary_parameters), so that a statement with arguments is one round trip and one
// transaction, not a Parse that learns the parameters' types and then an Execute, each
// with its own transaction. lib/pq sends []byte in binary and everything else as text,
// and the binary form of jsonb is not its text: ent's JSON values (json.RawMessage) go as
// text, while bytea's []byte stays binary, which is its raw bytes.
func readier(name string) func([]any) []any {
	switch name {
	case dialect.SQLite:
		return func(args []any) []any { return replaced(args, inUTC) }
	case dialect.Postgres:
		return func(args []any) []any { return replaced(args, jsonAsText) }
	}
	return func(args []any) []any { return args }
}

// inUTC is a time in UTC (which also drops the monotonic reading).
func inUTC(a any) (any, bool) {
	t, ok := a.(time.Time)
	return t.UTC(), ok
}

// jsonAsText is a JSON value as text.
func jsonAsText(a any) (any, bool) {
	j, ok := a.(json.RawMessage)
	return string(j), ok
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
