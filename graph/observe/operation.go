package observe

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Extension returns the gqlgen extension that names each operation in its Record and
// logs each websocket operation on its own line when it ends. It must be the first
// operation interceptor, so that it sees operations refused by the others.
func (o *Observer) Extension() graphql.HandlerExtension { return extension{o} }

type extension struct{ o *Observer }

func (extension) ExtensionName() string                   { return "observe" }
func (extension) Validate(graphql.ExecutableSchema) error { return nil }
func (e extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	name, opType := oc.OperationName, ""
	if oc.Operation != nil {
		name, opType = oc.Operation.Name, string(oc.Operation.Operation)
	}
	conn := connection(ctx)
	if conn == nil {
		rec := FromContext(ctx)
		rec.SetOperation(name, opType)
		rec.SetViewer(viewer.FromContext(ctx))
		return next(ctx)
	}
	start := e.o.now()
	rec := &Record{requestID: conn.snapshot().requestID, operation: name, opType: opType, viewer: viewer.FromContext(ctx)}
	responses := next(NewContext(ctx, rec))
	sent, bytes := 0, 0
	return func(ctx context.Context) *graphql.Response {
		resp := responses(NewContext(ctx, rec))
		if resp != nil {
			sent++
			bytes += len(resp.Data)
			return resp
		}
		took := e.o.now().Sub(start)
		s := rec.snapshot()
		e.o.m.observe(s, "", 0, took)
		if !e.o.logger.Enabled(ctx, slog.LevelInfo) {
			return nil
		}
		attrs := append([]slog.Attr{slog.String("route", "websocket")}, s.attrs(took, bytes)...)
		e.o.logger.LogAttrs(NewContext(ctx, rec), slog.LevelInfo, "websocket operation", append(attrs, slog.Int("responses", sent))...)
		return nil
	}
}
