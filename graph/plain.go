package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
	"github.com/partnerhub/partnerhub-api/graph/render"
	"github.com/partnerhub/partnerhub-api/graph/scalar"
)

// plainLists is the field middleware that writes the lists of plain objects a customer
// page is made of (tags, license summaries, subscriptions and their license lines) in one
// pass each (package render). Each field is written with the marshaller gqlgen generates
// for its type; TestPlainListsMatchGqlgen holds the two writers to the same output.
func plainLists(r *Resolver) graphql.FieldMiddleware {
	licenses := &render.Object[*ent.License]{Type: "License", Implements: []string{"Node"}, Fields: map[string]render.Field[*ent.License]{
		"id":             render.Value((*ent.License).GlobalID, graphql.MarshalID),
		"product":        render.Value(func(l *ent.License) enum.Product { return l.Product }, marshalEnum),
		"total":          render.Value(func(l *ent.License) int { return l.Total }, graphql.MarshalInt),
		"assigned":       render.Value(func(l *ent.License) int { return l.Assigned }, graphql.MarshalInt),
		"used":           render.Value(func(l *ent.License) int { return l.Used }, graphql.MarshalInt),
		"available":      render.Value((*ent.License).Available, graphql.MarshalInt),
		"overage":        render.Value((*ent.License).Overage, graphql.MarshalInt),
		"usedLast90Days": render.Value(func(l *ent.License) int { return l.Used90d }, graphql.MarshalInt),
	}}
	subscriptions := &render.Object[*ent.Subscription]{Type: "Subscription", Implements: []string{"Node"}, Fields: map[string]render.Field[*ent.Subscription]{
		"id":             render.Value((*ent.Subscription).GlobalID, graphql.MarshalID),
		"subscriptionId": render.Value(func(s *ent.Subscription) string { return s.SubscriptionID }, graphql.MarshalString),
		"kind":           render.Value(func(s *ent.Subscription) enum.SubscriptionKind { return s.Kind }, marshalEnum),
		"state":          render.Value(func(s *ent.Subscription) enum.SubscriptionState { return s.State }, marshalEnum),
		"startedAt":      render.Value(func(s *ent.Subscription) time.Time { return s.StartedAt }, scalar.MarshalDateTime),
		"endsAt":         render.Value(func(s *ent.Subscription) time.Time { return s.EndsAt }, scalar.MarshalDateTime),
		"autoRenew":      render.Value(func(s *ent.Subscription) bool { return s.AutoRenew }, graphql.MarshalBoolean),
		"renewalDate":    render.Nullable(func(s *ent.Subscription) *time.Time { return s.RenewalDate }, scalar.MarshalDateTime),
		"licenses":       render.List(r.Subscription().Licenses, licenses),
	}}
	summaries := &render.Object[*model.LicenseSummary]{Type: "LicenseSummary", Fields: map[string]render.Field[*model.LicenseSummary]{
		"product":   render.Value(func(s *model.LicenseSummary) enum.Product { return s.Product }, marshalEnum),
		"total":     render.Value(func(s *model.LicenseSummary) int { return s.Total }, graphql.MarshalInt),
		"assigned":  render.Value(func(s *model.LicenseSummary) int { return s.Assigned }, graphql.MarshalInt),
		"used":      render.Value(func(s *model.LicenseSummary) int { return s.Used }, graphql.MarshalInt),
		"available": render.Value(func(s *model.LicenseSummary) int { return s.Available }, graphql.MarshalInt),
		"overage":   render.Value(func(s *model.LicenseSummary) int { return s.Overage }, graphql.MarshalInt),
	}}
	tags := &render.Object[*ent.Tag]{Type: "Tag", Implements: []string{"Node"}, Fields: map[string]render.Field[*ent.Tag]{
		"id":          render.Value((*ent.Tag).GlobalID, graphql.MarshalID),
		"name":        render.Value(func(t *ent.Tag) string { return t.Name }, graphql.MarshalString),
		"color":       render.Value(func(t *ent.Tag) string { return t.Color }, graphql.MarshalString),
		"description": render.Value(func(t *ent.Tag) string { return t.Description }, graphql.MarshalString),
		"createdAt":   render.Value(func(t *ent.Tag) time.Time { return t.CreatedAt }, scalar.MarshalDateTime),
	}}
	admins := &render.Object[*ent.Admin]{Type: "Admin", Implements: []string{"Node"}, Fields: map[string]render.Field[*ent.Admin]{
		"id":           render.Value((*ent.Admin).GlobalID, graphql.MarshalID),
		"email":        render.Value(func(a *ent.Admin) string { return a.Email }, graphql.MarshalString),
		"displayName":  render.Value(func(a *ent.Admin) string { return a.DisplayName }, graphql.MarshalString),
		"role":         render.Value(func(a *ent.Admin) enum.Role { return a.Role }, marshalEnum),
		"lastSignInAt": render.Nullable(func(a *ent.Admin) *time.Time { return a.LastSignInAt }, scalar.MarshalDateTime),
		"createdAt":    render.Value(func(a *ent.Admin) time.Time { return a.CreatedAt }, scalar.MarshalDateTime),
	}}
	c := r.Customer()
	customers := &render.Object[*ent.Customer]{Type: "Customer", Implements: []string{"Node"}, Fields: map[string]render.Field[*ent.Customer]{
		"id":                  render.Value((*ent.Customer).GlobalID, graphql.MarshalID),
		"name":                render.Value(func(c *ent.Customer) string { return c.Name }, graphql.MarshalString),
		"orgId":               render.Value(func(c *ent.Customer) string { return c.OrgID }, graphql.MarshalString),
		"externalId":          render.Nullable(func(c *ent.Customer) *string { return c.ExternalID }, graphql.MarshalString),
		"region":              render.Value(func(c *ent.Customer) enum.Region { return c.Region }, marshalEnum),
		"country":             render.Value(func(c *ent.Customer) string { return c.Country }, graphql.MarshalString),
		"createdAt":           render.Value(func(c *ent.Customer) time.Time { return c.CreatedAt }, scalar.MarshalDateTime),
		"lastAdminActivityAt": render.Nullable(func(c *ent.Customer) *time.Time { return c.LastAdminActivityAt }, scalar.MarshalDateTime),
		"launchUrl":           render.Resolved(c.LaunchURL, graphql.MarshalString),
		"products":            render.Resolved(c.Products, render.Each(marshalEnum[enum.Product])),
		"statuses":            render.Resolved(c.Statuses, render.Each(marshalEnum[enum.CustomerStatus])),
		"licenseSummary":      render.List(c.LicenseSummary, summaries),
		"subscriptions": render.List(func(ctx context.Context, obj *ent.Customer) ([]*ent.Subscription, error) {
			return c.Subscriptions(ctx, obj, nil, nil)
		}, subscriptions),
		"trials": render.List(c.Trials, subscriptions),
		"tags":   render.List(c.Tags, tags),
		"admins": render.List(c.Admins, admins),
	}}
	edges := &render.Object[*page.Edge[*ent.Customer]]{Type: "CustomerEdge", Fields: map[string]render.Field[*page.Edge[*ent.Customer]]{
		"cursor": render.Value(func(e *page.Edge[*ent.Customer]) page.Cursor { return e.Cursor }, marshalEnum),
		"node":   render.One(func(e *page.Edge[*ent.Customer]) *ent.Customer { return e.Node }, customers),
	}}
	type field struct{ object, name string }
	lists := map[field]func(context.Context, any) (graphql.Marshaler, bool, error){
		// A customer page's loaders hold all its nodes ask for (primeCustomers).
		{"CustomerConnection", "edges"}: renderAs(edges),
		{"Customer", "tags"}:            renderAs(tags),
		{"Customer", "licenseSummary"}:  renderAs(summaries),
		{"Customer", "subscriptions"}:   renderAs(subscriptions),
		{"Customer", "trials"}:          renderAs(subscriptions),
		{"Customer", "admins"}:          renderAs(admins),
		{"Subscription", "licenses"}:    renderAs(licenses),
	}
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		write, ok := lists[field{fc.Object, fc.Field.Name}]
		res, err := next(ctx)
		if !ok || err != nil {
			return res, err
		}
		if m, plain, err := write(ctx, res); plain {
			return m, err
		}
		return res, nil
	}
}

// renderAs writes a resolver's result, a []T, as o.
func renderAs[T any](o *render.Object[T]) func(context.Context, any) (graphql.Marshaler, bool, error) {
	return func(ctx context.Context, res any) (graphql.Marshaler, bool, error) {
		list, ok := res.([]T)
		if !ok {
			return nil, false, nil
		}
		return o.Render(ctx, list)
	}
}

// marshalEnum writes an enum (or a Cursor) as gqlgen does: the value is its own marshaller.
func marshalEnum[E graphql.Marshaler](v E) graphql.Marshaler { return v }
