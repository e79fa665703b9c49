package graph

import (
	"os"
	"regexp"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestReadmeExamplesValidate: every GraphQL example of the README is a valid operation of
// the schema, so the user document cannot drift from the contract.
func TestReadmeExamplesValidate(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	schemaText, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(schemaText)})
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 8 {
		t.Fatalf("found %d GraphQL examples in the README, want one per feature", len(blocks))
	}
	for _, b := range blocks {
		// A block may hold several operations, one per line or spread over lines.
		for _, op := range splitOperations(b[1]) {
			if _, errs := gqlparser.LoadQuery(schema, op); errs != nil {
				t.Errorf("README example does not validate: %v\n%s", errs, op)
			}
		}
	}
}

// splitOperations splits a block into its operations: each starts at a line beginning with
// "{", "query", "mutation" or "subscription" and runs to the next one.
func splitOperations(block string) []string {
	starts := regexp.MustCompile(`(?m)^(\{|query|mutation|subscription)`).FindAllStringIndex(block, -1)
	var out []string
	for i, s := range starts {
		end := len(block)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		out = append(out, block[s[0]:end])
	}
	return out
}
