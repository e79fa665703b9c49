// Package scalar implements the DateTime, Date and Scope scalars of the schema. A value
// that does not read is the client's error, BAD_USER_INPUT.
package scalar

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// DateLayout is the wire format of Date.
const DateLayout = "2006-01-02"

// MarshalDateTime writes t as RFC 3339 in UTC.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an RFC 3339 instant.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, gqlerr.Errorf(gqlerr.BadUserInput, "DateTime must be an RFC 3339 string, not %s", kind(v))
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, gqlerr.Errorf(gqlerr.BadUserInput, "DateTime %q is not RFC 3339 (e.g. 2026-01-31T09:00:00Z)", clip(s))
	}
	return t.UTC(), nil
}

// MarshalDate writes t's UTC calendar date.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads a YYYY-MM-DD date as midnight UTC.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, gqlerr.Errorf(gqlerr.BadUserInput, "Date must be a YYYY-MM-DD string, not %s", kind(v))
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, gqlerr.Errorf(gqlerr.BadUserInput, "Date %q is not YYYY-MM-DD (a date without a time)", clip(s))
	}
	return t, nil
}

// MarshalScope writes a scope.
func MarshalScope(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalScope reads one of the scopes.
func UnmarshalScope(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "a Scope is a string, one of %s; not %s", strings.Join(viewer.Scopes, ", "), kind(v))
	}
	if !slices.Contains(viewer.Scopes, s) {
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "unknown scope %q; expected one of %s", clip(s), strings.Join(viewer.Scopes, ", "))
	}
	return s, nil
}

// kind names the JSON kind of a value that is not the string a scalar reads.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	}
	return "a number"
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
