package storage

import (
	"context"

	atlas "ariga.io/atlas/sql/migrate"
)

// MigrateSchemaFrom is MigrateSchema with files in place of the embedded ones.
func (db *DB) MigrateSchemaFrom(ctx context.Context, files []atlas.File) (Report, error) {
	return db.migrateSchema(ctx, files)
}
