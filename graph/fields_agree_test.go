package graph

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/partnerhub/partnerhub-api/ent"
)

// objectsOfType collects, by id, the objects of typ (by __typename) anywhere in v.
func objectsOfType(v any, typ string, out map[string]map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		if v["__typename"] == typ {
			out[v["id"].(string)] = v
		}
		for _, e := range v {
			objectsOfType(e, typ, out)
		}
	case []any:
		for _, e := range v {
			objectsOfType(e, typ, out)
		}
	}
}

// TestEveryFieldAgreesEverywhere asks every scalar field of every node type a customer
// page writes through the page, through node(id) and (for customers) customer(id), and
// requires the same values: the columns each path reads come from the same tables, so a
// field is never read on one path and left at its zero value on another.
func TestEveryFieldAgreesEverywhere(t *testing.T) {
	h := newHarness(t)
	w := plainWorld(h)
	walk := newSchemaWalk(t, h.resolver)
	for typ := range walk.tables {
		def := walk.schema.Types[typ]
		if !slices.ContainsFunc(walk.schema.GetImplements(def), func(d *ast.Definition) bool { return d.Name == "Node" }) {
			continue
		}
		var leaves []string
		for _, f := range def.Fields {
			if kind := walk.schema.Types[f.Type.Name()].Kind; !requiredArgs(f) && (kind == ast.Scalar || kind == ast.Enum) {
				leaves = append(leaves, f.Name)
			}
		}
		sel := "__typename " + strings.Join(leaves, " ")
		t.Run(typ, func(t *testing.T) {
			for _, who := range []*ent.Admin{w.full, w.admin, w.readOnly} {
				var listed map[string]any
				h.mustDo(t, h.as(who), walk.document(typ, sel), nil, &listed)
				objects := map[string]map[string]any{}
				objectsOfType(listed, typ, objects)
				if len(objects) == 0 {
					t.Fatalf("%s: no %s listed", who.Role, typ)
				}
				paths := map[string]string{"node": `query($id: ID!) { node(id: $id) { ... on ` + typ + ` { ` + sel + ` } } }`}
				if typ == "Customer" {
					paths["customer"] = `query($id: ID!) { customer(id: $id) { ` + sel + ` } }`
				}
				for id, want := range objects {
					for name, query := range paths {
						var got map[string]map[string]any
						h.mustDo(t, h.as(who), query, map[string]any{"id": id}, &got)
						if one := got[name]; !reflect.DeepEqual(one, want) {
							a, _ := json.Marshal(want)
							b, _ := json.Marshal(one)
							t.Errorf("%s: %s %s listed as\n%s\nbut %s(id) answers\n%s", who.Role, typ, id, a, name, b)
						}
					}
				}
			}
		})
	}
}
