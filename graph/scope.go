package graph

import (
	"context"
	"fmt"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/live"
)

// The kinds of rows that scopes of cached results name.
const (
	kindCustomer     change.Kind = ent.TypeCustomer
	kindLicense      change.Kind = ent.TypeLicense
	kindSubscription change.Kind = ent.TypeSubscription
	kindSnapshot     change.Kind = ent.TypeLicenseSnapshot
	kindPartner      change.Kind = ent.TypePartner
	kindAdmin        change.Kind = ent.TypeAdmin
)

var (
	// dashboardReads are the kinds of rows the KPIs and the subscription analytics read.
	dashboardReads = []change.Kind{kindCustomer, kindLicense, kindSubscription, kindSnapshot, kindPartner, kindAdmin, change.Assignment}
	// viewerKinds alter any viewer's figures whichever customer they touch: settings,
	// roles and assignments.
	viewerKinds = []change.Kind{kindPartner, kindAdmin, change.Assignment}
	// memberReads are the kinds of rows whose customers' KPIs the partner-wide members read.
	memberReads = []change.Kind{kindCustomer, kindLicense, kindSubscription, kindPartner}
	// memberRows are the memberReads that alter only the members of the customers they
	// touch (and the partner-wide low-assignment bars).
	memberRows = []change.Kind{kindCustomer, kindLicense, kindSubscription}
	// barKinds feed the partner-wide low-assignment bar, from every customer's lines.
	barKinds = []change.Kind{kindLicense, kindSubscription}
)

// scopeKey names what a viewer can see, for caching: everything of the partner, or one
// ADMIN's customers.
func scopeKey(v *viewer.Viewer) string {
	if v.SeesAllCustomers() {
		return "all"
	}
	return fmt.Sprintf("admin:%d", v.AdminID)
}

// partnerScope is the viewer's scope for results that any change of the partner may alter.
func partnerScope(v *viewer.Viewer) live.Scope {
	return live.Scope{PartnerID: v.PartnerID, Name: scopeKey(v)}
}

// dashboardScope is the viewer's scope for the KPIs and subscription analytics: they read
// dashboardReads of the customers the viewer sees. An ADMIN's figures also depend on the
// partner's low-assignment bar, which lines of any customer move.
func (r *Resolver) dashboardScope(ctx context.Context, v *viewer.Viewer) (live.Scope, error) {
	s := live.Scope{PartnerID: v.PartnerID, Name: scopeKey(v), Reads: dashboardReads}
	if v.SeesAllCustomers() {
		return s, nil
	}
	visible, err := live.Get(ctx, r.Cache, live.Scope{PartnerID: v.PartnerID, Name: s.Name, Reads: viewerKinds}, "visible",
		func(ctx context.Context) (map[int]bool, error) {
			ids, err := r.Client.Customer.Query().Select(customer.FieldID).Ints(ctx)
			if err != nil {
				return nil, fmt.Errorf("list the customers of %s: %w", s.Name, err)
			}
			out := make(map[int]bool, len(ids))
			for _, id := range ids {
				out[id] = true
			}
			return out, nil
		})
	if err != nil {
		return live.Scope{}, err
	}
	s.Visible, s.Global, s.Shared = visible, viewerKinds, barKinds
	s.Check = func(ctx context.Context) (any, error) {
		members, err := r.kpiMembers(ctx)
		return members.Bars(), err
	}
	return s, nil
}
