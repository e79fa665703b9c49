package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

// demoSeed is the seed number of the demo partner, so every fresh start shows the same data.
const demoSeed = 1

// prepareDemo seeds the demo partner on the first start of the embedded default, and on
// every start prints the GraphiQL URL and fresh tokens for its admins of each role.
func (a *app) prepareDemo(ctx context.Context, out io.Writer) error {
	sys := viewer.SystemContext(ctx)
	p, err := a.db.Client.Partner.Query().Order(ent.Asc(partner.FieldID)).First(sys)
	if ent.IsNotFound(err) {
		start := time.Now()
		res, err := seed.Run(ctx, a.db, seed.Options{
			Seed: demoSeed, Customers: a.cfg.DemoCustomers, CallLegs: a.cfg.DemoCallLegs,
			PartnerName: "Demo Partner", Now: a.now(),
		})
		if err != nil {
			return fmt.Errorf("seed demo partner: %w", err)
		}
		a.logger.Info("seeded demo partner", "customers", a.cfg.DemoCustomers, "took", time.Since(start).Round(time.Millisecond))
		p, err = a.db.Client.Partner.Get(sys, res.PartnerID)
		if err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("find demo partner: %w", err)
	}
	fmt.Fprintf(out, "\nPartner Hub API (embedded database in %s)\n", a.cfg.DataDir)
	fmt.Fprintf(out, "GraphiQL: %s\n", localURL(a.cfg.Addr))
	fmt.Fprintf(out, "Paste one of these into GraphiQL's headers as {\"Authorization\": \"Bearer <token>\"} (valid %s):\n", a.cfg.TokenTTL)
	for _, role := range []enum.Role{enum.RoleFullAdmin, enum.RoleAdmin, enum.RoleReadOnlyAdmin} {
		adm, err := a.db.Client.Admin.Query().Where(admin.PartnerID(p.ID), admin.RoleEQ(role)).Order(ent.Asc(admin.FieldID)).First(sys)
		if err != nil {
			return fmt.Errorf("find demo %s: %w", role, err)
		}
		token, _, err := a.auth.Issue(sys, a.db.Client, adm, auth.Grant{Name: "demo start-up token", Role: role})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s (%s):\n%s\n", role, adm.Email, token)
	}
	fmt.Fprintln(out)
	return nil
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
