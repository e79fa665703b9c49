// Package listing pages through the partner's tags, admins, API tokens and audit trail, and
// through a customer's devices and phone numbers.
package listing

import (
	"context"

	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/auditevent"
	"github.com/partnerhub/partnerhub-api/ent/cond"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/predicate"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// entity is what every ent row offers for paging.
type entity interface {
	Value(string) (ent.Value, error)
}

// source adapts an ent query (with its filters applied) to page.Source.
func source[T entity](key page.Key, id func(T) int,
	fetch func(ctx context.Context, m func(*sql.Selector), limit int) ([]T, error),
	count func(ctx context.Context) (int, error)) page.Source[T] {
	return page.Source[T]{Key: key, Fetch: fetch, Count: count, ID: id,
		Value: func(t T) (any, error) { return t.Value(page.KeyColumn) }}
}

// contains matches rows whose columns contain text, regardless of case (cond.ContainsFold).
func contains(text string, columns ...string) func(*sql.Selector) {
	return func(s *sql.Selector) {
		cols := make([]string, len(columns))
		for i, c := range columns {
			cols[i] = s.C(c)
		}
		s.Where(cond.ContainsFold(text, cols...))
	}
}

// Tags lists the partner's tags by name.
func Tags(ctx context.Context, c *ent.Client, args page.Args, query *string) (*page.Connection[*ent.Tag], error) {
	var where []predicate.Tag
	if query != nil && *query != "" {
		where = append(where, predicate.Tag(contains(*query, tag.FieldName)))
	}
	return page.Paginate(ctx, source(page.StringKey(page.Column(tag.FieldNameKey), false), func(t *ent.Tag) int { return t.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Tag, error) {
			return c.Tag.Query().Where(where...).Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return c.Tag.Query().Where(where...).Count(ctx) }), args)
}

// Admins lists the partner's current admins by email, optionally of some roles.
func Admins(ctx context.Context, c *ent.Client, args page.Args, roles []enum.Role, query *string) (*page.Connection[*ent.Admin], error) {
	where := []predicate.Admin{admin.RemovedAtIsNil()}
	if len(roles) > 0 {
		where = append(where, admin.RoleIn(roles...))
	}
	if query != nil && *query != "" {
		where = append(where, predicate.Admin(contains(*query, admin.FieldEmail, admin.FieldDisplayName)))
	}
	return page.Paginate(ctx, source(page.StringKey(page.Column(admin.FieldEmail), false), func(a *ent.Admin) int { return a.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.Admin, error) {
			return c.Admin.Query().Where(where...).Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return c.Admin.Query().Where(where...).Count(ctx) }), args)
}

// ApiTokens lists the tokens the viewer may see that match where, newest first.
func ApiTokens(ctx context.Context, c *ent.Client, args page.Args, where ...predicate.ApiToken) (*page.Connection[*ent.ApiToken], error) {
	if !viewer.FromContext(ctx).CanReadTokens() {
		return nil, gqlerr.Errorf(gqlerr.Forbidden, "listing API tokens needs a token with the scope %s", viewer.ScopeAuditRead)
	}
	return page.Paginate(ctx, source(page.IDKey(true), func(t *ent.ApiToken) int { return t.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.ApiToken, error) {
			return c.ApiToken.Query().Where(where...).Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return c.ApiToken.Query().Where(where...).Count(ctx) }), args)
}

// AuditEvents lists the audit trail, newest first.
func AuditEvents(ctx context.Context, c *ent.Client, args page.Args, f *model.AuditEventFilter) (*page.Connection[*ent.AuditEvent], error) {
	where, err := auditFilter(f)
	if err != nil {
		return nil, err
	}
	return page.Paginate(ctx, source(page.IDKey(true), func(e *ent.AuditEvent) int { return e.ID },
		func(ctx context.Context, m func(*sql.Selector), limit int) ([]*ent.AuditEvent, error) {
			return c.AuditEvent.Query().Where(where...).Limit(limit).Modify(m).All(ctx)
		},
		func(ctx context.Context) (int, error) { return c.AuditEvent.Query().Where(where...).Count(ctx) }), args)
}

func auditFilter(f *model.AuditEventFilter) ([]predicate.AuditEvent, error) {
	var where []predicate.AuditEvent
	if f == nil {
		return where, nil
	}
	if f.ActorID != nil {
		id, err := gid.DecodeAs("Admin", *f.ActorID)
		if err != nil {
			return nil, gqlerr.Errorf(gqlerr.BadUserInput, "filter.actorId is not an admin ID")
		}
		where = append(where, auditevent.ActorID(id))
	}
	if f.Action != nil {
		where = append(where, auditevent.Action(*f.Action))
	}
	if f.TargetID != nil {
		// target_ids is a JSON array of global IDs: match an element exactly.
		target := *f.TargetID
		where = append(where, predicate.AuditEvent(func(s *sql.Selector) {
			s.Where(sqljson.ValueContains(s.C(auditevent.FieldTargetIds), target))
		}))
	}
	if f.From != nil {
		where = append(where, auditevent.CreatedAtGTE(*f.From))
	}
	if f.To != nil {
		where = append(where, auditevent.CreatedAtLT(*f.To))
	}
	return where, nil
}
