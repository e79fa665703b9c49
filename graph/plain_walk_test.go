package graph

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/graph/render"
)

// plainWorld is a partner whose three customers have every kind of row a customer page
// writes: tags (one with quotes), admins, subscriptions and trials with license lines.
func plainWorld(h *harness) world {
	w := h.newWorld("plain")
	key, vip := h.mustTag(w, "Key account"), h.mustTag(w, "VIP")
	vip = vip.Update().SetColor("#ff0000").SetDescription(`Says "hi"`).SaveX(h.sys)
	lines := []lineSpec{{enum.ProductMeetings, 10, 10, 8, 9}, {enum.ProductCalling, 5, 7, 2, 3}}
	h.mustCustomer(w, customerSpec{
		name: "Acme", externalID: "ext-1", activityAgo: ago(day(3)), assignedTo: []*ent.Admin{w.admin}, tags: []*ent.Tag{key, vip},
		subs: []subSpec{
			{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(20), autoRenew: true, lines: lines},
			{kind: enum.KindTrial, state: enum.StateActive, endsIn: day(10), lines: lines[1:]},
		},
	})
	h.mustCustomer(w, customerSpec{name: "Beta", subs: []subSpec{{kind: enum.KindPaid, state: enum.StateExpired, endsIn: -day(5), lines: lines[:1]}}})
	h.mustCustomer(w, customerSpec{
		name: "Gamma", assignedTo: []*ent.Admin{w.full, w.admin}, tags: []*ent.Tag{vip},
		subs: []subSpec{{kind: enum.KindPaid, state: enum.StateSuspended, endsIn: day(90), lines: lines}},
	})
	return w
}

// schemaWalk builds documents from the schema, not from the writer's tables: for each
// object type the one-pass writer writes, a way down to it from Query through the lists it
// writes, and selections of its fields.
type schemaWalk struct {
	schema *ast.Schema
	tables map[string]render.Table
	roots  map[render.Key]render.RootFunc
	down   map[string][]string // type → fields from Query down to it
}

func newSchemaWalk(t *testing.T, r generated.ResolverRoot) *schemaWalk {
	roots, tables := plainTables(r)
	w := &schemaWalk{schema: generated.NewExecutableSchema(generated.Config{}).Schema(), tables: map[string]render.Table{}, roots: roots, down: map[string][]string{"Query": nil}}
	for _, table := range tables {
		w.tables[table.TypeName()] = table
	}
	// Breadth first from Query; a written type is entered only through a list the writer
	// writes, or a field of a written type it writes.
	for queue := []string{"Query"}; len(queue) > 0; queue = queue[1:] {
		from := queue[0]
		for _, f := range w.schema.Types[from].Fields {
			to := f.Type.Name()
			if _, seen := w.down[to]; seen || w.schema.Types[to].Kind != ast.Object || requiredArgs(f) {
				continue
			}
			_, written := w.tables[to]
			_, root := roots[render.Key{Object: from, Field: f.Name}]
			if table, ok := w.tables[from]; ok {
				_, fallback := table.Writes(f.Name)
				if fallback != "" {
					continue
				}
			} else if written && !root {
				continue
			}
			w.down[to] = append(slices.Clone(w.down[from]), f.Name)
			queue = append(queue, to)
		}
	}
	for name := range w.tables {
		if _, ok := w.down[name]; !ok {
			t.Fatalf("no way down from Query to %s through written lists", name)
		}
	}
	return w
}

func requiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// document wraps sel, a selection on typ, in the fields from Query down to typ.
func (w *schemaWalk) document(typ, sel string) string {
	down := w.down[typ]
	var b strings.Builder
	for _, f := range down {
		b.WriteString(f + " { ")
	}
	b.WriteString(sel)
	b.WriteString(strings.Repeat(" }", len(down)))
	var vars []string
	for _, v := range []string{"$yes: Boolean! = true", "$no: Boolean! = false"} {
		if strings.Contains(sel, strings.Fields(v)[0][:len(strings.Fields(v)[0])-1]) {
			vars = append(vars, v)
		}
	}
	if len(vars) == 0 {
		return "{ " + b.String() + " }"
	}
	return "query(" + strings.Join(vars, ", ") + ") { " + b.String() + " }"
}

