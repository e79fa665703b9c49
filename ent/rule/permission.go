package rule

import (
	"context"
	"slices"

	"entgo.io/ent/entql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Require denies a mutation unless the viewer has the capability.
func Require(what string, can viewer.Can) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
		if !can(viewer.FromContext(ctx)) {
			return privacy.Denyf("not allowed to %s", what)
		}
		return privacy.Skip
	})
}

// RequireRead denies a query unless the viewer has the capability.
func RequireRead(what string, can viewer.Can) privacy.QueryRule {
	return privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
		if !can(viewer.FromContext(ctx)) {
			return privacy.Denyf("not allowed to read %s", what)
		}
		return privacy.Skip
	})
}

// RequireIngestOrTrial lets ingestion change the rows of subscriptions and their lines, and
// lets trials create them.
func RequireIngestOrTrial() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		v := viewer.FromContext(ctx)
		if v.CanIngest() || m.Op().Is(ent.OpCreate) && v.CanStartTrials() {
			return privacy.Skip
		}
		return privacy.Denyf("not allowed to change subscriptions")
	})
}

// CustomerChanges checks a customer mutation part by part: its fields are ingestion (or a
// new trial customer), its tags need tag editing, its admins need admin assignment — except
// that an ADMIN creating a customer is assigned to it.
func CustomerChanges() privacy.MutationRule {
	return privacy.CustomerMutationRuleFunc(func(ctx context.Context, m *ent.CustomerMutation) error {
		v := viewer.FromContext(ctx)
		create := m.Op().Is(ent.OpCreate)
		switch {
		case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
			return privacy.Denyf("customers are never deleted through the API")
		case (create || len(m.Fields()) > 0) && !v.CanIngest() && !(create && v.CanStartTrials()):
			return privacy.Denyf("not allowed to change customers")
		case (len(m.TagsIDs()) > 0 || len(m.RemovedTagsIDs()) > 0 || m.TagsCleared()) && !v.CanEditTags():
			return privacy.Denyf("not allowed to tag customers")
		case len(m.RemovedAdminsIDs()) > 0 || m.AdminsCleared():
			if !v.CanAssignAdmins() {
				return privacy.Denyf("not allowed to unassign admins")
			}
		case len(m.AdminsIDs()) > 0 && !v.CanAssignAdmins() && !(create && slices.Equal(m.AdminsIDs(), []int{v.AdminID})):
			return privacy.Denyf("not allowed to assign admins")
		}
		return privacy.Skip
	})
}

// OwnTokens limits a viewer other than a FULL_ADMIN to the tokens it minted.
func OwnTokens() privacy.QueryMutationRule {
	type adminFilter interface{ WhereAdminID(entql.IntP) }
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v.Role == enum.RoleFullAdmin {
			return privacy.Skip
		}
		af, ok := f.(adminFilter)
		if !ok {
			return privacy.Denyf("%T has no admin", f)
		}
		af.WhereAdminID(entql.IntEQ(v.AdminID))
		return privacy.Skip
	})
}

// MintOwnTokens lets a viewer mint tokens only for itself, with a role and scopes it may grant.
func MintOwnTokens() privacy.MutationRule {
	rule := privacy.ApiTokenMutationRuleFunc(func(ctx context.Context, m *ent.ApiTokenMutation) error {
		v := viewer.FromContext(ctx)
		adminID, _ := m.AdminID()
		role, _ := m.Role()
		scopes, _ := m.Scopes()
		if adminID != v.AdminID || !v.CanMint(role, scopes) {
			return privacy.Denyf("not allowed to mint this token")
		}
		return privacy.Skip
	})
	return privacy.OnMutationOperation(rule, ent.OpCreate)
}
