package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"path"
	"slices"
	"strconv"
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

func (t *tables) source() ([]byte, error) {
	var body bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&body, format, args...) }
	root := t.qualify(t.data.Config.Exec.Pkg()) + ".ResolverRoot"
	w("// plainTables returns the lists written in one pass (package render), by object and field,\n")
	w("// and the objects written in them.\n")
	w("func plainTables(r %s) (map[render.Key]render.RootFunc, []render.Table) {\n", root)
	for _, o := range t.objects {
		implements := []string{}
		for _, i := range o.Implements {
			implements = append(implements, strconv.Quote(i.Name))
		}
		w("%s := &render.Object[%s]{Type: %q, Implements: []string{%s}}\n", varName(o), t.typ(o.Reference()), o.Name, strings.Join(implements, ", "))
	}
	for _, o := range t.objects {
		for _, f := range o.Fields {
			if f.IsResolver && t.unwritten(f) == "" {
				w("%s := r.%s()\n", resolverVar(o), o.Name)
				break
			}
		}
	}
	for _, o := range t.objects {
		w("%s.Fields = map[string]render.Field[%s]{\n", varName(o), t.typ(o.Reference()))
		for _, f := range o.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				w("%q: %s,\n", f.Name, t.field(f))
			}
		}
		w("}\n")
	}
	w("return map[render.Key]render.RootFunc{\n")
	for _, f := range t.roots {
		w("{Object: %q, Field: %q}: render.Root(%s, %t),\n", f.Object.Name, f.Name, varName(t.listElem(f)), f.TypeReference.GQL.Elem.NonNull)
	}
	w("}, []render.Table{")
	for _, o := range t.objects {
		w("%s, ", varName(o))
	}
	w("}\n}\n\n")
	t.writeSatisfies(w)
	if err := t.writePrefetches(w); err != nil {
		return nil, err
	}
	if err := t.writeColumns(w); err != nil {
		return nil, err
	}

	var out bytes.Buffer
	out.WriteString("// Code generated by go run ./graph/render/gen from schema.graphqls and gqlgen.yml; DO NOT EDIT.\n\n")
	out.WriteString("package " + t.data.Config.Resolver.Package + "\n\nimport (\n")
	for _, p := range []string{"context", "github.com/99designs/gqlgen/graphql", "github.com/partnerhub/partnerhub-api/graph/render"} {
		t.imports[p] = path.Base(p)
	}
	paths := make([]string, 0, len(t.imports))
	for p := range t.imports {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, std := range []bool{true, false} {
		for _, p := range paths {
			if !strings.Contains(strings.Split(p, "/")[0], ".") != std {
				continue
			}
			if name := t.imports[p]; name != path.Base(p) {
				fmt.Fprintf(&out, "%s %q\n", name, p)
			} else {
				fmt.Fprintf(&out, "%q\n", p)
			}
		}
		out.WriteString("\n")
	}
	out.WriteString(")\n\n")
	out.Write(body.Bytes())
	src, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format %s: %w\n%s", output, err, out.Bytes())
	}
	return src, nil
}

// writeSatisfies writes the type conditions each written object satisfies.
func (t *tables) writeSatisfies(w func(string, ...any)) {
	w("// plainSatisfies holds, for each object type, the type conditions it satisfies.\n")
	w("var plainSatisfies = map[string][]string{\n")
	for _, o := range t.data.Objects {
		w("%q: %s,\n", o.Name, o.Implementors())
	}
	w("}\n\n")
}
