// Package render writes lists of plain objects to JSON in one pass, where gqlgen's
// executor would spend a goroutine on every list element and a field context, a
// middleware call and a handful of allocations on every field. A plain object is one whose
// selected fields are read off its Go value or computed by a resolver from data the
// operation's loaders already hold, without arguments; the directory page is well over a
// thousand such fields. Whatever a selection asks beyond what an Object lists (a field
// with arguments, say) leaves that list to gqlgen.
package render

import (
	"bytes"
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Object tells how to write the GraphQL object type Type from Go values of T.
type Object[T any] struct {
	// Type is the GraphQL type's name, Implements the interfaces it implements: fragments
	// on any of them apply.
	Type       string
	Implements []string
	// Fields writes each field this package may write, by GraphQL name.
	Fields map[string]Field[T]
}

// Field writes one field of a T.
type Field[T any] struct {
	// write writes the field of v; plan is what prepare made of the field's selection.
	write func(ctx context.Context, v T, plan any, b *bytes.Buffer) error
	// prepare makes the field's own selection ready to write, or reports that it cannot be
	// written here (nil for a scalar, which has none).
	prepare func(oc *graphql.OperationContext, sel ast.SelectionSet) (plan any, ok bool)
}

// Value is a scalar field read by get and written by marshal, the very function gqlgen's
// generated code uses for the field's type.
func Value[T, V any](get func(T) V, marshal func(V) graphql.Marshaler) Field[T] {
	return Field[T]{write: func(_ context.Context, v T, _ any, b *bytes.Buffer) error {
		marshal(get(v)).MarshalGQL(b)
		return nil
	}}
}

// Nullable is a scalar field that may be null: get returns nil for null.
func Nullable[T, V any](get func(T) *V, marshal func(V) graphql.Marshaler) Field[T] {
	return Value(get, func(v *V) graphql.Marshaler {
		if v == nil {
			return graphql.Null
		}
		return marshal(*v)
	})
}

// Resolved is a scalar field (or list of scalars, see Each) computed by a resolver.
func Resolved[T, V any](resolve func(context.Context, T) (V, error), marshal func(V) graphql.Marshaler) Field[T] {
	return Field[T]{write: func(ctx context.Context, v T, _ any, b *bytes.Buffer) error {
		res, err := resolve(ctx, v)
		if err != nil {
			return err
		}
		marshal(res).MarshalGQL(b)
		return nil
	}}
}

// Each writes a list of scalars, each with marshal.
func Each[V any](marshal func(V) graphql.Marshaler) func([]V) graphql.Marshaler {
	return func(list []V) graphql.Marshaler {
		return graphql.WriterFunc(func(w io.Writer) {
			_, _ = io.WriteString(w, "[")
			for i, v := range list {
				if i > 0 {
					_, _ = io.WriteString(w, ",")
				}
				marshal(v).MarshalGQL(w)
			}
			_, _ = io.WriteString(w, "]")
		})
	}
}

// One is a field holding one object of elem, never null.
func One[T, E any](get func(T) E, elem *Object[E]) Field[T] {
	return Field[T]{
		write: func(ctx context.Context, v T, plan any, b *bytes.Buffer) error {
			return elem.writeObject(ctx, get(v), plan.([]selected[E]), b)
		},
		prepare: elem.prepareAny,
	}
}

// List is a field holding a list of objects of elem, resolved by resolve. Resolving runs
// once per parent, one after another, so resolve must read what the operation's loaders
// already hold (or batch with its siblings').
func List[T, E any](resolve func(context.Context, T) ([]E, error), elem *Object[E]) Field[T] {
	return Field[T]{
		write: func(ctx context.Context, v T, plan any, b *bytes.Buffer) error {
			list, err := resolve(ctx, v)
			if err != nil {
				return err
			}
			return elem.writeList(ctx, list, plan.([]selected[E]), b)
		},
		prepare: elem.prepareAny,
	}
}

func (o *Object[T]) collect(oc *graphql.OperationContext, sel ast.SelectionSet) []graphql.CollectedField {
	return graphql.CollectFields(oc, sel, append([]string{o.Type}, o.Implements...))
}

// Render returns list written as the JSON array the selection of the field in ctx asks for,
// or ok false when that selection asks for a field this package cannot write (see prepare)
// and gqlgen must write it.
func (o *Object[T]) Render(ctx context.Context, list []T) (m graphql.Marshaler, ok bool, err error) {
	fields, ok := o.prepare(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections)
	if !ok {
		return nil, false, nil
	}
	var b bytes.Buffer
	if err := o.writeList(ctx, list, fields, &b); err != nil {
		return nil, true, err
	}
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(b.Bytes()) }), true, nil
}

// selected is a field a selection asks for, ready to write: its JSON key, its writer and
// what its writer needs of its own selection.
type selected[T any] struct {
	key   []byte                                                          // "alias":
	write func(ctx context.Context, v T, plan any, b *bytes.Buffer) error // nil for __typename
	plan  any
}

// prepare collects the fields sel selects on o, through fragments and directives, and
// theirs, once for all the objects written with them; ok is false when one of them is not
// among o's Fields or takes arguments.
func (o *Object[T]) prepare(oc *graphql.OperationContext, sel ast.SelectionSet) (out []selected[T], ok bool) {
	fields := o.collect(oc, sel)
	out = make([]selected[T], len(fields))
	for i, f := range fields {
		var key bytes.Buffer
		graphql.MarshalString(f.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		out[i].key = key.Bytes()
		if f.Name == "__typename" {
			continue
		}
		field, known := o.Fields[f.Name]
		if !known || len(f.Arguments) > 0 {
			return nil, false
		}
		out[i].write = field.write
		if field.prepare != nil {
			if out[i].plan, ok = field.prepare(oc, f.Selections); !ok {
				return nil, false
			}
		}
	}
	return out, true
}

// prepareAny is prepare for a field of an object holding o's.
func (o *Object[T]) prepareAny(oc *graphql.OperationContext, sel ast.SelectionSet) (any, bool) {
	return o.prepare(oc, sel)
}

func (o *Object[T]) writeList(ctx context.Context, list []T, fields []selected[T], b *bytes.Buffer) error {
	b.WriteByte('[')
	for i, v := range list {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := o.writeObject(ctx, v, fields, b); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

func (o *Object[T]) writeObject(ctx context.Context, v T, fields []selected[T], b *bytes.Buffer) error {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(f.key)
		if f.write == nil {
			graphql.MarshalString(o.Type).MarshalGQL(b)
			continue
		}
		if err := f.write(ctx, v, f.plan, b); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}
