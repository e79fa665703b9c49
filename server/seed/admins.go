package seed

import (
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/tag"
)

// writeAdmins writes about one admin per 200 customers (at least six): a tenth each
// FULL_ADMIN and READ_ONLY_ADMIN, the rest ADMINs, and records their emails by role.
func (g *generator) writeAdmins(b *bulkTx, byRole map[string][]string, partnerCreated time.Time) error {
	r := g.model
	n := max(6, g.opts.Customers/200)
	full, readOnly := max(1, n/10), max(1, n/10)
	roles := make([]enum.Role, 0, n)
	for i := range n {
		switch {
		case i < full:
			roles = append(roles, enum.RoleFullAdmin)
		case i < n-readOnly:
			roles = append(roles, enum.RoleAdmin)
		default:
			roles = append(roles, enum.RoleReadOnlyAdmin)
		}
	}
	domain := slug(g.opts.PartnerName) + ".example"
	seen := map[string]bool{}
	cols := []string{admin.FieldID, admin.FieldPartnerID, admin.FieldCreatedAt, admin.FieldEmail,
		admin.FieldDisplayName, admin.FieldRole, admin.FieldLastSignInAt}
	return b.write(admin.Table, cols, func(w tableWriter) error {
		for _, role := range roles {
			first, last := pick(r, firstNames), pick(r, lastNames)
			local := strings.ToLower(first + "." + last)
			email := local + "@" + domain
			for k := 2; seen[email]; k++ {
				email = local + strconv.Itoa(k) + "@" + domain
			}
			seen[email] = true
			id := g.seq.admin.take()
			switch {
			case role == enum.RoleAdmin:
				g.adminIDs = append(g.adminIDs, id)
			case role == enum.RoleFullAdmin && g.fullAdmin == 0:
				g.fullAdmin = id
			}
			demo := len(byRole[string(role)]) == 0
			byRole[string(role)] = append(byRole[string(role)], email)
			created := partnerCreated.Add(between(r, day, g.now.Sub(partnerCreated)-day))
			if err := w.Row(id, g.partnerID, created, email, first+" "+last, string(role), g.signIn(demo)); err != nil {
				return err
			}
		}
		return nil
	})
}

// signIn returns when an admin last signed in: the demo logins lately, others spread
// over the last months, some never.
func (g *generator) signIn(demo bool) any {
	r := g.model
	switch i := weighted(r, 10, 50, 25, 15); {
	case demo:
		return g.now.Add(-between(r, 10*time.Minute, 2*day))
	case i == 0:
		return nil
	case i == 1:
		return g.now.Add(-between(r, 5*time.Minute, 2*day))
	case i == 2:
		return g.now.Add(-between(r, 2*day, 30*day))
	default:
		return g.now.Add(-between(r, 30*day, 120*day))
	}
}

// writeTags writes the partner's tags, created by its first FULL_ADMIN.
func (g *generator) writeTags(b *bulkTx, partnerCreated time.Time) error {
	cols := []string{tag.FieldID, tag.FieldPartnerID, tag.FieldCreatedAt, tag.FieldName, tag.FieldNameKey,
		tag.FieldColor, tag.FieldDescription, tag.FieldCreatedByID}
	return b.write(tag.Table, cols, func(w tableWriter) error {
		for i, t := range tagList {
			id := g.seq.tag.take()
			g.tagIDs = append(g.tagIDs, id)
			created := partnerCreated.Add(time.Duration(i+1) * 7 * day)
			if err := w.Row(id, g.partnerID, created, t.name, strings.ToLower(t.name), t.color, optional(t.description), g.fullAdmin); err != nil {
				return err
			}
		}
		return nil
	})
}
