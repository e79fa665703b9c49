// Package migrations holds the versioned schema migrations, one directory of Atlas files
// per dialect with its atlas.sum, embedded in the binary. The first file of each is the
// baseline: the schema that the releases before versioned migrations created. A file is
// never edited once merged; a schema change adds one (see the diff command).
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
)

//go:embed postgres sqlite
var files embed.FS

// Dir returns the migration directory of dialectName, checked against its atlas.sum.
func Dir(dialectName string) (atlas.Dir, error) {
	name, err := dirName(dialectName)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, err
	}
	dir := &atlas.MemDir{}
	for _, e := range entries {
		b, err := files.ReadFile(name + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
	}
	if err := atlas.Validate(dir); err != nil {
		return nil, fmt.Errorf("%s migrations do not match their atlas.sum: %w", dialectName, err)
	}
	return dir, nil
}

// dirName is the directory, in this package, of a dialect's migrations.
func dirName(dialectName string) (string, error) {
	switch dialectName {
	case dialect.Postgres:
		return "postgres", nil
	case dialect.SQLite:
		return "sqlite", nil
	}
	return "", fmt.Errorf("no migrations for dialect %q", dialectName)
}

// options are how files are planned: in Atlas's format, dropping what the ent schema no
// longer has (a generated file is reviewed before it is merged).
func options(extra ...schema.MigrateOption) []schema.MigrateOption {
	return append([]schema.MigrateOption{
		schema.WithFormatter(atlas.DefaultFormatter),
		schema.WithDropIndex(true),
		schema.WithDropColumn(true),
		schema.WithErrNoPlan(true),
	}, extra...)
}

// Plan writes into dir the file version_name.sql holding the statements that take the
// schema its files build to the ent schema, computed by replaying them on dev: an empty
// database of the same dialect, left empty. It returns false when nothing changes.
func Plan(ctx context.Context, dev dialect.Driver, dir atlas.Dir, version, name string) (bool, error) {
	m, err := schema.NewMigrate(dev, options(schema.WithDir(dir), schema.WithMigrationMode(schema.ModeReplay),
		schema.WithFormatter(versioned{version, atlas.DefaultFormatter}))...)
	if err != nil {
		return false, err
	}
	switch err := m.NamedDiff(ctx, name, tables()...); {
	case errors.Is(err, atlas.ErrNoPlan):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// versioned names the planned file with one version for every dialect's directory.
type versioned struct {
	version string
	atlas.Formatter
}

func (v versioned) Format(p *atlas.Plan) ([]atlas.File, error) {
	p.Version = v.version
	return v.Formatter.Format(p)
}

// Drift returns the statements that would take the database behind drv to the ent
// schema, or "" when it has exactly the ent schema's tables, columns and indexes.
func Drift(ctx context.Context, drv dialect.Driver) (string, error) {
	scratch := &atlas.MemDir{}
	m, err := schema.NewMigrate(drv, options(schema.WithDir(scratch), schema.WithMigrationMode(schema.ModeInspect))...)
	if err != nil {
		return "", err
	}
	switch err := m.NamedDiff(ctx, "drift", tables()...); {
	case errors.Is(err, atlas.ErrNoPlan):
		return "", nil
	case err != nil:
		return "", err
	}
	planned, err := scratch.Files()
	if err != nil || len(planned) == 0 {
		return "", errors.Join(err, errors.New("drift: no statements planned"))
	}
	return string(planned[0].Bytes()), nil
}
