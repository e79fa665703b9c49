// Command gen runs gqlgen with gqlgen.yml and, from the same schema and bindings, writes
// the tables of the one-pass list writer (package render) to graph/plain_gen.go: which
// object types and fields it writes, their Go accessors and marshallers, the interfaces
// each type implements, the loaders a page prefetches for each field and the columns each
// field reads. Run it from the module root (go generate does, see graph/resolver.go).
//
// A list field of objects marked @prefetched in the schema is written in one pass, with
// every object type reached from it through written fields. A field is written when it is
// read off its Go value (a struct field, or a method without context), or when it is
// marked @prefetched: its resolver reads only what the page's loaders already hold. Any
// other field is left to gqlgen, with the reason.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

// output is where the tables go, in package graph beside the resolvers.
const output = "graph/plain_gen.go"

func main() {
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatalf("load gqlgen.yml: %v", err)
	}
	if err := api.Generate(cfg, api.AddPlugin(plugin{})); err != nil {
		log.Fatalf("generate: %v", err)
	}
}

type plugin struct{}

func (plugin) Name() string { return "plainlists" }

func (plugin) GenerateCode(data *codegen.Data) error {
	src, err := newTables(data).source()
	if err != nil {
		return err
	}
	if err := os.WriteFile(output, src, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", output, err)
	}
	return nil
}
