package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ReportChunk is a piece of a report's file stored in the database, so that every
// instance can serve it; pieces are read back in order of seq.
type ReportChunk struct {
	ent.Schema
}

// Mixin of the ReportChunk.
func (ReportChunk) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}}
}

// Fields of the ReportChunk.
func (ReportChunk) Fields() []ent.Field {
	return []ent.Field{
		field.Int("report_id"),
		field.Int("seq"),
		field.Bytes("data"),
	}
}

// Indexes of the ReportChunk.
func (ReportChunk) Indexes() []ent.Index {
	return []ent.Index{index.Fields("report_id", "seq").Unique()}
}