// written returns the fields of typ the writer writes, by the schema's order.
func (w *schemaWalk) written(typ string) []*ast.FieldDefinition {
	var out []*ast.FieldDefinition
	for _, f := range w.schema.Types[typ].Fields {
		if known, fallback := w.tables[typ].Writes(f.Name); known && fallback == "" && !requiredArgs(f) {
			out = append(out, f)
		}
	}
	return out
}

// field selects f (under alias, when set): an object's fields are those the writer writes
// of it, down to depth, or only __typename when it writes none.
func (w *schemaWalk) field(f *ast.FieldDefinition, alias string, depth int, directives ...string) string {
	sel := f.Name
	if alias != "" {
		sel = alias + ": " + f.Name
	}
	for _, d := range directives {
		sel += " " + d
	}
	child := f.Type.Name()
	if w.schema.Types[child].Kind != ast.Object {
		return sel
	}
	if _, ok := w.tables[child]; !ok || depth == 0 {
		return sel + " { __typename }"
	}
	return sel + " { " + w.every(child, depth-1) + " }"
}

// every selects each field the writer writes of typ.
func (w *schemaWalk) every(typ string, depth int) string {
	var parts []string
	for _, f := range w.written(typ) {
		parts = append(parts, w.field(f, "", depth))
	}
	return strings.Join(parts, " ")
}

// variants are the documents of typ: every written field directly, aliased, through an
// inline and a named fragment, through each interface, half of them skipped; then each
// of the schema's fields on its own. mustWrite tells the writer must write the document.
func (w *schemaWalk) variants(typ string) (docs []walkDoc) {
	fields := w.written(typ)
	every := w.every(typ, 2)
	var aliased, skipped []string
	for i, f := range fields {
		aliased = append(aliased, w.field(f, "a"+f.Name, 2))
		directive := []string{"@skip(if: $yes)", "@include(if: $no)", "@include(if: $yes)", "@skip(if: $no)"}[i%4]
		skipped = append(skipped, w.field(f, "", 2, directive))
	}
	docs = append(docs,
		walkDoc{"every field", w.document(typ, "__typename "+every), true},
		walkDoc{"aliased", w.document(typ, strings.Join(aliased, " ")), true},
		walkDoc{"inline fragment", w.document(typ, "... on "+typ+" { "+every+" }"), true},
		walkDoc{"named fragment", w.document(typ, "...Walked") + " fragment Walked on " + typ + " { " + every + " }", true},
		walkDoc{"skipped and included", w.document(typ, "__typename "+strings.Join(skipped, " ")), true},
	)
	for _, iface := range w.schema.GetImplements(w.schema.Types[typ]) {
		var parts []string
		for _, f := range iface.Fields {
			parts = append(parts, f.Name)
		}
		docs = append(docs, walkDoc{"through " + iface.Name, w.document(typ, "... on "+iface.Name+" { "+strings.Join(parts, " ")+" }"), true})
	}
	for _, f := range w.schema.Types[typ].Fields {
		if strings.HasPrefix(f.Name, "__") || requiredArgs(f) {
			continue
		}
		_, fallback := w.tables[typ].Writes(f.Name)
		docs = append(docs, walkDoc{"field " + f.Name, w.document(typ, w.field(f, "", 1)), fallback == ""})
	}
	return docs
}

type walkDoc struct {
	name, query string
	mustWrite   bool
}

func fallbacksSoFar() (n int64) {
	render.Fallbacks.Each(func(_ render.Fallback, c int64) { n += c })
	return n
}

