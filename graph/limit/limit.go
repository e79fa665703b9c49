// Package limit sets every fixed limit a request meets, in one place: what one operation
// may ask for, the largest inputs, pages, trends and report ranges, and the live
// subscriptions of a connection. The limits an operator may change (complexity, depth,
// parser tokens, root fields, aliases, the deadline, body size, subscriptions per process)
// start from the defaults here and are set by the server's configuration.
package limit

import (
	"time"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// Defaults of the configurable limits of an operation.
const (
	// Complexity is the largest query complexity; list fields multiply by first/last.
	Complexity = 20000
	// Depth is the deepest selection, introspection excluded.
	Depth = 12
	// ParserTokens is the most tokens the parser reads.
	ParserTokens = 15000
	// RootFields and Aliases are the most root fields and aliased fields an operation
	// selects; IntrospectionDepth the deepest an introspection selection nests.
	RootFields, Aliases, IntrospectionDepth = 50, 50, 20
	// OperationTimeout is the deadline of an operation.
	OperationTimeout = 10 * time.Second
)

// HeavyComplexity is the complexity from which an operation is heavy: a searched page, or
// five analytics sections. Heavy operations queue apart from the others.
const HeavyComplexity = 10000

// The largest list and string any argument may carry, at any depth of its input objects.
// Bigger ones are refused before anything runs: unbounded, they reach the database as
// statements too large for it (SQLite refuses 40 000 bound values, a 900 KB LIKE pattern,
// a 100 000-term expression; PostgreSQL works seconds on one before an error).
const (
	ListItems   = CallLegs // the largest batch a mutation takes: ingestCallLegs
	StringChars = 10000
)

// PageSize is the most rows a page of any connection holds (first or last).
const PageSize = 100

// IngestItems bounds the items of one ingestion mutation; CallLegs, larger, the legs of
// ingestCallLegs.
const (
	IngestItems = 1000
	CallLegs    = 5000
)

// LineBytes bounds a line of a streamed ingest: a call leg takes a few hundred bytes, a
// Webex call record a few kilobytes. A longer line is skipped with its own error, without
// being held in memory.
const LineBytes = 64 << 10

// TrendWeeks bounds the weeks of an analytics trend.
const TrendWeeks = 52

// Weeks is BAD_USER_INPUT unless a trend's weeks lie within 1 and TrendWeeks.
func Weeks(weeks int) error {
	if weeks < 1 || weeks > TrendWeeks {
		return gqlerr.Errorf(gqlerr.BadUserInput, "weeks takes 1 to %d, got %d", TrendWeeks, weeks)
	}
	return nil
}

// ReportDays bounds the days a calling usage report covers.
const ReportDays = 366

// SubscriptionsPerConnection bounds the live subscriptions of one websocket connection.
const SubscriptionsPerConnection = 20
