package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

var migrateCommand = command{
	usage: "Creates or updates the database schema, then exits.",
	flags: func(*flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			db, err := openDB(ctx, e.cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintln(e.stdout, "schema is up to date")
			return nil
		}
	},
}

var seedCommand = command{
	usage: "Builds a new partner with realistic customers, subscriptions, licenses, tags, admins,\ncall queues and call legs, deterministically from --seed.",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		opts := seed.Options{}
		fs.Int64Var(&opts.Seed, "seed", 1, "seed number: the same seed and sizes give the same data")
		fs.IntVar(&opts.Customers, "customers", 500, "customers to create")
		fs.IntVar(&opts.CallLegs, "call-legs", 50000, "call legs to create over the last 10 weeks")
		fs.StringVar(&opts.PartnerName, "partner-name", "Demo Partner", "name of the new partner")
		return func(ctx context.Context, e *env) error {
			db, err := openDB(ctx, e.cfg)
			if err != nil {
				return err
			}
			defer db.Close()
			opts.Now = e.now()
			start := time.Now()
			res, err := seed.Run(ctx, db, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "seeded partner %d (%q) in %s\n", res.PartnerID, opts.PartnerName, time.Since(start).Round(time.Millisecond))
			for _, role := range enum.Role("").Values() {
				if emails := res.Admins[role]; len(emails) > 0 {
					fmt.Fprintf(e.stdout, "  %-16s %s (and %d more)\n", role, emails[0], len(emails)-1)
				}
			}
			return nil
		}
	},
}

var bootstrapCommand = command{
	usage: "Creates a partner with its first FULL_ADMIN and prints a token for that admin.",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		name := fs.String("partner", "", "name of the new partner (required)")
		email := fs.String("admin", "", "email of its first FULL_ADMIN (required)")
		display := fs.String("admin-name", "", "display name of that admin (default: the email's local part)")
		return func(ctx context.Context, e *env) error {
			if strings.TrimSpace(*name) == "" || !strings.Contains(*email, "@") {
				return errors.New("bootstrap needs --partner NAME and --admin EMAIL")
			}
			a, err := openApp(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			if *display == "" {
				*display, _, _ = strings.Cut(*email, "@")
			}
			sys := viewer.SystemContext(ctx)
			tx, err := a.db.Client.Tx(sys)
			if err != nil {
				return err
			}
			p, err := tx.Partner.Create().SetName(strings.TrimSpace(*name)).SetOrgID(uuid.NewString()).Save(sys)
			if err != nil {
				return errors.Join(fmt.Errorf("create partner: %w", err), tx.Rollback())
			}
			adm, err := tx.Admin.Create().SetPartnerID(p.ID).SetEmail(strings.ToLower(*email)).
				SetDisplayName(*display).SetRole(enum.RoleFullAdmin).Save(sys)
			if err != nil {
				return errors.Join(fmt.Errorf("create admin: %w", err), tx.Rollback())
			}
			token, _, err := a.auth.Issue(sys, tx.Client(), adm, auth.Grant{Name: "bootstrap", Role: enum.RoleFullAdmin})
			if err != nil {
				return errors.Join(err, tx.Rollback())
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "created partner %q (org ID %s) with FULL_ADMIN %s\ntoken (valid %s):\n%s\n", p.Name, p.OrgID, adm.Email, e.cfg.TokenTTL, token)
			return nil
		}
	},
}

var tokenCommand = command{
	usage: "Mints a token for an existing admin and prints it.",
	flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
		email := fs.String("admin", "", "email of the admin the token acts as (required)")
		orgID := fs.String("partner", "", "org ID of the admin's partner, when the email exists at several partners")
		role := fs.String("role", "", "role of the token, at most the admin's (default: the admin's role)")
		ttl := fs.Duration("ttl", 0, "lifetime of the token (default: PARTNERHUB_TOKEN_TTL)")
		name := fs.String("name", "cli", "name of the token, as listed among the partner's tokens")
		return func(ctx context.Context, e *env) error {
			if *email == "" {
				return errors.New("token needs --admin EMAIL")
			}
			a, err := openApp(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			sys := viewer.SystemContext(ctx)
			adm, err := findAdmin(ctx, a.db.Client, *email, *orgID)
			if err != nil {
				return err
			}
			grant := auth.Grant{Name: *name, Role: adm.Role, TTL: *ttl}
			if *role != "" {
				if grant.Role, err = enum.Parse[enum.Role](strings.ToUpper(*role)); err != nil {
					return fmt.Errorf("--role: %w", err)
				}
				if !grant.Role.AtMost(adm.Role) {
					return fmt.Errorf("--role %s is above the admin's role %s", grant.Role, adm.Role)
				}
			}
			token, tok, err := a.auth.Issue(sys, a.db.Client, adm, grant)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s token for %s, expires %s:\n%s\n", tok.Role, adm.Email, tok.ExpiresAt.UTC().Format(time.RFC3339), token)
			return nil
		}
	},
}