// TestPlainWriterWalksTheSchema holds the one-pass writer to gqlgen's own executor, byte
// for byte, for every field of every object type it writes, selected directly, aliased,
// through fragments and interfaces, skipped and included, for each role; and requires
// that the writer writes what its tables say it writes, and that its tables know every
// field of the schema (a field added without go generate fails here).
func TestPlainWriterWalksTheSchema(t *testing.T) {
	h := newHarness(t)
	w := plainWorld(h)
	walk := newSchemaWalk(t, h.resolver)
	for typ := range walk.tables {
		for _, f := range walk.schema.Types[typ].Fields {
			if known, _ := walk.tables[typ].Writes(f.Name); !known && !strings.HasPrefix(f.Name, "__") {
				t.Errorf("%s.%s is in the schema but not in the writer's tables: run go generate ./...", typ, f.Name)
			}
		}
		t.Run(typ, func(t *testing.T) {
			for _, doc := range walk.variants(typ) {
				for _, who := range []*ent.Admin{w.full, w.admin, w.readOnly} {
					before := fallbacksSoFar()
					got := h.post(t, h.as(who), doc.query, nil, "")
					if doc.mustWrite && fallbacksSoFar() != before {
						t.Errorf("%s, %s: left to gqlgen though the writer writes it:\n%s", doc.name, who.Role, doc.query)
					}
					want := h.post(t, h.as(who), doc.query, nil, "gqlgen")
					if !bytes.Equal(got, want) {
						t.Fatalf("%s, %s:\n%s\nwritten in one pass:\n%s\ngqlgen writes:\n%s", doc.name, who.Role, doc.query, got, want)
					}
					if bytes.Contains(got, []byte(`"errors"`)) || !bytes.Contains(got, []byte(`"data":{`)) {
						t.Fatalf("%s, %s: not an answer: %s\n%s", doc.name, who.Role, got, doc.query)
					}
				}
			}
		})
	}
}

// failingRoot is the resolvers of a Resolver with one of them failing for the customer
// named Gamma (and its subscriptions).
type failingRoot struct {
	*Resolver
	field string
}

var errFailing = errors.New("made to fail")

func (f failingRoot) Customer() generated.CustomerResolver {
	return failingCustomer{f.Resolver.Customer(), f.field}
}

func (f failingRoot) Subscription() generated.SubscriptionResolver {
	return failingSubscription{f.Resolver.Subscription(), f.Resolver, f.field}
}

type failingCustomer struct {
	generated.CustomerResolver
	field string
}

func (c failingCustomer) LaunchURL(ctx context.Context, obj *ent.Customer) (string, error) {
	if c.field == "launchUrl" && obj.Name == "Gamma" {
		return "", errFailing
	}
	return c.CustomerResolver.LaunchURL(ctx, obj)
}

func (c failingCustomer) Tags(ctx context.Context, obj *ent.Customer) ([]*ent.Tag, error) {
	if c.field == "tags" && obj.Name == "Gamma" {
		return nil, errFailing
	}
	return c.CustomerResolver.Tags(ctx, obj)
}

type failingSubscription struct {
	generated.SubscriptionResolver
	r     *Resolver
	field string
}

func (s failingSubscription) Licenses(ctx context.Context, obj *ent.Subscription) ([]*ent.License, error) {
	if s.field == "licenses" && obj.State == enum.StateSuspended {
		return nil, errFailing
	}
	return s.SubscriptionResolver.Licenses(ctx, obj)
}

// TestPlainWriterFailsAsGqlgen makes a resolver the writer calls fail, for one customer,
// and holds the answer (the error, its path and location, the nulls it spreads to) to
// gqlgen's, byte for byte, for each role.
func TestPlainWriterFailsAsGqlgen(t *testing.T) {
	h := newHarness(t)
	w := plainWorld(h)
	for _, field := range []string{"launchUrl", "tags", "licenses"} {
		t.Run(field, func(t *testing.T) {
			root := failingRoot{h.resolver, field}
			h.gql, h.ref = newServer(h.resolver, root, true, nil, h.limits, h.logger, nil), newServer(h.resolver, root, false, nil, h.limits, h.logger, nil)
			walk := newSchemaWalk(t, root)
			for _, doc := range []string{
				walk.document("Customer", walk.every("Customer", 2)),
				// Nullable positions stop the null: an alias of an optional field above.
				`{ customers(first: 10) { totalCount edges { cursor node { name launchUrl tags { name } subscriptions { state licenses { total } } } } } me { email } }`,
			} {
				for _, who := range []*ent.Admin{w.full, w.admin, w.readOnly} {
					got := h.post(t, h.as(who), doc, nil, "")
					want := h.post(t, h.as(who), doc, nil, "gqlgen")
					if !bytes.Equal(got, want) {
						t.Fatalf("%s:\n%s\nwritten in one pass:\n%s\ngqlgen writes:\n%s", who.Role, doc, got, want)
					}
					if !bytes.Contains(got, []byte(`"path":[`)) {
						t.Fatalf("%s: no error where the resolver failed: %s", who.Role, got)
					}
				}
			}
		})
	}
}
