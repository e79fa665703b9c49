package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/admins"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// The admin sub-commands change a partner's admins through package admins, as the
// createAdmin, updateAdmin and removeAdmin mutations do, under the same rules; their audit
// events name no actor (an internal job).

var adminAddCommand = Command{
	Usage: "Adds an admin to a partner.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		email := fs.String("email", "", "sign-in email of the new admin (required)")
		name := fs.String("name", "", "display name (default: the email's local part)")
		role := fs.String("role", string(enum.RoleAdmin), "FULL_ADMIN, ADMIN or READ_ONLY_ADMIN")
		orgID := fs.String("partner", "", "org ID of the partner (needed when there are several)")
		return func(ctx context.Context, e *Env) error {
			r, err := roleFlag(*role)
			if err != nil {
				return err
			}
			if *name == "" {
				*name, _, _ = strings.Cut(*email, "@")
			}
			return withAdmins(ctx, e, func(ctx context.Context, a *App) error {
				p, err := findPartner(ctx, a.DB.Client, *orgID)
				if err != nil {
					return err
				}
				adm, err := admins.Create(asPartner(ctx, p.ID), graph.NewRecorder(a.DB.Client, a.Now, a.Auth, a.broker),
					model.CreateAdminInput{Email: *email, DisplayName: *name, Role: r})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "added %s %s (%s) to partner %q\n", adm.Role, adm.Email, adm.DisplayName, p.Name)
				return nil
			})
		}
	},
}

var adminSetRoleCommand = Command{
	Usage: "Changes an admin's role; the partner keeps at least one FULL_ADMIN.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		email := fs.String("admin", "", "email of the admin (required)")
		role := fs.String("role", "", "the new role: FULL_ADMIN, ADMIN or READ_ONLY_ADMIN (required)")
		orgID := fs.String("partner", "", "org ID of the admin's partner, when the email exists at several partners")
		return func(ctx context.Context, e *Env) error {
			r, err := roleFlag(*role)
			if err != nil {
				return err
			}
			return withAdmin(ctx, e, *email, *orgID, func(ctx context.Context, a *App, adm *ent.Admin) error {
				adm, err := admins.Update(ctx, graph.NewRecorder(a.DB.Client, a.Now, a.Auth, a.broker),
					model.UpdateAdminInput{ID: adm.GlobalID(), Role: &r})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "%s is now %s\n", adm.Email, adm.Role)
				return nil
			})
		}
	},
}

var adminRemoveCommand = Command{
	Usage: "Removes an admin: revokes their tokens and unassigns them; the partner keeps at least one FULL_ADMIN.",
	Flags: func(fs *flag.FlagSet) func(context.Context, *Env) error {
		email := fs.String("admin", "", "email of the admin (required)")
		orgID := fs.String("partner", "", "org ID of the admin's partner, when the email exists at several partners")
		return func(ctx context.Context, e *Env) error {
			return withAdmin(ctx, e, *email, *orgID, func(ctx context.Context, a *App, adm *ent.Admin) error {
				adm, err := admins.Remove(ctx, graph.NewRecorder(a.DB.Client, a.Now, a.Auth, a.broker),
					model.RemoveAdminInput{ID: adm.GlobalID()})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.Stdout, "removed %s\n", adm.Email)
				return nil
			})
		}
	},
}

func roleFlag(s string) (enum.Role, error) {
	r, err := enum.Parse[enum.Role](strings.ToUpper(s))
	if err != nil {
		return "", fmt.Errorf("--role: %w", err)
	}
	return r, nil
}

// withAdmins opens the app and runs fn with it.
func withAdmins(ctx context.Context, e *Env, fn func(context.Context, *App) error) error {
	a, err := Open(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(ctx, a)
}

// withAdmin opens the app and runs fn on the current admin of email, acting within their partner.
func withAdmin(ctx context.Context, e *Env, email, orgID string, fn func(context.Context, *App, *ent.Admin) error) error {
	if email == "" {
		return errors.New("needs --admin EMAIL")
	}
	return withAdmins(ctx, e, func(ctx context.Context, a *App) error {
		adm, err := findAdmin(ctx, a.DB.Client, email, orgID)
		if err != nil {
			return err
		}
		return fn(asPartner(ctx, adm.PartnerID), a, adm)
	})
}

// asPartner returns ctx acting as an internal job within the partner.
func asPartner(ctx context.Context, partnerID int) context.Context {
	return viewer.NewContext(ctx, viewer.SystemOf(partnerID))
}

// findAdmin returns the current admin of email, at the partner of orgID when given.
func findAdmin(ctx context.Context, client *ent.Client, email, orgID string) (*ent.Admin, error) {
	q := client.Admin.Query().Where(admin.Email(strings.ToLower(strings.TrimSpace(email))), admin.RemovedAtIsNil())
	if orgID != "" {
		q.Where(admin.HasPartnerWith(partner.OrgID(orgID)))
	}
	found, err := q.All(viewer.SystemContext(ctx))
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0:
		return nil, fmt.Errorf("no admin with email %s", email)
	case len(found) > 1:
		return nil, fmt.Errorf("%s is an admin at %d partners: name one with --partner ORG_ID", email, len(found))
	}
	return found[0], nil
}

// findPartner returns the partner of orgID, or the only partner when orgID is empty.
func findPartner(ctx context.Context, client *ent.Client, orgID string) (*ent.Partner, error) {
	q := client.Partner.Query()
	if orgID != "" {
		q.Where(partner.OrgID(orgID))
	}
	found, err := q.Limit(2).All(viewer.SystemContext(ctx))
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0 && orgID != "":
		return nil, fmt.Errorf("no partner with org ID %s", orgID)
	case len(found) == 0:
		return nil, errors.New("there is no partner yet: create one with bootstrap")
	case len(found) > 1:
		return nil, errors.New("there are several partners: name one with --partner ORG_ID")
	}
	return found[0], nil
}
