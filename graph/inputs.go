package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

// inputLimit refuses an operation whose arguments hold a list or a string over the limits,
// naming the argument and the limit.
type inputLimit struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = inputLimit{}

func (inputLimit) ExtensionName() string { return "InputLimit" }

func (inputLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (inputLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if msg := checkSelections(oc.Operation.SelectionSet, oc.Variables, 0); msg != "" {
		err := gqlerror.Errorf("%s", msg)
		err.Extensions = map[string]any{"code": string(gqlerr.BadUserInput)}
		return err
	}
	return nil
}

// checkSelections returns why an argument in set breaks the limits, or "".
func checkSelections(set ast.SelectionSet, vars map[string]any, seen int) string {
	if seen > 100 { // fragment cycles are refused by validation; this is a backstop
		return ""
	}
	for _, sel := range set {
		var msg string
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				v, err := arg.Value.Value(vars)
				if err != nil {
					continue
				}
				if why, at := checkValue(v); why != "" {
					slices.Reverse(at)
					return fmt.Sprintf("the argument %s of %s %s", arg.Name+strings.Join(at, ""), s.Name, why)
				}
			}
			msg = checkSelections(s.SelectionSet, vars, seen+1)
		case *ast.InlineFragment:
			msg = checkSelections(s.SelectionSet, vars, seen+1)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				msg = checkSelections(s.Definition.SelectionSet, vars, seen+1)
			}
		}
		if msg != "" {
			return msg
		}
	}
	return ""
}

// checkValue returns why v breaks the limits, or "", and where in v, innermost first.
func checkValue(v any) (string, []string) {
	switch v := v.(type) {
	case string:
		if n := utf8.RuneCountInString(v); n > limit.StringChars {
			return fmt.Sprintf("has %d characters, more than the limit of %d", n, limit.StringChars), nil
		}
	case []any:
		if len(v) > limit.ListItems {
			return fmt.Sprintf("has %d items, more than the limit of %d", len(v), limit.ListItems), nil
		}
		for i, item := range v {
			if why, at := checkValue(item); why != "" {
				return why, append(at, fmt.Sprintf("[%d]", i))
			}
		}
	case map[string]any:
		for k, item := range v {
			if why, at := checkValue(item); why != "" {
				return why, append(at, "."+k)
			}
		}
	}
	return "", nil
}
