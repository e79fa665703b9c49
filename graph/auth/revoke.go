package auth

import (
	"context"
	"fmt"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/apitoken"
)

// Revoke revokes the token id and every token minted with it, and with those in turn,
// through client (a transaction's), and returns the IDs (jti) of the tokens it revoked. The
// commit's change notification makes every instance forget their cached lookups (Forget).
func (a *Authority) Revoke(ctx context.Context, client *ent.Client, id int) ([]string, error) {
	ids := []int{id}
	for level := ids; len(level) > 0; ids = append(ids, level...) {
		var err error
		if level, err = client.ApiToken.Query().Where(apitoken.ParentIDIn(level...)).IDs(ctx); err != nil {
			return nil, fmt.Errorf("read the tokens minted with %d tokens: %w", len(ids), err)
		}
	}
	live := client.ApiToken.Query().Where(apitoken.IDIn(ids...), apitoken.RevokedAtIsNil())
	jtis, err := live.Clone().Select(apitoken.FieldJti).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the tokens to revoke: %w", err)
	}
	if err := client.ApiToken.Update().Where(apitoken.IDIn(ids...), apitoken.RevokedAtIsNil()).SetRevokedAt(a.now().UTC()).Exec(ctx); err != nil {
		return nil, fmt.Errorf("revoke %d tokens: %w", len(jtis), err)
	}
	return jtis, nil
}
