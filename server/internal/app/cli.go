package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

var migrateCommand = Command{
	Usage: "Applies the migration files the database lacks, under a lock that other instances wait\nfor, runs the data migrations that follow them, says what it did, then exits.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		dryRun := fs.Bool("dry-run", false, "print the SQL of the files the database lacks and change nothing")
		return func(ctx context.Context, e *Env) error {
			if *dryRun {
				return printPendingMigrations(ctx, e)
			}
			logger, err := e.Cfg.newLogger(e.Stderr)
			if err != nil {
				return err
			}
			db, rep, err := openDB(ctx, e.Cfg, logger)
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintln(e.Stdout, rep)
			return nil
		}
	},
}

// printPendingMigrations prints the statements of the migration files the database
// lacks, file by file, then what migrating would do.
func printPendingMigrations(ctx context.Context, e *Env) error {
	dataDir := e.Cfg.DataDir
	if _, err := os.Stat(filepath.Join(dataDir, storage.SQLiteFile)); e.Cfg.DatabaseURL == "" && errors.Is(err, fs.ErrNotExist) {
		// Plan on an empty database elsewhere: opening creates the file, and a dry run
		// leaves the data directory as it was.
		if dataDir, err = os.MkdirTemp("", "partnerhub-dry-run-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dataDir)
	}
	db, err := storage.Open(ctx, e.Cfg.DatabaseURL, dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.PlanSchema(ctx)
	if err != nil {
		return err
	}
	if rep.Baselined != "" {
		fmt.Fprintf(e.Stdout, "-- %s.sql: not run, the existing tables are recorded as this version\n", rep.Baselined)
	}
	for _, name := range rep.Applied {
		fmt.Fprintf(e.Stdout, "-- %s.sql\n", name)
		for _, stmt := range rep.Pending[name] {
			fmt.Fprintln(e.Stdout, stmt)
		}
	}
	fmt.Fprintln(e.Stdout, "-- dry run: "+rep.String())
	return nil
}

var seedCommand = Command{
	Usage: "Builds a new partner with realistic customers, subscriptions, licenses, tags, admins,\ncall queues and call legs, deterministically from --seed.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		opts := seed.Options{}
		fs.Int64Var(&opts.Seed, "seed", 1, "seed number: the same seed and sizes give the same data")
		fs.IntVar(&opts.Customers, "customers", 500, "customers to create")
		fs.IntVar(&opts.CallLegs, "call-legs", 50000, "call legs to create over the last 10 weeks")
		fs.StringVar(&opts.PartnerName, "partner-name", "Demo Partner", "name of the new partner")
		return func(ctx context.Context, e *Env) error {
			a, err := Open(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			opts.Now = e.Now()
			opts.Progress = SeedProgress(e.Stderr, time.Now)
			start := time.Now()
			res, err := seed.Run(ctx, a.DB, opts)
			if err != nil {
				return err
			}
			return a.printSeeded(ctx, e.Stdout, res, time.Since(start))
		}
	},
}

// printSeeded says what a seed created, and prints a token for its first FULL_ADMIN.
func (a *App) printSeeded(ctx context.Context, out io.Writer, res *seed.Result, took time.Duration) error {
	sys := viewer.SystemContext(ctx)
	p, err := a.DB.Client.Partner.Get(sys, res.PartnerID)
	if err != nil {
		return err
	}
	rows := 0
	for _, n := range res.Counts {
		rows += n
	}
	fmt.Fprintf(out, "seeded partner %q (ID %d, org ID %s) in %s: %d customers, %d rows, %.0f rows/s\n",
		p.Name, p.ID, p.OrgID, observe.RoundDuration(took), res.Counts[customer.Table], rows, float64(rows)/max(took.Seconds(), 1e-9))
	for _, role := range enum.Role("").Values() {
		if emails := res.Admins[role]; len(emails) > 0 {
			fmt.Fprintf(out, "  %-16s %s (and %d more)\n", role, emails[0], len(emails)-1)
		}
	}
	adm, err := a.DB.Client.Admin.Query().Where(admin.PartnerID(p.ID), admin.Email(res.Admins[string(enum.RoleFullAdmin)][0])).Only(sys)
	if err != nil {
		return fmt.Errorf("find the seeded FULL_ADMIN: %w", err)
	}
	token, tok, err := a.Auth.Issue(sys, a.DB.Client, adm, auth.Grant{Name: "seed", Role: adm.Role})
	if err != nil {
		return err
	}
	printToken(out, adm, tok, token)
	return nil
}

// printToken prints a minted token with whom it acts as and when it expires.
func printToken(out io.Writer, adm *ent.Admin, tok *ent.ApiToken, token string) {
	fmt.Fprintf(out, "%s token for %s, expires %s:\n%s\n", tok.Role, adm.Email, tok.ExpiresAt.UTC().Format(time.RFC3339), token)
}

var bootstrapCommand = Command{
	Usage: "Creates a partner with its first FULL_ADMIN and prints a token for that admin.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		name := fs.String("partner", "", "name of the new partner (required)")
		email := fs.String("admin", "", "email of its first FULL_ADMIN (required)")
		display := fs.String("admin-name", "", "display name of that admin (default: the email's local part)")
		return func(ctx context.Context, e *Env) error {
			if strings.TrimSpace(*name) == "" || !strings.Contains(*email, "@") {
				return errors.New("bootstrap needs --partner NAME and --admin EMAIL")
			}
			a, err := Open(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			if *display == "" {
				*display, _, _ = strings.Cut(*email, "@")
			}
			sys := viewer.SystemContext(ctx)
			tx, err := a.DB.Client.Tx(sys)
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
			token, tok, err := a.Auth.Issue(sys, tx.Client(), adm, auth.Grant{Name: "bootstrap", Role: enum.RoleFullAdmin})
			if err != nil {
				return errors.Join(err, tx.Rollback())
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "created partner %q (org ID %s) with FULL_ADMIN %s\n", p.Name, p.OrgID, adm.Email)
			printToken(e.Stdout, adm, tok, token)
			return nil
		}
	},
}

var tokenCommand = Command{
	Usage: "Mints a token for an existing admin and prints it.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		email := fs.String("admin", "", "email of the admin the token acts as (required)")
		orgID := fs.String("partner", "", "org ID of the admin's partner, when the email exists at several partners")
		role := fs.String("role", "", "role of the token, at most the admin's (default: the admin's role)")
		ttl := fs.Duration("ttl", 0, "lifetime of the token (default: PARTNERHUB_TOKEN_TTL)")
		name := fs.String("name", "cli", "name of the token, as listed among the partner's tokens")
		return func(ctx context.Context, e *Env) error {
			if *email == "" {
				return errors.New("token needs --admin EMAIL")
			}
			a, err := Open(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			sys := viewer.SystemContext(ctx)
			adm, err := findAdmin(ctx, a.DB.Client, *email, *orgID)
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
			token, tok, err := a.Auth.Issue(sys, a.DB.Client, adm, grant)
			if err != nil {
				return err
			}
			printToken(e.Stdout, adm, tok, token)
			return nil
		}
	},
}
