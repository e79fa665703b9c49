package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

// demoSeed is the seed number of the demo partner, so every fresh start shows the same data.
const demoSeed = 1

// startupTokenName names the tokens printed at start, so that the next start finds them.
const startupTokenName = "demo start-up token"

// demoRoles are the roles a start-up token is printed for.
var demoRoles = []enum.Role{enum.RoleFullAdmin, enum.RoleAdmin, enum.RoleReadOnlyAdmin}

// prepareDemo seeds the demo partner into an empty embedded database and, on every start,
// prints the GraphiQL URL of the listen address addr and a token for each of the demo's
// roles. A database holding other partners only (bootstrapped ones) is served as it is,
// with how to mint a token.
func (a *App) prepareDemo(ctx context.Context, out io.Writer, addr string) error {
	sys := viewer.SystemContext(ctx)
	p, err := a.findDemo(sys)
	if err != nil {
		return err
	}
	if p == nil {
		if p, err = a.seedDemo(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nPartner Hub API (embedded database in %s)\n", a.Cfg.DataDir)
	fmt.Fprintf(out, "GraphiQL: %s\n", localURL(addr))
	if p == nil {
		fmt.Fprintln(out, "This database holds no demo partner. Mint a token for one of its admins with:")
		fmt.Fprintf(out, "  server token --admin EMAIL\n\n")
		return nil
	}
	fmt.Fprintln(out, `Paste one of these into GraphiQL's headers as {"Authorization": "Bearer <token>"}:`)
	for _, role := range demoRoles {
		adm, err := a.DB.Client.Admin.Query().Where(admin.PartnerID(p.ID), admin.RoleEQ(role)).Order(ent.Asc(admin.FieldID)).First(sys)
		if ent.IsNotFound(err) {
			continue
		} else if err != nil {
			return fmt.Errorf("find demo %s: %w", role, err)
		}
		token, tok, err := a.startupToken(sys, adm)
		if err != nil {
			return err
		}
		fmt.Fprintln(out)
		printToken(out, adm, tok, token)
	}
	fmt.Fprintln(out)
	return nil
}

// findDemo returns the partner the demo seed created (the first, if seeded more than
// once), or nil when there is none.
func (a *App) findDemo(sys context.Context) (*ent.Partner, error) {
	partners, err := a.DB.Client.Partner.Query().Order(ent.Asc(partner.FieldID)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("find demo partner: %w", err)
	}
	for _, p := range partners {
		if p.OrgID == seed.PartnerOrgID(demoSeed, p.ID) {
			return p, nil
		}
	}
	return nil, nil
}

// seedDemo seeds the demo partner when the database holds no partner at all, and returns
// it; it returns nil when other partners are there.
func (a *App) seedDemo(ctx context.Context) (*ent.Partner, error) {
	sys := viewer.SystemContext(ctx)
	if n, err := a.DB.Client.Partner.Query().Count(sys); err != nil || n > 0 {
		return nil, err
	}
	start := time.Now()
	res, err := seed.Run(ctx, a.DB, seed.Options{
		Seed: demoSeed, Customers: a.Cfg.DemoCustomers, CallLegs: a.Cfg.DemoCallLegs,
		PartnerName: seed.DefaultPartnerName, Now: a.Now(),
	})
	if err != nil {
		return nil, fmt.Errorf("seed demo partner: %w", err)
	}
	a.logger.Info("seeded demo partner", "customers", a.Cfg.DemoCustomers, "took", time.Since(start))
	return a.DB.Client.Partner.Get(sys, res.PartnerID)
}

// startupToken returns a start-up token for adm: the previous start's, when it is live for
// at least half a token lifetime more, else a new one. Every other start-up token of adm
// is deleted, so that restarts leave one record per admin.
func (a *App) startupToken(sys context.Context, adm *ent.Admin) (string, *ent.ApiToken, error) {
	old, err := a.DB.Client.ApiToken.Query().
		Where(apitoken.AdminID(adm.ID), apitoken.Name(startupTokenName)).
		Order(ent.Desc(apitoken.FieldExpiresAt)).All(sys)
	if err != nil {
		return "", nil, fmt.Errorf("find start-up tokens of %s: %w", adm.Email, err)
	}
	var keep *ent.ApiToken
	if len(old) > 0 && old[0].RevokedAt == nil && old[0].ExpiresAt.After(a.Now().Add(a.Cfg.TokenTTL/2)) {
		keep = old[0]
	}
	drop := apitoken.And(apitoken.AdminID(adm.ID), apitoken.Name(startupTokenName))
	if keep != nil {
		drop = apitoken.And(drop, apitoken.IDNEQ(keep.ID))
	}
	if _, err := a.DB.Client.ApiToken.Delete().Where(drop).Exec(sys); err != nil {
		return "", nil, fmt.Errorf("delete old start-up tokens of %s: %w", adm.Email, err)
	}
	if keep == nil {
		return a.Auth.Issue(sys, a.DB.Client, adm, auth.Grant{Name: startupTokenName, Role: adm.Role})
	}
	token, err := a.Auth.Sign(keep, gid.Encode("Admin", adm.ID))
	return token, keep, err
}

// localURL turns a listen address into the URL a browser on this machine opens.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
