package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/graph/report"
	"github.com/partnerhub/partnerhub-api/server/graphiql"
)

// Routes returns the API's HTTP handler.
func (a *App) Routes() http.Handler {
	api, _, _ := a.handlers()
	return api
}

// handlers returns the API's HTTP handler and the metrics handler. /metrics is served by
// the API's too unless PARTNERHUB_METRICS_ADDR gives it a listener of its own, so that it
// need not be public. Every answer carries X-Content-Type-Options: nosniff.
func (a *App) handlers() (api, metrics http.Handler, reports *report.Service) {
	resolver := graph.NewResolver(a.DB.Client, a.Now, a.Auth, a.broker, graph.Options{
		LaunchURLTemplate: a.Cfg.LaunchURLTemplate, CacheTTL: a.Cfg.AnalyticsCacheTTL, MaxSubscriptions: a.Cfg.MaxSubscriptions,
		LiveMaxRate: a.Cfg.LiveMaxRate, Sockets: a.sockets, Reports: a.reportOptions(), CallLegRetention: a.Cfg.CallLegRetention,
	})
	resolver.Rebuilds.Logger = a.logger
	// Quality rebuilds a stopped process left unfinished go on.
	if err := resolver.Rebuilds.Resume(context.Background()); err != nil {
		a.logger.Warn("cannot resume the quality rebuilds", "err", err)
	}
	limits := a.Cfg.limits()
	limits.Admission = graph.NewAdmission(a.Cfg.MaxConcurrent, a.Cfg.OperationTimeout)
	reg := prometheus.NewRegistry()
	reg.MustRegister(limits.Admission.Collectors()...)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.registerStateMetrics(reg, resolver)
	obs := observe.New(a.logger, reg)
	gql := graph.NewHandler(resolver, a.Auth, limits, a.logger, obs)

	mux := http.NewServeMux()
	mux.Handle("/graphql", a.limitBody(a.authenticate(gql)))
	mux.Handle("GET /reports/{id}/download", a.authenticate(resolver.Reports.Handler()))
	mux.Handle("POST "+graph.CallLegsPath, a.authenticate(resolver.CallLegsHandler(limits.Admission, a.Cfg.ReadTimeout, a.logger)))
	page := graphiql.Handler("/graphql")
	mux.Handle("GET /{$}", page)
	mux.Handle("GET "+graphiql.AssetPath, page)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.Ping(ctx); err != nil {
			a.logger.WarnContext(ctx, "database not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	metrics = withHeader("X-Content-Type-Options", "nosniff", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if a.Cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", metrics)
	}
	return obs.HTTP(withHeader("X-Content-Type-Options", "nosniff", mux)), metrics, resolver.Reports
}

// withHeader sets the header name to value on every answer of next.
func withHeader(name, value string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(name, value)
		next.ServeHTTP(w, r)
	})
}

// listenAndServe serves the API on ln and, when PARTNERHUB_METRICS_ADDR is set, /metrics
// on a listener of its own, until ctx ends or either fails.
func (a *App) listenAndServe(ctx context.Context, ln net.Listener) error {
	api, metrics, reports := a.handlers()
	defer reports.Close()
	go reports.Run(ctx, schedulerInterval)
	if a.Cfg.MetricsAddr == "" {
		return a.Serve(ctx, ln, api)
	}
	mln, err := net.Listen("tcp", a.Cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on %s for metrics: %w", a.Cfg.MetricsAddr, err)
	}
	a.logger.Info("serving metrics", "addr", mln.Addr().String())
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.Serve(ctx, ln, api) })
	g.Go(func() error { return a.Serve(ctx, mln, metrics) })
	return g.Wait()
}

// authenticate puts the viewer of a valid bearer token in the request context. A request
// without one goes on anonymous (introspection still works); one with an invalid token or
// a malformed Authorization header is refused with UNAUTHENTICATED, one with two
// Authorization headers with BAD_USER_INPUT.
func (a *App) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers := r.Header.Values("Authorization")
		switch {
		case len(headers) == 0:
			next.ServeHTTP(w, r)
			return
		case len(headers) > 1:
			writeGraphQLError(w, http.StatusBadRequest, gqlerr.BadUserInput, "send one Authorization header, not several")
			return
		}
		raw, err := auth.ParseBearer(headers[0])
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
			writeGraphQLError(w, http.StatusUnauthorized, gqlerr.Unauthenticated, err.Error())
			return
		}
		v, err := a.Auth.Authenticate(r.Context(), raw)
		switch {
		case errors.Is(err, auth.ErrUnavailable):
			// The token may be valid: a client should retry, not discard it.
			a.logger.WarnContext(r.Context(), "cannot check a token: the database is unavailable", "err", err)
			w.Header().Set("Retry-After", retryAfter)
			writeGraphQLError(w, http.StatusServiceUnavailable, gqlerr.Unavailable, "the database is unavailable; retry later")
			return
		case err != nil:
			a.logger.DebugContext(r.Context(), "authentication failed", "err", err)
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeGraphQLError(w, http.StatusUnauthorized, gqlerr.Unauthenticated, gqlerr.ErrUnauthenticated.Error())
			return
		}
		observe.FromContext(r.Context()).SetViewer(v)
		next.ServeHTTP(w, r.WithContext(viewer.NewContext(r.Context(), v)))
	})
}

// retryAfter is the Retry-After, in seconds, of an answer refused while the database is
// unavailable.
const retryAfter = "5"

// schedulerInterval is how often each instance looks for due report schedules.
const schedulerInterval = 30 * time.Second

// reportOptions configure the reports; their links are signed with a key derived from
// the JWT secret that every instance shares.
func (a *App) reportOptions() graph.ReportOptions {
	key := sha256.Sum256(append([]byte("partnerhub report links\x00"), a.secret...))
	return graph.ReportOptions{Dir: a.Cfg.ReportDir, Retention: a.Cfg.ReportRetention, Secret: key[:], Dialect: a.DB.Dialect, Logger: a.logger}
}

// limitBody refuses bodies over the configured size and batched (JSON array) operations,
// before anything is parsed.
func (a *App) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.Cfg.MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, gqlerr.BadUserInput,
					fmt.Sprintf("request body exceeds the limit of %d bytes", a.Cfg.MaxBodyBytes))
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
	gqlerr.WriteHTTP(w, status, code, msg)
}

// Serve runs h on ln until ctx ends, then lets in-flight requests finish up to the
// shutdown timeout and closes the websockets, which the HTTP server no longer tracks,
// with 1001 (going away).
func (a *App) Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       a.Cfg.ReadTimeout,
		WriteTimeout:      a.Cfg.WriteTimeout,
		IdleTimeout:       a.Cfg.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down", "timeout", a.Cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownTimeout)
	defer cancel()
	closed := make(chan struct{})
	go func() { a.sockets.Shutdown(sctx); close(closed) }()
	defer func() { <-closed }()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
