package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/filter"
	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// The limits of package limit are enforced here: Limits, the deadline, the costs of
// expensive fields, the heavy operations and the largest inputs.

// Limits bound what one request may ask for.
type Limits struct {
	// Complexity is the maximum query complexity; list fields multiply by first/last.
	Complexity int
	// Depth is the maximum selection depth, introspection excluded.
	Depth int
	// ParserTokens is the maximum number of tokens the parser reads.
	ParserTokens int
	// RootFields and Aliases are the most root fields and aliased fields an operation
	// selects; IntrospectionDepth the deepest an introspection selection nests.
	RootFields, Aliases, IntrospectionDepth int
	// Admission queues and times the operations; nil gives each handler its own default.
	Admission *Admission
}

// DefaultLimits are the limits when none are configured.
var DefaultLimits = Limits{Complexity: limit.Complexity, Depth: limit.Depth, ParserTokens: limit.ParserTokens,
	RootFields: limit.RootFields, Aliases: limit.Aliases, IntrospectionDepth: limit.IntrospectionDepth}

// operationLimits refuses, before execution, operations that nest deeper than depth (or,
// within introspection, than introspection: a client's schema query nests its type
// references a dozen levels deep), that select more root fields or aliased fields than
// allowed, or the schema more than once. Each alias of a field is executed again, and one
// document of aliases could otherwise ask the same expensive thing a thousand times within
// the complexity limit.
type operationLimits struct{ depth, introspection, rootFields, aliases int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationLimits{}

func (operationLimits) ExtensionName() string { return "OperationLimits" }

func (operationLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l operationLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	set := oc.Operation.SelectionSet
	if depth, intro := selectionDepth(set, 0); depth > l.depth {
		return limitError(gqlerr.BadUserInput, "operation is nested %d levels deep, more than the limit of %d", depth, l.depth)
	} else if intro > l.introspection {
		return limitError(gqlerr.BadUserInput, "introspection is nested %d levels deep, more than the limit of %d", intro, l.introspection)
	}
	if n := len(graphql.CollectFields(oc, set, nil)); n > l.rootFields {
		return limitError(gqlerr.ComplexityExceeded, "operation selects %d root fields, more than the limit of %d", n, l.rootFields)
	}
	var c shapeCount
	c.walk(set, l.aliases)
	switch {
	case c.aliases > l.aliases:
		return limitError(gqlerr.ComplexityExceeded, "operation has more than %d aliased fields, the limit", l.aliases)
	case c.schemas > 1:
		return limitError(gqlerr.ComplexityExceeded, "operation selects __schema %d times; at most once", c.schemas)
	}
	return nil
}

// limitError refuses an operation for a limit it exceeds.
func limitError(code gqlerr.Code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(code)}
	return err
}

// selectionDepth returns how deep set nests outside introspection and within it,
// fragments included.
func selectionDepth(set ast.SelectionSet, seen int) (depth, introspection int) {
	if seen > 100 { // fragment cycles are refused by validation; this is a backstop
		return seen, seen
	}
	for _, sel := range set {
		var d, i int
		switch s := sel.(type) {
		case *ast.Field:
			d, i = selectionDepth(s.SelectionSet, seen+1)
			if strings.HasPrefix(s.Name, "__") {
				d, i = 0, 1+max(d, i)
			} else {
				d, i = 1+d, max(i, 0)
			}
		case *ast.InlineFragment:
			d, i = selectionDepth(s.SelectionSet, seen)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d, i = selectionDepth(s.Definition.SelectionSet, seen)
			}
		}
		depth, introspection = max(depth, d), max(introspection, i)
	}
	return depth, introspection
}

// shapeCount counts, as they would execute, an operation's aliased fields and __schema
// selections, stopping once over the limit.
type shapeCount struct{ aliases, schemas int }

func (c *shapeCount) walk(set ast.SelectionSet, limit int) {
	for _, sel := range set {
		if c.aliases > limit || c.schemas > 1 {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				c.aliases++
			}
			if s.Name == "__schema" {
				c.schemas++
			}
			c.walk(s.SelectionSet, limit)
		case *ast.InlineFragment:
			c.walk(s.SelectionSet, limit)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				c.walk(s.Definition.SelectionSet, limit)
			}
		}
	}
}

// setComplexity makes list fields cost their page size times what each item selects, so
// the complexity limit bounds the rows a query can touch.
func setComplexity(c *generated.ComplexityRoot) {
	c.Query.Customers = func(child int, first *int, _ *page.Cursor, last *int, _ *page.Cursor, _ *model.CustomerOrder, f *model.CustomerFilter, q *string) int {
		cost := pageCost(child, first, last)
		if f != nil || q != nil && *q != "" {
			// A filtered page (and its count) may scan the partner's customers; a searched one
			// reads every one of them, twice.
			cost += filteredCost
			if criteria, err := filter.Compile(f, q); err == nil && criteria.Searches() {
				cost += searchedCost
			}
		}
		return cost
	}
	// A KPI, an analytics section and a trend week are each counts or sums over the
	// partner's customers or lines when not cached.
	c.Query.Kpis = func(child int, _ *enum.Region) int { return kpisCost + child }
	section := func(child int) int { return sectionCost + child }
	c.SubscriptionAnalytics.RecentlyAdded, c.SubscriptionAnalytics.Expiring, c.SubscriptionAnalytics.Renewing = section, section, section
	c.SubscriptionAnalytics.LowAssignment, c.SubscriptionAnalytics.Overage = section, section
	c.SubscriptionAnalytics.LicenseTrend = func(child int, weeks int) int { return trendWeekCost*max(1, weeks) + child }
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

// The costs of fields that aggregate over the partner's data, in the units of the
// complexity limit (one per object written): at the default limit an operation may ask
// for about ten KPI blocks or sections, twenty filtered pages or one searched page.
const (
	filteredCost  = 1000
	searchedCost  = 10000
	kpisCost      = 2000
	sectionCost   = 2000
	trendWeekCost = 100
)

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
