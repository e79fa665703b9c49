package report

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/reportschedule"
	"github.com/partnerhub/partnerhub-api/ent/reporttemplate"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/audit"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// Column is a column of a template: its key and its CSV header.
type Column struct {
	Key, Title string
}

// Template is a report template: one of the defaults, or a partner's subset of one.
type Template struct {
	ID           string
	Name         string
	Kind         enum.ReportKind
	IsDefault    bool
	HasDateRange bool
	Columns      []*Column
	// row is the stored template's row ID; 0 for a default one.
	row  int
	keys []string
}

// defaultNames are the names of the default templates.
var defaultNames = map[enum.ReportKind]string{
	enum.ReportCallingUsage: "Calling usage detail", enum.ReportDevices: "Devices", enum.ReportPhoneNumbers: "Phone numbers",
}

// kinds are the report kinds in the order the defaults are listed.
var kinds = []enum.ReportKind{enum.ReportCallingUsage, enum.ReportDevices, enum.ReportPhoneNumbers}

const defaultType, customType = "DefaultReportTemplate", "ReportTemplate"

func newTemplate(row int, name string, kind enum.ReportKind, keys []string) *Template {
	t := &Template{Name: name, Kind: kind, IsDefault: row == 0, HasDateRange: kind == enum.ReportCallingUsage, row: row, keys: keys}
	if row == 0 {
		t.ID = gid.Encode(defaultType, slices.Index(kinds, kind)+1)
	} else {
		t.ID = gid.Encode(customType, row)
	}
	for _, c := range pick(kind, keys) {
		t.Columns = append(t.Columns, &Column{Key: c.key, Title: c.title})
	}
	return t
}

// Default returns the default template of kind.
func Default(kind enum.ReportKind) *Template {
	var keys []string
	for _, c := range columns[kind] {
		keys = append(keys, c.key)
	}
	return newTemplate(0, defaultNames[kind], kind, keys)
}

func fromRow(t *ent.ReportTemplate) *Template { return newTemplate(t.ID, t.Name, t.Kind, t.Columns) }

// Templates lists the default templates, then the partner's own by name.
func Templates(ctx context.Context, c *ent.Client) ([]*Template, error) {
	if !viewer.FromContext(ctx).CanReport() {
		return nil, errNoScope
	}
	out := []*Template{}
	for _, k := range kinds {
		out = append(out, Default(k))
	}
	rows, err := c.ReportTemplate.Query().Order(ent.Asc(reporttemplate.FieldName), ent.Asc(reporttemplate.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list report templates: %w", err)
	}
	for _, r := range rows {
		out = append(out, fromRow(r))
	}
	return out, nil
}

var errNoScope = gqlerr.Errorf(gqlerr.Forbidden, "reports need a token with the scope %s", viewer.ScopeReports)

// FindTemplate returns the template with the global ID, NOT_FOUND when it is missing.
func FindTemplate(ctx context.Context, c *ent.Client, id string) (*Template, error) {
	typ, n, err := gid.Decode(id)
	switch {
	case err != nil:
	case typ == defaultType && n <= len(kinds):
		return Default(kinds[n-1]), nil
	case typ == customType:
		t, err := c.ReportTemplate.Get(ctx, n)
		if err == nil {
			return fromRow(t), nil
		}
		if !ent.IsNotFound(err) {
			return nil, err
		}
	}
	return nil, gqlerr.Errorf(gqlerr.NotFound, "report template %s not found", id)
}

// templateOf returns the template a report or schedule was made from, nil when its custom
// template is gone.
func templateOf(ctx context.Context, c *ent.Client, kind enum.ReportKind, id *int) (*Template, error) {
	if id == nil {
		return Default(kind), nil
	}
	t, err := c.ReportTemplate.Get(ctx, *id)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return fromRow(t), nil
}

// CreateTemplate stores a template of the base default template's columns named by keys,
// in their order.
func CreateTemplate(ctx context.Context, rec *audit.Recorder, name, baseID string, keys []string) (*Template, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, gqlerr.Errorf(gqlerr.BadUserInput, "name takes 1 to 100 characters")
	}
	return audit.Run(ctx, rec, "createReportTemplate", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (*Template, audit.Change, error) {
		base, err := FindTemplate(ctx, tx.Client(), baseID)
		if err != nil {
			return nil, audit.Change{}, err
		}
		if !base.IsDefault {
			return nil, audit.Change{}, gqlerr.Errorf(gqlerr.BadUserInput, "baseTemplateId must be a default template")
		}
		if err := checkKeys(base, keys); err != nil {
			return nil, audit.Change{}, err
		}
		v := viewer.FromContext(ctx)
		row, err := tx.ReportTemplate.Create().SetName(name).SetKind(base.Kind).SetColumns(keys).
			SetNillableCreatedByID(adminID(v)).SetCreatedAt(rec.Now().UTC()).Save(ctx)
		if err != nil {
			return nil, audit.Change{}, err
		}
		t := fromRow(row)
		return t, audit.Change{Targets: []string{t.ID}, Summary: fmt.Sprintf("created report template %q", name)}, nil
	})
}

func checkKeys(base *Template, keys []string) error {
	if len(keys) == 0 {
		return gqlerr.Errorf(gqlerr.BadUserInput, "columns must name at least one column")
	}
	for i, k := range keys {
		if !slices.Contains(base.keys, k) {
			return gqlerr.Errorf(gqlerr.BadUserInput, "columns[%d]: %q is not a column of %s (columns: %s)", i, k, base.Name, strings.Join(base.keys, ", "))
		}
		if slices.Contains(keys[:i], k) {
			return gqlerr.Errorf(gqlerr.BadUserInput, "columns[%d]: %q is repeated", i, k)
		}
	}
	return nil
}

// DeleteTemplate deletes a custom template; CONFLICT while a schedule uses it.
func DeleteTemplate(ctx context.Context, rec *audit.Recorder, id string) (string, error) {
	return audit.Run(ctx, rec, "deleteReportTemplate", (*viewer.Viewer).CanReport, func(ctx context.Context, tx *ent.Tx) (string, audit.Change, error) {
		t, err := FindTemplate(ctx, tx.Client(), id)
		if err != nil {
			return "", audit.Change{}, err
		}
		if t.IsDefault {
			return "", audit.Change{}, gqlerr.Errorf(gqlerr.BadUserInput, "the default templates cannot be deleted")
		}
		// Schedules are counted whoever made them: an ADMIN sees only their own.
		n, err := tx.ReportSchedule.Query().Where(reportschedule.TemplateID(t.row)).Count(viewer.SystemContext(ctx))
		if err != nil {
			return "", audit.Change{}, err
		}
		if n > 0 {
			return "", audit.Change{}, gqlerr.Errorf(gqlerr.Conflict, "%d report schedules use the template %q", n, t.Name)
		}
		if err := tx.ReportTemplate.DeleteOneID(t.row).Exec(ctx); err != nil {
			return "", audit.Change{}, err
		}
		return t.ID, audit.Change{Targets: []string{t.ID}, Summary: fmt.Sprintf("deleted report template %q", t.Name)}, nil
	})
}

// adminID is the viewer's admin, nil for internal jobs.
func adminID(v *viewer.Viewer) *int {
	if v.IsSystem() {
		return nil
	}
	return &v.AdminID
}

// TemplatePayload is the answer of createReportTemplate.
type TemplatePayload struct {
	ReportTemplate *Template
}
