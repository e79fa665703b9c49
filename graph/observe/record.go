// Package observe records what each HTTP request and each websocket operation did — its
// operation, error codes, viewer, size and duration — and turns that into one access-log
// line and the metrics an operator reads. A Record travels in the request's context, so
// every layer that learns something (the authentication, the GraphQL executor, the error
// presenter, the ingestion) adds it where it learns it, and the line is written once.
package observe

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Record is what is known about one request or websocket operation.
type Record struct {
	mu        sync.Mutex
	requestID string
	operation string
	opType    string
	codes     []string
	viewer    *viewer.Viewer
	ingested  map[string]int
}

type recordKey struct{}

// NewContext returns ctx carrying rec.
func NewContext(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// FromContext returns the Record in ctx; without one it returns a Record nobody reads,
// so callers never check.
func FromContext(ctx context.Context) *Record {
	if rec, ok := ctx.Value(recordKey{}).(*Record); ok {
		return rec
	}
	return &Record{}
}

// SetOperation records the GraphQL operation's name and type (query, mutation, subscription).
func (r *Record) SetOperation(name, opType string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.operation, r.opType = name, opType
}

// SetViewer records who made the request.
func (r *Record) SetViewer(v *viewer.Viewer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.viewer = v
}

// AddCode records an error code sent to the client.
func (r *Record) AddCode(code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.codes, code) {
		r.codes = append(r.codes, code)
	}
}

// AddIngested records n rows stored by the ingestion action (upsertCustomers, …).
func (r *Record) AddIngested(action string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ingested == nil {
		r.ingested = map[string]int{}
	}
	r.ingested[action] += n
}

// snapshot is a Record's fields, read once under its lock.
type snapshot struct {
	requestID, operation, opType string
	codes                        []string
	viewer                       *viewer.Viewer
	ingested                     map[string]int
}

func (r *Record) snapshot() snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return snapshot{r.requestID, r.operation, r.opType, slices.Clone(r.codes), r.viewer, maps.Clone(r.ingested)}
}

// Codes joins the recorded error codes for a log line.
func (s snapshot) Codes() string { return strings.Join(s.codes, ",") }

// RecordCodes wraps an error presenter so that every code it gives reaches the Record of
// the request or operation.
func RecordCodes(present graphql.ErrorPresenterFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := present(ctx, err)
		if code, ok := out.Extensions["code"].(string); ok {
			FromContext(ctx).AddCode(code)
		}
		return out
	}
}
