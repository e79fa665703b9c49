package graph

import (
	"context"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/model"
	"github.com/partnerhub/partnerhub-api/graph/report"
)

// generateReport checks what the viewer asks for and starts generating it here.
func (r *Resolver) generateReport(ctx context.Context, in model.GenerateReportInput) (*model.ReportPayload, error) {
	p, err := report.Resolve(ctx, r.Client, r.Now(), in.TemplateID, in.Region, in.From, in.To)
	if err != nil {
		return nil, err
	}
	rep, err := r.Reports.Generate(ctx, p)
	return &model.ReportPayload{Report: rep}, err
}

// optionalAdmin loads an admin by ID, nil for none (or one the viewer cannot see).
func optionalAdmin(ctx context.Context, id *int) (*ent.Admin, error) {
	if id == nil {
		return nil, nil
	}
	return loader.Load(ctx, loader.For(ctx).Admin, *id)
}

// onlyFor is v where it applies, nil elsewhere.
func onlyFor(applies bool, v int) *int {
	if !applies {
		return nil
	}
	return &v
}
