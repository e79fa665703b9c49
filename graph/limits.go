package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// depthLimit refuses operations whose selections nest deeper than max, before execution.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string { return "DepthLimit" }

func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0); depth > d.max {
		err := gqlerror.Errorf("operation is nested %d levels deep, more than the limit of %d", depth, d.max)
		err.Extensions = map[string]any{"code": string(gqlerr.BadUserInput)}
		return err
	}
	return nil
}

// selectionDepth returns how deep set nests, fragments included and introspection not.
func selectionDepth(set ast.SelectionSet, seen int) int {
	if seen > 100 { // fragment cycles are refused by validation; this is a backstop
		return seen
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, seen+1)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, seen)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// setComplexity makes list fields cost their page size times what each item selects, so
// the complexity limit bounds the rows a query can touch.
func setComplexity(c *generated.ComplexityRoot) {
	c.Query.Customers = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ *model.CustomerOrder, _ *model.CustomerFilter, _ *string) int {
		return pageCost(child, first, last)
	}
	c.Query.Nodes = func(child int, ids []string) int { return 1 + child*max(1, len(ids)) }
	c.Query.Tags = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ *string) int {
		return pageCost(child, first, last)
	}
	c.Query.Admins = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ []enum.Role, _ *string) int {
		return pageCost(child, first, last)
	}
	c.Query.APITokens = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor) int {
		return pageCost(child, first, last)
	}
	c.Query.AuditEvents = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ *model.AuditEventFilter) int {
		return pageCost(child, first, last)
	}
	c.Admin.Customers = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor) int {
		return pageCost(child, first, last)
	}
	rows := func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ *model.AnalyticsRowOrder) int {
		return pageCost(child, first, last)
	}
	c.ExpiringSection.Rows, c.RenewingSection.Rows, c.LowAssignmentSection.Rows = rows, rows, rows
	c.OverageSection.Rows, c.RecentlyAddedSection.Rows = rows, rows
	// Nested lists of a customer are short but not bounded by an argument: count a few items.
	c.Customer.Subscriptions = func(child int, _ []enum.SubscriptionKind, _ []enum.SubscriptionState) int { return 1 + child*5 }
	c.Customer.Trials = func(child int) int { return 1 + child*2 }
	c.Customer.Tags = func(child int) int { return 1 + child*5 }
	c.Customer.Admins = func(child int) int { return 1 + child*3 }
	c.Subscription.Licenses = func(child int) int { return 1 + child*3 }
	c.Subscription.Invoices = func(child int) int { return 1 + child*5 }
	c.Subscription.Orders = func(child int) int { return 1 + child*5 }
}

// pageCost is the cost of a connection field returning first or last items.
func pageCost(child int, first, last *int) int {
	n := page.DefaultSize
	if first != nil {
		n = *first
	} else if last != nil {
		n = *last
	}
	return 1 + child*max(1, n)
}
