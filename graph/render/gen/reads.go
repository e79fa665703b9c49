package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

// loaderPackage holds the per-operation loaders a page prefetches.
const loaderPackage = "github.com/partnerhub/partnerhub-api/graph/loader"

// reads finds, in the source, the columns of its row a field of an entity reads: a
// struct field is its column; a method or a resolver reads the columns of the fields it
// selects off its object, and every column when it hands the object on whole.
type reads struct {
	cfg   *config.Config
	funcs map[string][]*ast.FuncDecl // by directory
	files map[*ast.FuncDecl]*ast.File
}

func newReads(cfg *config.Config) *reads {
	return &reads{cfg: cfg, funcs: map[string][]*ast.FuncDecl{}, files: map[*ast.FuncDecl]*ast.File{}}
}

// decls returns the function declarations of the Go files of dir (tests excepted).
func (r *reads) decls(dir string) []*ast.FuncDecl {
	if d, ok := r.funcs[dir]; ok {
		return d
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []*ast.FuncDecl
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				out = append(out, fd)
				r.files[fd] = f
			}
		}
	}
	r.funcs[dir] = out
	return out
}

// find returns the method name of the receiver type recv declared in dir, or nil.
func (r *reads) find(dir, recv, name string) *ast.FuncDecl {
	for _, fd := range r.decls(dir) {
		if fd.Recv == nil {
			continue
		}
		t := fd.Recv.List[0].Type
		if star, ok := t.(*ast.StarExpr); ok {
			t = star.X
		}
		if id, ok := t.(*ast.Ident); ok && id.Name == recv && fd.Name.Name == name {
			return fd
		}
	}
	return nil
}

// entity is the struct an object is bound to when it is an ent entity: its named type and
// the package of its columns; ok false otherwise.
func (r *reads) entity(o *codegen.Object) (named *types.Named, columns string, ok bool) {
	ptr, isPtr := o.Reference().(*types.Pointer)
	if !isPtr {
		return nil, "", false
	}
	named, ok = ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return nil, "", false
	}
	columns = named.Obj().Pkg().Path() + "/" + strings.ToLower(named.Obj().Name())
	if p := r.cfg.Packages.Load(columns); p == nil || p.Types == nil || p.Types.Scope().Lookup("Columns") == nil {
		return nil, "", false
	}
	return named, columns, true
}

// column is the column constant of the struct field named field, or "".
func (r *reads) column(columns, field string) string {
	p := r.cfg.Packages.Load(columns)
	if c, ok := p.Types.Scope().Lookup("Field" + field).(*types.Const); ok {
		return c.Name()
	}
	return ""
}

// ofField returns the column constants (of package columns) field f of entity named
// reads, or ok false when they cannot be told.
func (r *reads) ofField(f *codegen.Field, named *types.Named, columns string) (cols []string, ok bool) {
	switch {
	case f.IsResolver:
		fd := r.find(r.cfg.Resolver.Dir(), lcFirst(f.Object.Name)+"Resolver", f.GoFieldName)
		if fd == nil || len(fd.Type.Params.List) < 2 || len(fd.Type.Params.List[1].Names) == 0 {
			return nil, false
		}
		return r.ofBody(fd, fd.Type.Params.List[1].Names[0].Name, named, columns, 0)
	case f.IsMethod():
		return r.ofMethod(f.GoFieldName, named, columns, 0)
	}
	if c := r.column(columns, f.GoFieldName); c != "" {
		return []string{c}, true
	}
	return nil, false
}

func (r *reads) ofMethod(name string, named *types.Named, columns string, depth int) ([]string, bool) {
	p := r.cfg.Packages.Load(named.Obj().Pkg().Path())
	if p == nil || len(p.GoFiles) == 0 || depth > 3 {
		return nil, false
	}
	fd := r.find(filepath.Dir(p.GoFiles[0]), named.Obj().Name(), name)
	if fd == nil || len(fd.Recv.List[0].Names) == 0 {
		return nil, false
	}
	return r.ofBody(fd, fd.Recv.List[0].Names[0].Name, named, columns, depth)
}

// callee finds the function a call in fd calls, when it is a function of this module's
// source (of fd's package, or of a package fd imports): its declaration, or nil.
func (r *reads) callee(fd *ast.FuncDecl, call *ast.CallExpr, dir string) *ast.FuncDecl {
	var name string
	switch fun := call.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		pkg, ok := fun.X.(*ast.Ident)
		if !ok {
			return nil
		}
		name, dir = fun.Sel.Name, ""
		for _, imp := range r.files[fd].Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if (imp.Name != nil && imp.Name.Name == pkg.Name) || (imp.Name == nil && filepath.Base(path) == pkg.Name) {
				if p := r.cfg.Packages.Load(path); p != nil && len(p.GoFiles) > 0 {
					dir = filepath.Dir(p.GoFiles[0])
				}
			}
		}
	default:
		return nil
	}
	for _, d := range r.decls(dir) {
		if d.Recv == nil && d.Name.Name == name {
			return d
		}
	}
	return nil
}

// param is the name of the i-th parameter of fd, or "".
func param(fd *ast.FuncDecl, i int) string {
	for _, field := range fd.Type.Params.List {
		for _, n := range field.Names {
			if i == 0 {
				return n.Name
			}
			i--
		}
	}
	return ""
}

// ofBody returns the columns fd reads off its parameter obj: each use of obj must select
// a struct field with a column, call a method whose own reads can be told, or pass obj to
// a function of the module whose reads of it can be told.
func (r *reads) ofBody(fd *ast.FuncDecl, obj string, named *types.Named, columns string, depth int) (cols []string, ok bool) {
	uses, selects := 0, 0
	ok = true
	dir := ""
	for d, decls := range r.funcs {
		if slices.Contains(decls, fd) {
			dir = d
		}
	}
	add := func(got []string) {
		for _, c := range got {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			for i, arg := range n.Args {
				id, isIdent := arg.(*ast.Ident)
				if !isIdent || id.Name != obj {
					continue
				}
				callee := r.callee(fd, n, dir)
				if callee == nil || depth > 3 || param(callee, i) == "" {
					return true
				}
				got, calleeOK := r.ofBody(callee, param(callee, i), named, columns, depth+1)
				ok = ok && calleeOK
				selects++
				add(got)
			}
		case *ast.Ident:
			if n.Name == obj {
				uses++
			}
		case *ast.SelectorExpr:
			id, isIdent := n.X.(*ast.Ident)
			if !isIdent || id.Name != obj {
				return true
			}
			selects++
			var got []string
			if c := r.column(columns, n.Sel.Name); c != "" {
				got = []string{c}
			} else if sel, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), true, named.Obj().Pkg(), n.Sel.Name); sel != nil {
				if _, isFunc := sel.(*types.Func); isFunc {
					var methodOK bool
					got, methodOK = r.ofMethod(n.Sel.Name, named, columns, depth+1)
					ok = ok && methodOK
				} else {
					ok = false
				}
			} else {
				ok = false
			}
			add(got)
		}
		return true
	})
	return cols, ok && uses == selects
}

func lcFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }
