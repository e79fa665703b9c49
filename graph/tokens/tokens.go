// Package tokens mints and revokes role-scoped API tokens through the API.
package tokens

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Lifetimes of minted tokens, in days.
const (
	DefaultDays = 30
	MaxDays     = 365
)

func anyone(*viewer.Viewer) bool { return true }

// Create mints a token acting as the viewer's admin, with a role and scopes at most the
// viewer's, and returns its JWT — the only time the secret exists.
func Create(ctx context.Context, rec *audit.Recorder, authority *auth.Authority, in model.CreateAPITokenInput) (*model.CreateAPITokenPayload, error) {
	v := viewer.FromContext(ctx)
	grant, err := grantOf(v, in)
	if err != nil {
		return nil, err
	}
	return audit.Run(ctx, rec, "createApiToken", anyone, func(ctx context.Context, tx *ent.Tx) (*model.CreateAPITokenPayload, audit.Change, error) {
		adm, err := tx.Admin.Get(ctx, v.AdminID)
		if err != nil {
			return nil, audit.Change{}, err
		}
		jwt, tok, err := authority.Issue(ctx, tx.Client(), adm, grant)
		if err != nil {
			return nil, audit.Change{}, err
		}
		summary := fmt.Sprintf("minted %s token %q with scopes [%s], expiring %s", tok.Role, tok.Name, strings.Join(tok.Scopes, " "), tok.ExpiresAt.Format(time.RFC3339))
		return &model.CreateAPITokenPayload{Token: jwt, APIToken: tok}, audit.Change{Targets: []string{tok.GlobalID()}, Summary: summary}, nil
	})
}

func grantOf(v *viewer.Viewer, in model.CreateAPITokenInput) (auth.Grant, error) {
	g := auth.Grant{Name: strings.TrimSpace(in.Name), Role: v.Role, TTL: DefaultDays * 24 * time.Hour, Parent: v.TokenID}
	if l := len(g.Name); l < 1 || l > 100 {
		return g, gqlerr.Errorf(gqlerr.BadUserInput, "a token name has 1 to 100 characters")
	}
	if in.Role != nil {
		g.Role = *in.Role
	}
	for _, s := range in.Scopes { // each one of viewer.Scopes (the Scope scalar)
		if !slices.Contains(g.Scopes, s) {
			g.Scopes = append(g.Scopes, s)
		}
	}
	if in.ExpiresInDays != nil {
		if d := *in.ExpiresInDays; d < 1 || d > MaxDays {
			return g, gqlerr.Errorf(gqlerr.BadUserInput, "expiresInDays takes 1 to %d, got %d", MaxDays, d)
		}
		g.TTL = time.Duration(*in.ExpiresInDays) * 24 * time.Hour
	}
	if !v.CanMint(g.Role, g.Scopes) {
		return g, gqlerr.Errorf(gqlerr.Forbidden, "a %s may not mint a %s token with scopes [%s]", v.Role, g.Role, strings.Join(g.Scopes, " "))
	}
	return g, nil
}

// Revoke revokes a token the viewer may see, and the tokens minted with it; revoking it
// again changes nothing. Once committed, this instance refuses them at once.
func Revoke(ctx context.Context, rec *audit.Recorder, authority *auth.Authority, rawID string) (*ent.ApiToken, error) {
	id, err := gid.DecodeAs("ApiToken", rawID)
	if err != nil {
		return nil, gqlerr.Errorf(gqlerr.NotFound, "token %s not found", rawID)
	}
	var revoked []string
	tok, err := audit.Run(ctx, rec, "revokeApiToken", anyone, func(ctx context.Context, tx *ent.Tx) (*ent.ApiToken, audit.Change, error) {
		tok, err := tx.ApiToken.Get(ctx, id)
		if err != nil || tok.RevokedAt != nil {
			return tok, audit.Change{}, err
		}
		if revoked, err = authority.Revoke(ctx, tx.Client(), tok.ID); err != nil {
			return nil, audit.Change{}, err
		}
		tok, err = tx.ApiToken.Get(ctx, id)
		if err != nil {
			return nil, audit.Change{}, err
		}
		summary := fmt.Sprintf("revoked token %q", tok.Name)
		if n := len(revoked) - 1; n > 0 {
			summary += fmt.Sprintf(" and %d tokens minted with it", n)
		}
		return tok, audit.Change{Targets: []string{tok.GlobalID()}, Summary: summary}, nil
	})
	return tok, err
}
