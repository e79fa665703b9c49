package main

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// writeColumns writes, for each field of each entity written in one pass, the columns of
// its row it reads; a field whose reads cannot be told is absent (read every column).
func (t *tables) writeColumns(w func(string, ...any)) error {
	reads := map[string][]string{}
	var entities []string
	w("// plainColumns holds, for each field of an entity written in one pass, the columns of its row\n")
	w("// the field reads; a field absent from it may read any.\n")
	w("var plainColumns = map[render.Key][]string{\n")
	for _, o := range t.objects {
		named, columns, ok := t.reads.entity(o)
		if !ok {
			continue
		}
		pkg := t.qualify(t.data.Config.Packages.Load(columns).Types)
		whole := false
		for _, f := range o.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			cols, ok := t.reads.ofField(f, named, columns)
			if !ok {
				whole = true
				continue
			}
			qualified := make([]string, len(cols))
			for i, c := range cols {
				qualified[i] = pkg + "." + c
				if !slices.Contains(reads[named.Obj().Name()], qualified[i]) {
					reads[named.Obj().Name()] = append(reads[named.Obj().Name()], qualified[i])
				}
			}
			w("{Object: %q, Field: %q}: {%s},\n", o.Name, f.Name, strings.Join(qualified, ", "))
		}
		if whole {
			delete(reads, named.Obj().Name())
		} else {
			entities = append(entities, named.Obj().Name())
		}
	}
	w("}\n\n")
	w("// plainReads holds, for each entity written in one pass, the columns its fields read: what\n")
	w("// the page's loaders read of it. An entity with a field whose reads cannot be told is absent.\n")
	w("var plainReads = %s.Columns{\n", t.qualify(t.data.Config.Packages.Load(loaderPackage).Types))
	for _, e := range entities {
		w("%q: {%s},\n", e, strings.Join(reads[e], ", "))
	}
	w("}\n\n")
	return nil
}

// writePrefetches writes, for each field marked @prefetched(by: [...]), the loaders a page
// prefetches for it, and the function finding a loader by its name.
func (t *tables) writePrefetches(w func(string, ...any)) error {
	p := t.data.Config.Packages.Load(loaderPackage)
	if p == nil || p.Types == nil {
		return fmt.Errorf("load %s", loaderPackage)
	}
	loaders, ok := p.Types.Scope().Lookup("Loaders").Type().Underlying().(*types.Struct)
	if !ok {
		return fmt.Errorf("%s.Loaders is not a struct", loaderPackage)
	}
	var names []string
	w("// plainPrefetches holds, for each field written in one pass, the loaders a page prefetches for it.\n")
	w("var plainPrefetches = map[render.Key][]string{\n")
	for _, o := range t.objects {
		for _, f := range o.Fields {
			d := f.FieldDefinition.Directives.ForName(directive)
			if d == nil || d.Arguments.ForName("by") == nil {
				continue
			}
			var by []string
			for _, c := range d.Arguments.ForName("by").Value.Children {
				name := c.Value.Raw
				found := false
				for i := range loaders.NumFields() {
					found = found || loaders.Field(i).Name() == name
				}
				if !found {
					return fmt.Errorf("%s.%s: @%s(by: %q): no such loader in %s.Loaders", o.Name, f.Name, directive, name, loaderPackage)
				}
				by = append(by, fmt.Sprintf("%q", name))
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
			w("{Object: %q, Field: %q}: {%s},\n", o.Name, f.Name, strings.Join(by, ", "))
		}
	}
	w("}\n\n")
	slices.Sort(names)
	l := t.qualify(p.Types)
	w("// plainLoader returns the loader of l named name in plainPrefetches.\n")
	w("func plainLoader(l *%s.Loaders, name string) interface{ Prefetch(context.Context, []int) error } {\nswitch name {\n", l)
	for _, n := range names {
		w("case %q:\nreturn l.%s\n", n, n)
	}
	w("}\nreturn nil\n}\n")
	return nil
}
