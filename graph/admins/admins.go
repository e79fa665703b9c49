// Package admins adds the partner's admins, changes their roles and removes them — the one
// code path of the API's mutations and of the CLI — under the rules that keep a partner
// from locking itself out:
//
//   - the partner always keeps at least one FULL_ADMIN: demoting or removing the last one
//     is refused, also when two FULL_ADMINs demote each other at once, because every change
//     first locks the partner's row (PostgreSQL; SQLite runs one writing transaction at a
//     time) and only then counts the FULL_ADMINs;
//   - an admin changes neither their own role nor removes themself;
//   - an email belongs to at most one current admin of a partner, regardless of case.
//
// A new role applies to the admin's tokens at once, since a token acts with at most its
// admin's current role (graph/auth); removal keeps the admin's row, marked removed, so that
// the audit trail keeps naming them, and revokes their tokens and assignments.
package admins

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Create adds an admin to the viewer's partner.
func Create(ctx context.Context, rec *audit.Recorder, in model.CreateAdminInput) (*ent.Admin, error) {
	email, err := emailOf(in.Email)
	if err != nil {
		return nil, err
	}
	name, err := displayNameOf(in.DisplayName)
	if err != nil {
		return nil, err
	}
	return run(ctx, rec, "createAdmin", func(ctx context.Context, tx *ent.Tx, partnerID int) (*ent.Admin, audit.Change, error) {
		taken, err := tx.Admin.Query().Where(admin.PartnerID(partnerID), admin.Email(email), admin.RemovedAtIsNil()).Exist(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		if taken {
			return nil, audit.Change{}, gqlerr.Errorf(gqlerr.Conflict, "%s is already an admin of the partner", email)
		}
		a, err := tx.Admin.Create().SetPartnerID(partnerID).SetEmail(email).SetDisplayName(name).
			SetRole(in.Role).SetCreatedAt(rec.Now().UTC()).Save(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		return a, changeOf(a, "added %s %s (%s)", a.Role, a.Email, a.DisplayName), nil
	})
}

// Update renames an admin or changes their role.
func Update(ctx context.Context, rec *audit.Recorder, in model.UpdateAdminInput) (*ent.Admin, error) {
	var name string
	if in.DisplayName != nil {
		var err error
		if name, err = displayNameOf(*in.DisplayName); err != nil {
			return nil, err
		}
	}
	return change(ctx, rec, "updateAdmin", in.ID, func(ctx context.Context, tx *ent.Tx, a *ent.Admin) (*ent.Admin, audit.Change, error) {
		u, parts := tx.Admin.UpdateOne(a), []string{}
		if in.DisplayName != nil && name != a.DisplayName {
			u.SetDisplayName(name)
			parts = append(parts, fmt.Sprintf("renamed %s from %q to %q", a.Email, a.DisplayName, name))
		}
		if in.Role != nil && *in.Role != a.Role {
			if err := mayLeave(ctx, tx, a, "change your own role"); err != nil {
				return nil, audit.Change{}, err
			}
			u.SetRole(*in.Role)
			parts = append(parts, fmt.Sprintf("changed the role of %s from %s to %s", a.Email, a.Role, *in.Role))
		}
		if len(parts) == 0 {
			return a, audit.Change{}, nil
		}
		a, err := u.Save(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		return a, changeOf(a, "%s", audit.Summarize(parts...)), nil
	})
}

// Remove removes an admin: their tokens are revoked, their assignments removed, and their
// row stays, marked removed, for the audit trail.
func Remove(ctx context.Context, rec *audit.Recorder, in model.RemoveAdminInput) (*ent.Admin, error) {
	return change(ctx, rec, "removeAdmin", in.ID, func(ctx context.Context, tx *ent.Tx, a *ent.Admin) (*ent.Admin, audit.Change, error) {
		if err := mayLeave(ctx, tx, a, "remove yourself"); err != nil {
			return nil, audit.Change{}, err
		}
		now := rec.Now().UTC()
		revoked, err := tx.ApiToken.Update().Where(apitoken.AdminID(a.ID), apitoken.RevokedAtIsNil()).SetRevokedAt(now).Save(ctx)
		if err != nil {
			return nil, audit.Change{}, fmt.Errorf("revoke the tokens of admin %d: %w", a.ID, err)
		}
		assigned, err := tx.Admin.QueryCustomers(a).Count(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		if a, err = tx.Admin.UpdateOne(a).SetRemovedAt(now).ClearCustomers().Save(ctx); err != nil {
			return nil, audit.Change{}, err
		}
		return a, changeOf(a, "removed %s %s (%s); revoked %d tokens; unassigned from %d customers", a.Role, a.Email, a.DisplayName, revoked, assigned), nil
	})
}

// step is one change inside the transaction, made after the partner's row is locked.
type step func(ctx context.Context, tx *ent.Tx, partnerID int) (*ent.Admin, audit.Change, error)

// run runs fn as action of the viewer's partner, with the partner's admins locked.
func run(ctx context.Context, rec *audit.Recorder, action string, fn step) (*ent.Admin, error) {
	return audit.Run(ctx, rec, action, (*viewer.Viewer).CanManageAdmins, func(ctx context.Context, tx *ent.Tx) (*ent.Admin, audit.Change, error) {
		partnerID := viewer.FromContext(ctx).PartnerID
		if err := lockAdmins(ctx, tx, partnerID); err != nil {
			return nil, audit.Change{}, err
		}
		a, ch, err := fn(ctx, tx, partnerID)
		if err == nil {
			err = stillManages(ctx, tx)
		}
		return a, ch, err
	})
}

// change runs fn on the current admin rawID names, with the partner's admins locked.
func change(ctx context.Context, rec *audit.Recorder, action, rawID string, fn func(context.Context, *ent.Tx, *ent.Admin) (*ent.Admin, audit.Change, error)) (*ent.Admin, error) {
	id, err := gid.DecodeAs("Admin", rawID)
	if err != nil {
		return nil, notFound(rawID)
	}
	return run(ctx, rec, action, func(ctx context.Context, tx *ent.Tx, partnerID int) (*ent.Admin, audit.Change, error) {
		a, err := tx.Admin.Query().Where(admin.ID(id), admin.PartnerID(partnerID), admin.RemovedAtIsNil()).Only(ctx)
		if ent.IsNotFound(err) {
			return nil, audit.Change{}, notFound(rawID)
		}
		if err != nil {
			return nil, audit.Change{}, err
		}
		return fn(ctx, tx, a)
	})
}

// lockAdmins locks the partner's row until the transaction ends, so changes of its admins
// run one at a time and each counts the FULL_ADMINs the one before left. NO KEY UPDATE
// leaves the partner's other writes alone (their foreign-key checks take KEY SHARE); SQLite
// transactions already write one at a time (BEGIN IMMEDIATE).
func lockAdmins(ctx context.Context, tx *ent.Tx, partnerID int) error {
	_, err := tx.Partner.Query().Where(partner.ID(partnerID)).Modify(func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.For(sql.LockNoKeyUpdate)
		}
	}).Only(ctx)
	if err != nil {
		return fmt.Errorf("lock the admins of partner %d: %w", partnerID, err)
	}
	return nil
}

// stillManages checks, under the lock, that the acting admin is still a current FULL_ADMIN:
// one demoted or removed by a change committed meanwhile may no longer change admins. It
// runs after the rules of the change itself, so that of two FULL_ADMINs demoting each other
// at once the second learns it would leave no FULL_ADMIN.
func stillManages(ctx context.Context, tx *ent.Tx) error {
	v := viewer.FromContext(ctx)
	if v.IsSystem() {
		return nil
	}
	ok, err := tx.Admin.Query().Where(admin.ID(v.AdminID), admin.RoleEQ(enum.RoleFullAdmin), admin.RemovedAtIsNil()).Exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return gqlerr.Errorf(gqlerr.Forbidden, "your role no longer allows managing admins")
	}
	return nil
}

// mayLeave checks that a may stop being a FULL_ADMIN (or an admin at all): not the viewer
// themself (what names the refused act), and not the partner's last FULL_ADMIN.
func mayLeave(ctx context.Context, tx *ent.Tx, a *ent.Admin, what string) error {
	if v := viewer.FromContext(ctx); !v.IsSystem() && v.AdminID == a.ID {
		return gqlerr.Errorf(gqlerr.BadUserInput, "you cannot %s: ask another FULL_ADMIN", what)
	}
	if a.Role != enum.RoleFullAdmin {
		return nil
	}
	n, err := tx.Admin.Query().Where(admin.PartnerID(a.PartnerID), admin.RoleEQ(enum.RoleFullAdmin), admin.RemovedAtIsNil()).Count(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return gqlerr.Errorf(gqlerr.BadUserInput, "%s is the partner's last FULL_ADMIN: make another admin FULL_ADMIN first", a.Email)
	}
	return nil
}

func changeOf(a *ent.Admin, format string, args ...any) audit.Change {
	return audit.Change{Targets: []string{a.GlobalID()}, Summary: fmt.Sprintf(format, args...)}
}

func notFound(rawID string) error { return gqlerr.Errorf(gqlerr.NotFound, "admin %s not found", rawID) }

// emailOf validates a sign-in email and returns it trimmed and lower-case.
func emailOf(raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "email %q is not an address like name@example.com (up to 254 characters)", raw)
	}
	return email, nil
}

// displayNameOf validates a display name and returns it trimmed.
func displayNameOf(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if n := utf8.RuneCountInString(name); n < 1 || n > 200 {
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "a display name has 1 to 200 characters, got %d", n)
	}
	return name, nil
}
