// Package render writes lists of plain objects to JSON in one pass, where gqlgen's
// executor would spend a goroutine on every list element and a field context, a
// middleware call and a handful of allocations on every field. A plain object is one whose
// selected fields are read off its Go value, or computed by a resolver from data the
// operation's loaders already hold.
//
// Its tables (which object types and fields it writes, their Go accessors, marshallers and
// the interfaces each type implements) are generated from the schema and gqlgen's
// configuration by ./gen, so they cannot drift from what gqlgen would write. It writes
// fragments, aliases, @skip/@include and __typename as gqlgen's CollectFields resolves
// them, records a resolver's error at the same path with the same location, and nulls
// the same enclosing value gqlgen would. A selection with a field the tables do not write
// (one computed by a resolver that may do its own I/O, one given arguments) leaves the
// whole list to gqlgen; Fallbacks counts those by type and reason.
package render

import (
	"bytes"
	"context"
	"errors"
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
	// Fields tells, by GraphQL name, how to write each field or why it cannot be.
	Fields map[string]Field[T]
}

// Field writes one field of a T.
type Field[T any] struct {
	// write writes the field of v; plan is what prepare made of the field's selection.
	write func(ctx context.Context, v T, plan any, b *bytes.Buffer, r *run) error
	// prepare makes the field's own selection ready to write, or tells why it cannot be
	// written here (nil for a scalar, which has none).
	prepare func(oc *graphql.OperationContext, sel ast.SelectionSet) (plan any, fallback *Fallback)
	// nonNull is the schema's: a null value (or error) of the field nulls its object.
	nonNull bool
	// fallback, when set, is why the field is left to gqlgen.
	fallback string
}

// Required returns f for a field whose type is non-null.
func (f Field[T]) Required() Field[T] {
	f.nonNull = true
	return f
}

// Unwritten is a field left to gqlgen, for reason.
func Unwritten[T any](reason string) Field[T] { return Field[T]{fallback: reason} }

// errNull tells the enclosing value that the value being written became null (its error,
// if any, already recorded).
var errNull = errors.New("null")

// errNullElement is gqlgen's error for a null where the schema does not allow one.
var errNullElement = errors.New("the requested element is null which the schema does not allow")

// Value is a scalar field read by get and written by marshal, the very function gqlgen's
// generated code uses for the field's type.
func Value[T, V any](get func(T) V, marshal func(V) graphql.Marshaler) Field[T] {
	return Field[T]{write: func(_ context.Context, v T, _ any, b *bytes.Buffer, _ *run) error {
		return writeScalar(marshal(get(v)), b)
	}}
}

// Resolved is a scalar field (or list of scalars, see Each) computed by a resolver.
func Resolved[T, V any](resolve func(context.Context, T) (V, error), marshal func(V) graphql.Marshaler) Field[T] {
	return Field[T]{write: func(ctx context.Context, v T, _ any, b *bytes.Buffer, _ *run) error {
		res, err := resolve(ctx, v)
		if err != nil {
			return err
		}
		return writeScalar(marshal(res), b)
	}}
}

// writeScalar writes m, or tells its field it is null.
func writeScalar(m graphql.Marshaler, b *bytes.Buffer) error {
	if m == graphql.Null {
		return errNullElement
	}
	m.MarshalGQL(b)
	return nil
}

// Ptr marshals a *V with marshal, nil as null.
func Ptr[V any](marshal func(V) graphql.Marshaler) func(*V) graphql.Marshaler {
	return func(v *V) graphql.Marshaler {
		if v == nil {
			return graphql.Null
		}
		return marshal(*v)
	}
}

// Nullable is a nullable scalar field: get returns nil for null.
func Nullable[T, V any](get func(T) *V, marshal func(V) graphql.Marshaler) Field[T] {
	f := Value(get, Ptr(marshal))
	inner := f.write
	f.write = func(ctx context.Context, v T, plan any, b *bytes.Buffer, r *run) error {
		if get(v) == nil {
			b.WriteString("null")
			return nil
		}
		return inner(ctx, v, plan, b, r)
	}
	return f
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

// One is a field holding one object of elem, read by get (nil for null).
func One[T, E any](get func(T) *E, elem *Object[*E]) Field[T] {
	return Field[T]{
		write: func(ctx context.Context, v T, plan any, b *bytes.Buffer, r *run) error {
			e := get(v)
			if e == nil {
				return errNullElement
			}
			return elem.writeObject(ctx, e, plan.([]selected[*E]), b, r)
		},
		prepare: elem.prepareAny,
	}
}

// List is a field holding a list of objects of elem, resolved by resolve (or read off its
// object). Resolving runs once per parent, one after another, so resolve must read what
// the operation's loaders already hold. elemNonNull is the schema's for the elements.
func List[T, E any](resolve func(context.Context, T) ([]*E, error), elem *Object[*E], elemNonNull bool) Field[T] {
	return Field[T]{
		write: func(ctx context.Context, v T, plan any, b *bytes.Buffer, r *run) error {
			list, err := resolve(ctx, v)
			if err != nil {
				return err
			}
			return writeList(ctx, elem, list, plan.([]selected[*E]), elemNonNull, b, r)
		},
		prepare: elem.prepareAny,
	}
}

// Fallback is why a selection is left to gqlgen: the object type and the reason.
type Fallback struct{ Type, Reason string }

// selected is a field a selection asks for, ready to write: its JSON key, its writer and
// what its writer needs of its own selection.
type selected[T any] struct {
	field   graphql.CollectedField
	key     []byte // "alias":
	write   func(ctx context.Context, v T, plan any, b *bytes.Buffer, r *run) error
	plan    any
	nonNull bool
}

// prepare collects the fields sel selects on o, through fragments and directives, and
// theirs, once for all the objects written with them; fallback tells why one of them
// cannot be written here.
func (o *Object[T]) prepare(oc *graphql.OperationContext, sel ast.SelectionSet) (out []selected[T], fallback *Fallback) {
	fields := graphql.CollectFields(oc, sel, append([]string{o.Type}, o.Implements...))
	out = make([]selected[T], len(fields))
	for i, f := range fields {
		var key bytes.Buffer
		graphql.MarshalString(f.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		out[i].field, out[i].key = f, key.Bytes()
		if f.Name == "__typename" {
			continue
		}
		field, known := o.Fields[f.Name]
		switch {
		case !known:
			return nil, &Fallback{o.Type, "unknown field"}
		case field.fallback != "":
			return nil, &Fallback{o.Type, field.fallback}
		case len(f.Arguments) > 0:
			return nil, &Fallback{o.Type, "arguments"}
		}
		out[i].write, out[i].nonNull = field.write, field.nonNull
		if field.prepare != nil {
			if out[i].plan, fallback = field.prepare(oc, f.Selections); fallback != nil {
				return nil, fallback
			}
		}
	}
	return out, nil
}

// prepareAny is prepare for a field of an object holding o's.
func (o *Object[T]) prepareAny(oc *graphql.OperationContext, sel ast.SelectionSet) (any, *Fallback) {
	return o.prepare(oc, sel)
}
