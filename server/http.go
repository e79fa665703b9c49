package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/server/graphiql"
)

// routes returns the process's HTTP handler.
func (a *app) routes() http.Handler {
	resolver := graph.NewResolver(a.db.Client, a.now, a.auth, a.broker, graph.Options{
		LaunchURLTemplate: a.cfg.LaunchURLTemplate, CacheTTL: a.cfg.AnalyticsCacheTTL, MaxSubscriptions: a.cfg.MaxSubscriptions,
	})
	limits := a.cfg.limits()
	limits.Admission = graph.NewAdmission(a.cfg.MaxConcurrent, a.cfg.OperationTimeout)
	reg := prometheus.NewRegistry()
	reg.MustRegister(limits.Admission.Collectors()...)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.registerStateMetrics(reg, resolver)
	obs := observe.New(a.logger, reg)
	gql := graph.NewHandler(resolver, a.auth, limits, a.logger, obs)

	mux := http.NewServeMux()
	mux.Handle("/graphql", a.limitBody(a.authenticate(gql)))
	page := graphiql.Handler("/graphql")
	mux.Handle("GET /{$}", page)
	mux.Handle("GET "+graphiql.AssetPath, page)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.db.Ping(ctx); err != nil {
			a.logger.WarnContext(ctx, "database not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return obs.HTTP(mux)
}

// authenticate puts the viewer of a valid bearer token in the request context. A request
// without one goes on anonymous (introspection still works); one with an invalid token
// is refused with UNAUTHENTICATED.
func (a *app) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		raw, ok := strings.CutPrefix(header, "Bearer ")
		if !ok {
			writeGraphQLError(w, http.StatusUnauthorized, gqlerr.Unauthenticated, "the Authorization header must be: Bearer <token>")
			return
		}
		v, err := a.auth.Authenticate(r.Context(), strings.TrimSpace(raw))
		if err != nil {
			a.logger.DebugContext(r.Context(), "authentication failed", "err", err)
			writeGraphQLError(w, http.StatusUnauthorized, gqlerr.Unauthenticated, gqlerr.ErrUnauthenticated.Error())
			return
		}
		observe.FromContext(r.Context()).SetViewer(v)
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

// limitBody refuses bodies over the configured size and batched (JSON array) operations,
// before anything is parsed.
func (a *app) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, gqlerr.BadUserInput,
					fmt.Sprintf("request body exceeds the limit of %d bytes", a.cfg.MaxBodyBytes))
				return
			}
			writeGraphQLError(w, http.StatusBadRequest, gqlerr.BadUserInput, "could not read the request body")
			return
		}
		if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
			writeGraphQLError(w, http.StatusBadRequest, gqlerr.BadUserInput,
				"batched operations are not supported: send one operation per request")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeGraphQLError answers with a GraphQL response holding one error with code.
func writeGraphQLError(w http.ResponseWriter, status int, code gqlerr.Code, msg string) {
	observe.AddCode(w, string(code))
	writeJSON(w, status, map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": string(code)}}},
	})
}

// serve runs h on ln until ctx ends, then lets in-flight requests finish up to the
// shutdown timeout.
func (a *app) serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       a.cfg.ReadTimeout,
		WriteTimeout:      a.cfg.WriteTimeout,
		IdleTimeout:       a.cfg.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
