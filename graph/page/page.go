// Package page implements Relay cursor connections with keyset pagination: pages are
// found by comparing (sort key, ID) with the cursor in SQL, so they stay stable while rows
// are inserted or deleted, and nothing beyond one page (plus one row) is read.
package page

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// DefaultSize is the size of a page when neither first nor last is given; limit.PageSize
// is the largest.
const DefaultSize = 25

// Cursor is a position in an ordered list: the row's sort value (nil when NULL or when
// ordering by ID alone) and its ID.
type Cursor struct {
	ID    int     `json:"i"`
	Value *string `json:"v,omitempty"`
}

// MarshalGQL writes the cursor as an opaque string.
func (c Cursor) MarshalGQL(w io.Writer) {
	b, _ := json.Marshal(c)
	_, _ = io.WriteString(w, strconv.Quote(base64.RawURLEncoding.EncodeToString(b)))
}

// UnmarshalGQL reads a cursor written by MarshalGQL.
func (c *Cursor) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return gqlerr.Errorf(gqlerr.BadUserInput, "a cursor is a string: the cursor of an edge")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, c) != nil || c.ID <= 0 {
		return gqlerr.Errorf(gqlerr.BadUserInput, "malformed cursor %q", s)
	}
	return nil
}

// Args are a connection's paging arguments.
type Args struct {
	First, Last   *int
	After, Before *Cursor
}

// size returns the page size and whether paging runs backwards (last/before).
func (a Args) size() (int, bool, error) {
	if a.First != nil && a.Last != nil {
		return 0, false, gqlerr.Errorf(gqlerr.BadUserInput, "pass first or last, not both")
	}
	n, backwards := DefaultSize, false
	switch {
	case a.First != nil:
		n = *a.First
	case a.Last != nil:
		n, backwards = *a.Last, true
	case a.Before != nil && a.After == nil:
		backwards = true
	}
	if n < 1 || n > limit.PageSize {
		return 0, false, gqlerr.Errorf(gqlerr.BadUserInput, "first and last take 1 to %d, got %d", limit.PageSize, n)
	}
	return n, backwards, nil
}

// Edge is a node with its cursor.
type Edge[T any] struct {
	Node   T
	Cursor Cursor
}

// Info is a connection's paging information.
type Info struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *Cursor
	EndCursor       *Cursor
}

// Connection is one page of a list.
type Connection[T any] struct {
	Edges    []*Edge[T]
	PageInfo Info
	count    func(context.Context) (int, error)
}

// TotalCount counts every matching row, only when asked for.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// Source adapts one ent query to pagination.
type Source[T any] struct {
	Key Key
	// Fetch runs the query with m applied to its selector (filter, order, key column) and
	// at most limit rows.
	Fetch func(ctx context.Context, m func(*sql.Selector), limit int) ([]T, error)
	// Count counts the matching rows without paging.
	Count func(ctx context.Context) (int, error)
	// ID returns a row's ID; Value its selected KeyColumn.
	ID    func(T) int
	Value func(T) (any, error)
}

// Paginate returns the page of src that args ask for.
func Paginate[T any](ctx context.Context, src Source[T], args Args) (*Connection[T], error) {
	n, backwards, err := args.size()
	if err != nil {
		return nil, err
	}
	key := src.Key
	// Cursors are checked before the query is built: errors added to a selector reach
	// the caller as plain text, without their code.
	var conds []func(*sql.Selector) *sql.Predicate
	for _, b := range []struct {
		c     *Cursor
		after bool
	}{{args.After, true}, {args.Before, false}} {
		if b.c == nil {
			continue
		}
		v, err := key.arg(*b.c)
		if err != nil {
			return nil, err
		}
		c, after := *b.c, b.after
		conds = append(conds, func(s *sql.Selector) *sql.Predicate { return key.beyond(s, c, v, after) })
	}
	rows, err := src.Fetch(ctx, func(s *sql.Selector) {
		for _, c := range conds {
			s.Where(c(s))
		}
		key.order(s, backwards)
		if key.Expr != nil {
			s.AppendSelectExprAs(key.selected(s), KeyColumn)
		}
	}, n+1)
	if err != nil {
		return nil, err
	}
	more := len(rows) > n
	rows = rows[:min(len(rows), n)]
	if backwards {
		slices.Reverse(rows)
	}
	conn := &Connection[T]{Edges: make([]*Edge[T], len(rows)), count: src.Count}
	null, err := key.nullText()
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		c := Cursor{ID: src.ID(r)}
		if key.Expr != nil {
			v, err := src.Value(r)
			if err != nil {
				return nil, err
			}
			s, err := key.Format(v)
			if err != nil {
				return nil, fmt.Errorf("cursor of row %d: %w", c.ID, err)
			}
			if !key.Nullable || s != null {
				c.Value = &s
			}
		}
		conn.Edges[i] = &Edge[T]{Node: r, Cursor: c}
	}
	if len(rows) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(rows)-1].Cursor
	}
	if backwards {
		conn.PageInfo.HasPreviousPage, conn.PageInfo.HasNextPage = more, args.Before != nil
	} else {
		conn.PageInfo.HasNextPage, conn.PageInfo.HasPreviousPage = more, args.After != nil
	}
	return conn, nil
}

// Map returns the connection with every node converted by f.
func Map[T, U any](c *Connection[T], f func(T) U) *Connection[U] {
	out := &Connection[U]{Edges: make([]*Edge[U], len(c.Edges)), PageInfo: c.PageInfo, count: c.count}
	for i, e := range c.Edges {
		out.Edges[i] = &Edge[U]{Node: f(e.Node), Cursor: e.Cursor}
	}
	return out
}

// Backwards reports whether the page is read backwards (last/before), false for
// arguments Paginate refuses.
func (a Args) Backwards() bool {
	_, backwards, _ := a.size()
	return backwards
}
