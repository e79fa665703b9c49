package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
)

// TestChangedKeepsUnrelatedLookups: a token's cached lookup survives the partner's changes
// of other rows (licenses, call legs), and is made again after a change of its tokens,
// admins or settings, so that a revocation applies at the next check (a websocket's
// Recheck included).
func TestChangedKeepsUnrelatedLookups(t *testing.T) {
	db := storagetest.MustOpen(t)
	sys := viewer.SystemContext(context.Background())
	now := time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
	a, err := auth.New(auth.Config{Secret: []byte("auth-test-secret-0123456789abcdef012"), Issuer: "test", Audience: "test", TTL: time.Hour, CacheTTL: time.Minute},
		db.Client, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	p := db.Client.Partner.Create().SetName("Tokens").SetOrgID("tokens").SaveX(sys)
	adm := db.Client.Admin.Create().SetPartnerID(p.ID).SetRole(enum.RoleFullAdmin).SetDisplayName("Full").SetEmail("full@tokens.example").SaveX(sys)
	raw, tok, err := a.Issue(viewer.NewContext(sys, viewer.SystemOf(p.ID)), db.Client, adm, auth.Grant{Name: "t", Role: enum.RoleFullAdmin})
	if err != nil {
		t.Fatal(err)
	}
	// lookups returns the statements an authentication ran.
	lookups := func(what string) int64 {
		t.Helper()
		ctx, n := counting.WithCounter(context.Background())
		if _, err := a.Authenticate(ctx, raw); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return n.Load()
	}
	if lookups("first") == 0 {
		t.Fatal("the first authentication read nothing")
	}
	for _, kinds := range [][]change.Kind{{ent.TypeLicense, ent.TypeLicenseSnapshot}, {ent.TypeCallLeg, ent.TypeCallingDay}, {ent.TypeCustomer, change.Assignment}} {
		a.Changed(p.ID, change.Set{Kinds: kinds, Customers: []int{1}})
		if n := lookups("after a change of other rows"); n != 0 {
			t.Errorf("after a change of %v the token was looked up again (%d statements), want the cached lookup", kinds, n)
		}
	}
	for _, s := range []change.Set{{Kinds: []change.Kind{ent.TypeAdmin}}, {Kinds: []change.Kind{ent.TypePartner}}, change.Everything()} {
		a.Changed(p.ID, s)
		if lookups("after a change of the partner's admins or settings") == 0 {
			t.Errorf("after a change of %+v the cached lookup was used, want the token looked up again", s)
		}
	}
	v, err := a.Authenticate(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Revoke(viewer.NewContext(sys, viewer.SystemOf(p.ID)), db.Client, tok.ID); err != nil {
		t.Fatal(err)
	}
	a.Changed(p.ID, change.Set{Kinds: []change.Kind{ent.TypeApiToken}})
	if _, err := a.Recheck(context.Background(), v); !errors.Is(err, auth.ErrInvalidToken) {
		t.Errorf("Recheck of a revoked token = %v, want ErrInvalidToken", err)
	}
}
