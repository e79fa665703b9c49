package render

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"maps"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// Root writes the result of a list field of objects of o ([]*E, as its resolver returned
// it) in one pass, in the context of that field, or tells why gqlgen must write it.
// elemNonNull is the schema's for the list's elements.
func Root[E any](o *Object[*E], elemNonNull bool) RootFunc {
	return func(ctx context.Context, res any) (graphql.Marshaler, *Fallback) {
		list, ok := res.([]*E)
		if !ok {
			return nil, &Fallback{o.Type, "result type"}
		}
		fields, fallback := o.prepare(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections)
		if fallback != nil {
			Fallbacks.add(*fallback)
			return nil, fallback
		}
		var b bytes.Buffer
		if writeList(ctx, o, list, fields, elemNonNull, &b, &run{ctx: ctx}) != nil {
			return graphql.Null, nil // nulled by an error already recorded, as gqlgen would
		}
		return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b.Bytes()) }), nil
	}
}

// run is one writing of a list: where the writer is, so that an error is recorded at the
// path gqlgen would record it at.
type run struct {
	ctx  context.Context // the list field's: its field context is the root of every path
	path []step
}

// step is one step of a path: a field of an object, or (field nil) an index in a list.
type step struct {
	field  *graphql.CollectedField
	object string
	index  int
}

// fail records err at the current path as gqlgen's executor does: a resolver's error with
// the field's location, a null the schema does not allow without.
func (r *run) fail(err error) {
	// WithFieldContext makes the context's field its new field's parent.
	ctx := r.ctx
	for _, s := range r.path {
		if s.field == nil {
			i := s.index
			ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		} else {
			ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: s.object, Field: *s.field})
		}
	}
	if err == errNullElement {
		graphql.AddErrorf(ctx, "%s", errNullElement.Error())
		return
	}
	graphql.GetOperationContext(ctx).Error(ctx, graphql.AddFieldLocationToError(ctx, err))
}

// writeList writes list with fields; it returns errNull when the list became null: an
// element is null (or was nulled) where the schema does not allow it. Like gqlgen, it
// writes every element first, so that each one's errors are recorded.
func writeList[E any](ctx context.Context, o *Object[*E], list []*E, fields []selected[*E], elemNonNull bool, b *bytes.Buffer, r *run) error {
	invalid := false
	b.WriteByte('[')
	for i, v := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		r.path = append(r.path, step{index: i})
		mark := b.Len()
		err := errNull
		if v != nil {
			err = o.writeObject(ctx, v, fields, b, r)
		} else if elemNonNull {
			r.fail(errNullElement)
		}
		if err != nil {
			b.Truncate(mark)
			b.WriteString("null")
			invalid = invalid || elemNonNull
		}
		r.path = r.path[:len(r.path)-1]
	}
	b.WriteByte(']')
	if invalid {
		return errNull
	}
	return nil
}

// writeObject writes v's selected fields; it returns errNull when v became null: one of
// its non-null fields is null or failed. Like gqlgen, it writes every field first.
func (o *Object[T]) writeObject(ctx context.Context, v T, fields []selected[T], b *bytes.Buffer, r *run) error {
	invalid := false
	b.WriteByte('{')
	for i := range fields {
		f := &fields[i]
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(f.key)
		if f.write == nil {
			graphql.MarshalString(o.Type).MarshalGQL(b)
			continue
		}
		r.path = append(r.path, step{field: &f.field, object: o.Type})
		mark := b.Len()
		if err := f.write(ctx, v, f.plan, b, r); err != nil {
			if err != errNull && (err != errNullElement || f.nonNull) {
				r.fail(err)
			}
			b.Truncate(mark)
			b.WriteString("null")
			invalid = invalid || f.nonNull
		}
		r.path = r.path[:len(r.path)-1]
	}
	b.WriteByte('}')
	if invalid {
		return errNull
	}
	return nil
}

// Fallbacks counts the lists left to gqlgen, by the type and reason of the field that
// could not be written.
var Fallbacks fallbackCounter

type fallbackCounter struct {
	mu sync.Mutex
	n  map[Fallback]int64
}

func (c *fallbackCounter) add(f Fallback) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[Fallback]int64{}
	}
	c.n[f]++
}

// Each calls fn with every fallback counted so far, by type then reason.
func (c *fallbackCounter) Each(fn func(f Fallback, n int64)) {
	c.mu.Lock()
	counts := maps.Clone(c.n)
	c.mu.Unlock()
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b Fallback) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Reason, b.Reason))
	})
	for _, k := range keys {
		fn(k, counts[k])
	}
}

// Key names a field of an object type.
type Key struct{ Object, Field string }

// RootFunc writes a list field's result in the context of that field, or tells why gqlgen
// must write it (see Root).
type RootFunc = func(ctx context.Context, res any) (graphql.Marshaler, *Fallback)

// Table is what an Object tells of itself, whatever its Go type.
type Table interface {
	// TypeName is the GraphQL type's name.
	TypeName() string
	// Writes tells whether the field is in the tables (known) and, if so, why it is left
	// to gqlgen ("" when it is written here).
	Writes(field string) (known bool, fallback string)
}

// TypeName is o's GraphQL type.
func (o *Object[T]) TypeName() string { return o.Type }

// Writes tells whether field is in o's tables and why it is left to gqlgen, if it is.
func (o *Object[T]) Writes(field string) (known bool, fallback string) {
	f, known := o.Fields[field]
	return known, f.fallback
}
