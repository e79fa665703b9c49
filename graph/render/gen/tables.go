package main

import (
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

const directive = "prefetched"

// tables is what is generated: the objects reached from the lists marked @prefetched.
type tables struct {
	data    *codegen.Data
	imports map[string]string // package path → name in the generated file
	objects []*codegen.Object // in the order reached
	roots   []*codegen.Field
	reads   *reads
}

func newTables(data *codegen.Data) *tables {
	t := &tables{data: data, imports: map[string]string{}, reads: newReads(data.Config)}
	for _, o := range data.Objects {
		if o.Root {
			continue
		}
		for _, f := range o.Fields {
			if elem := t.listElem(f); elem != nil && prefetched(f) {
				t.roots = append(t.roots, f)
				t.reach(elem)
			}
		}
	}
	return t
}

// reach adds o, and every object type its written fields hold.
func (t *tables) reach(o *codegen.Object) {
	if slices.Contains(t.objects, o) {
		return
	}
	t.objects = append(t.objects, o)
	for _, f := range o.Fields {
		if t.unwritten(f) != "" {
			continue
		}
		if elem := t.listElem(f); elem != nil {
			t.reach(elem)
		} else if one := t.object(f.TypeReference.GQL); one != nil {
			t.reach(one)
		}
	}
}

func prefetched(f *codegen.Field) bool { return f.FieldDefinition.Directives.ForName(directive) != nil }

// object is the object type named by gql (not a list), or nil.
func (t *tables) object(gql *ast.Type) *codegen.Object {
	if gql.Elem != nil {
		return nil
	}
	return t.data.Objects.ByName(gql.NamedType)
}

// listElem is the object type of a list field's elements, or nil.
func (t *tables) listElem(f *codegen.Field) *codegen.Object {
	gql := f.TypeReference.GQL
	if gql.Elem == nil || gql.Elem.Elem != nil {
		return nil
	}
	return t.data.Objects.ByName(gql.Elem.NamedType)
}

// unwritten tells why f is left to gqlgen, or "" when it is written here.
func (t *tables) unwritten(f *codegen.Field) string {
	ref := f.TypeReference
	def := t.data.Schema.Types[ref.GQL.Name()]
	switch {
	case f.Stream:
		return "stream"
	case def.Kind == ast.Interface || def.Kind == ast.Union:
		return "abstract type"
	case f.IsResolver && !prefetched(f):
		return "resolver"
	case f.IsMethod() && f.MethodHasContext && !prefetched(f):
		return "method with context"
	case !f.IsResolver && !f.IsMethod() && !f.IsVariable():
		return "unbound"
	case ref.IsContext:
		return "context marshaller"
	}
	for _, a := range f.Args {
		if a.Default != nil || a.TypeReference.GQL.NonNull || !f.IsResolver {
			return "arguments"
		}
	}
	if def.Kind == ast.Object {
		goType := ref.GO
		if t.listElem(f) != nil {
			s, ok := goType.(*types.Slice)
			if !ok {
				return "list type"
			}
			goType = s.Elem()
		}
		if _, ok := goType.(*types.Pointer); !ok {
			return "object by value"
		}
		if t.listElem(f) == nil && (f.IsResolver || (f.IsMethod() && (f.MethodHasContext || !f.NoErr))) {
			return "resolved object"
		}
	}
	return ""
}

// qualify names a package in the generated file, importing it.
func (t *tables) qualify(p *types.Package) string {
	if p.Path() == t.data.Config.Resolver.ImportPath() {
		return ""
	}
	if name, ok := t.imports[p.Path()]; ok {
		return name
	}
	name := p.Name()
	for taken := true; taken; {
		taken = false
		for _, n := range t.imports {
			if n == name {
				name, taken = name+"_", true
			}
		}
	}
	t.imports[p.Path()] = name
	return name
}

func (t *tables) typ(ty types.Type) string { return types.TypeString(ty, t.qualify) }

// marshal is the expression of a func(V) graphql.Marshaler for ref's Go type V: the
// marshaller gqlgen's generated code uses for it.
func (t *tables) marshal(ref *config.TypeReference) string {
	switch {
	case ref.IsSlice():
		return "render.Each(" + t.marshal(ref.Elem()) + ")"
	case ref.IsPtr():
		return "render.Ptr(" + t.marshal(ref.Elem()) + ")"
	case ref.Marshaler != nil:
		fn := t.qualify(ref.Marshaler.Pkg()) + "." + ref.Marshaler.Name()
		if ref.CastType != nil {
			return fmt.Sprintf("func(v %s) graphql.Marshaler { return %s(%s(v)) }", t.typ(ref.GO), fn, t.typ(ref.CastType))
		}
		return fn
	}
	return fmt.Sprintf("func(v %s) graphql.Marshaler { return v }", t.typ(ref.GO))
}

// resolverVar is the generated variable holding o's resolvers, made once.
func resolverVar(o *codegen.Object) string { return "resolve" + o.Name }

// varName is the generated variable holding o's writer.
func varName(o *codegen.Object) string { return "obj" + o.Name }

// accessor is the expression reading f off v, and whether it takes a context and returns
// an error.
func (t *tables) accessor(f *codegen.Field) (expr string, resolved bool) {
	switch {
	case f.IsResolver:
		args := []string{"ctx", "v"}
		for range f.Args {
			args = append(args, "nil")
		}
		return fmt.Sprintf("%s.%s(%s)", resolverVar(f.Object), f.GoFieldName, strings.Join(args, ", ")), true
	case f.IsMethod() && f.MethodHasContext:
		return "v." + f.GoFieldName + "(ctx)", true
	case f.IsMethod() && !f.NoErr:
		return "v." + f.GoFieldName + "()", true
	case f.IsMethod():
		return "v." + f.GoFieldName + "()", false
	}
	return "v." + f.GoFieldName, false
}

// field is the render.Field expression writing f.
func (t *tables) field(f *codegen.Field) string {
	if reason := t.unwritten(f); reason != "" {
		return fmt.Sprintf("render.Unwritten[%s](%q)", t.typ(f.Object.Reference()), reason)
	}
	recv, ref := t.typ(f.Object.Reference()), f.TypeReference
	get, resolved := t.accessor(f)
	var out string
	switch elem := t.listElem(f); {
	case elem != nil:
		if !resolved {
			get += ", nil"
		}
		out = fmt.Sprintf("render.List(func(ctx context.Context, v %s) (%s, error) { return %s }, %s, %t)",
			recv, t.typ(ref.GO), get, varName(elem), ref.GQL.Elem.NonNull)
	case t.object(ref.GQL) != nil:
		out = fmt.Sprintf("render.One(func(v %s) %s { return %s }, %s)", recv, t.typ(ref.GO), get, varName(t.object(ref.GQL)))
	case resolved:
		out = fmt.Sprintf("render.Resolved(func(ctx context.Context, v %s) (%s, error) { return %s }, %s)", recv, t.typ(ref.GO), get, t.marshal(ref))
	case ref.IsPtr() && !ref.GQL.NonNull:
		out = fmt.Sprintf("render.Nullable(func(v %s) %s { return %s }, %s)", recv, t.typ(ref.GO), get, t.marshal(ref.Elem()))
	default:
		out = fmt.Sprintf("render.Value(func(v %s) %s { return %s }, %s)", recv, t.typ(ref.GO), get, t.marshal(ref))
	}
	if ref.GQL.NonNull {
		out += ".Required()"
	}
	return out
}
