// Package tagging creates, renames and deletes tags and puts them on customers, keeping the
// limit of 5 tags a customer under concurrent changes.
package tagging

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// Limits of tags.
const (
	MaxTagsPerCustomer = 5
	MaxNameLength      = 25
	maxCustomers       = 100
)

var colorPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// name validates and normalises a tag name.
func name(raw string) (string, error) {
	n := strings.TrimSpace(raw)
	if l := utf8.RuneCountInString(n); l < 1 || l > MaxNameLength {
		return "", gqlerr.Errorf(gqlerr.BadUserInput, "a tag name has 1 to %d characters after trimming, got %d", MaxNameLength, l)
	}
	return n, nil
}

func checkColor(c *string) error {
	if c != nil && *c != "" && !colorPattern.MatchString(*c) {
		return gqlerr.Errorf(gqlerr.BadUserInput, "color must be #RRGGBB, got %q", *c)
	}
	return nil
}

func checkDescription(d *string) error {
	if d != nil && utf8.RuneCountInString(*d) > 500 {
		return gqlerr.Errorf(gqlerr.BadUserInput, "a description has at most 500 characters")
	}
	return nil
}

// conflict turns a unique-name violation into CONFLICT.
func conflict(n string, err error) error {
	if ent.IsConstraintError(err) {
		return gqlerr.Errorf(gqlerr.Conflict, "a tag named %q already exists (names are unique regardless of case)", n)
	}
	return err
}

// checkLooks checks a tag's optional colour and description.
func checkLooks(color, description *string) error {
	if err := checkColor(color); err != nil {
		return err
	}
	return checkDescription(description)
}

// Create creates a tag.
func Create(ctx context.Context, rec *audit.Recorder, in model.CreateTagInput) (*ent.Tag, error) {
	n, err := name(in.Name)
	if err != nil {
		return nil, err
	}
	if err := checkLooks(in.Color, in.Description); err != nil {
		return nil, err
	}
	return audit.Run(ctx, rec, "createTag", (*viewer.Viewer).CanEditTags, func(ctx context.Context, tx *ent.Tx) (*ent.Tag, audit.Change, error) {
		t, err := tx.Tag.Create().SetName(n).SetNameKey(strings.ToLower(n)).
			SetNillableColor(in.Color).SetNillableDescription(in.Description).
			SetCreatedByID(viewer.FromContext(ctx).AdminID).SetCreatedAt(rec.Now().UTC()).Save(ctx)
		if err != nil {
			return nil, audit.Change{}, conflict(n, err)
		}
		return t, audit.Change{Targets: []string{t.GlobalID()}, Summary: fmt.Sprintf("created tag %q", n)}, nil
	})
}

// Update renames, recolours or re-describes a tag.
func Update(ctx context.Context, rec *audit.Recorder, in model.UpdateTagInput) (*ent.Tag, error) {
	id, err := tagID(in.ID)
	if err != nil {
		return nil, err
	}
	if err := checkLooks(in.Color, in.Description); err != nil {
		return nil, err
	}
	var n string
	if in.Name != nil {
		if n, err = name(*in.Name); err != nil {
			return nil, err
		}
	}
	return audit.Run(ctx, rec, "updateTag", (*viewer.Viewer).CanEditTags, func(ctx context.Context, tx *ent.Tx) (*ent.Tag, audit.Change, error) {
		u := tx.Tag.UpdateOneID(id).SetNillableColor(in.Color).SetNillableDescription(in.Description)
		var changes []string
		if in.Name != nil {
			u.SetName(n).SetNameKey(strings.ToLower(n))
			changes = append(changes, fmt.Sprintf("name %q", n))
		}
		if in.Color != nil {
			changes = append(changes, "color "+*in.Color)
		}
		if in.Description != nil {
			changes = append(changes, "description")
		}
		t, err := u.Save(ctx)
		if err != nil {
			return nil, audit.Change{}, conflict(n, err)
		}
		return t, audit.Change{Targets: []string{t.GlobalID()}, Summary: "updated tag: " + strings.Join(changes, ", ")}, nil
	})
}

// Delete deletes a tag, which also takes it off every customer.
func Delete(ctx context.Context, rec *audit.Recorder, rawID string) (string, error) {
	id, err := tagID(rawID)
	if err != nil {
		return "", err
	}
	return audit.Run(ctx, rec, "deleteTag", (*viewer.Viewer).CanEditTags, func(ctx context.Context, tx *ent.Tx) (string, audit.Change, error) {
		t, err := tx.Tag.Get(ctx, id)
		if err != nil {
			return "", audit.Change{}, err
		}
		if err := tx.Tag.DeleteOne(t).Exec(ctx); err != nil {
			return "", audit.Change{}, err
		}
		return t.GlobalID(), audit.Change{Targets: []string{t.GlobalID()}, Summary: fmt.Sprintf("deleted tag %q", t.Name)}, nil
	})
}

// tagID decodes a tag's global ID; a malformed one is NOT_FOUND like a missing one.
func tagID(s string) (int, error) {
	id, err := gid.DecodeAs("Tag", s)
	if err != nil {
		return 0, gqlerr.Errorf(gqlerr.NotFound, "tag %s not found", s)
	}
	return id, nil
}

// customerID decodes a customer's global ID; a malformed one is NOT_FOUND like a missing one.
func customerID(s string) (int, error) {
	id, err := gid.DecodeAs("Customer", s)
	if err != nil {
		return 0, gqlerr.Errorf(gqlerr.NotFound, "customer %s not found", s)
	}
	return id, nil
}

// loadTags returns the visible tags of the IDs, all of which must exist.
func loadTags(ctx context.Context, tx *ent.Tx, raw []string) ([]int, error) {
	if len(raw) > MaxTagsPerCustomer {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "at most %d tags at once", MaxTagsPerCustomer)
	}
	ids := make([]int, 0, len(raw))
	for _, s := range raw {
		id, err := tagID(s)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	found, err := tx.Tag.Query().Where(tag.IDIn(ids...)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(found) != len(uniq(ids)) {
		return nil, gqlerr.Errorf(gqlerr.NotFound, "a tag of tagIds was not found")
	}
	return uniq(ids), nil
}

// lockCustomer reads a visible customer and its tag IDs, locking its row on PostgreSQL
// (SQLite transactions already write one at a time) so tag counts cannot race.
func lockCustomer(ctx context.Context, tx *ent.Tx, id int) (*ent.Customer, []int, error) {
	c, err := tx.Customer.Query().Where(customer.ID(id)).Modify(func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.ForUpdate()
		}
	}).Only(ctx)
	if err != nil {
		return nil, nil, err
	}
	tags, err := tx.Customer.QueryTags(c).IDs(ctx)
	return c, tags, err
}

func uniq(ids []int) []int {
	seen := map[int]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
