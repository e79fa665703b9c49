package observe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Observer writes the access log and feeds the metrics registered on its registry.
type Observer struct {
	logger *slog.Logger
	m      *metrics
	now    func() time.Time
}

// New returns an Observer logging to logger, whose handler WithRequestID should wrap, and
// registering its metrics on reg.
func New(logger *slog.Logger, reg prometheus.Registerer) *Observer {
	return &Observer{logger: logger, m: newMetrics(reg), now: time.Now}
}

// RequestIDHeader carries a request's ID in and out: taken from the client when it sends
// a usable one, generated otherwise, and always returned.
const RequestIDHeader = "X-Request-ID"

// requestID returns the client's ID when it is 1–128 printable ASCII characters, else a
// new random one.
func requestID(given string) string {
	ok := given != "" && len(given) <= 128
	for i := 0; ok && i < len(given); i++ {
		ok = given[i] > ' ' && given[i] < 0x7f
	}
	if ok {
		return given
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// HTTP logs one line per request that next serves and counts it by route and status.
func (o *Observer) HTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := o.now()
		rec := &Record{requestID: requestID(r.Header.Get(RequestIDHeader))}
		w.Header().Set(RequestIDHeader, rec.requestID)
		rw := &responseWriter{ResponseWriter: w, rec: rec, status: http.StatusOK}
		r = r.WithContext(NewContext(r.Context(), rec))
		next.ServeHTTP(rw, r)
		took := o.now().Sub(start)
		route := routeOf(r)
		s := rec.snapshot()
		o.m.observe(s, route, rw.status, took)
		if !o.logger.Enabled(r.Context(), slog.LevelInfo) {
			return
		}
		attrs := append([]slog.Attr{
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", rw.status),
		}, s.attrs(took, rw.bytes)...)
		o.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// routeOf is the pattern of the route that served r, without its method.
func routeOf(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	_, path, found := strings.Cut(r.Pattern, " ")
	if !found {
		return r.Pattern
	}
	return path
}

// attrs are the fields a request and a websocket operation share in the log; the
// request_id comes from the context, through WithRequestID.
func (s snapshot) attrs(took time.Duration, bytes int) []slog.Attr {
	attrs := []slog.Attr{}
	if s.opType != "" {
		attrs = append(attrs, slog.String("operation", s.operation), slog.String("type", s.opType))
	}
	if len(s.codes) > 0 {
		attrs = append(attrs, slog.String("codes", s.Codes()))
	}
	attrs = append(attrs, slog.Duration("duration", took), slog.Int("bytes", bytes))
	if v := s.viewer; v != nil {
		attrs = append(attrs, slog.Int("partner", v.PartnerID), slog.Int("admin", v.AdminID), slog.String("token", v.TokenID))
	}
	for action, n := range s.ingested {
		attrs = append(attrs, slog.Int("ingested."+action, n))
	}
	return attrs
}

// responseWriter remembers the status and size of a response.
type responseWriter struct {
	http.ResponseWriter
	rec    *Record
	status int
	bytes  int
}

func (w *responseWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (websocket upgrades).
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// AddCode records code on the Record of the request w answers, for errors written before
// GraphQL runs (authentication, body limits, admission).
func AddCode(w http.ResponseWriter, code string) {
	for {
		if rw, ok := w.(*responseWriter); ok {
			rw.rec.AddCode(code)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

type websocketKey struct{}

// OpenWebsocket marks ctx, the context of a websocket connection that has just been
// accepted for viewer's token, so that each of its operations gets its own log line; the
// connection counts as open until ctx ends.
func (o *Observer) OpenWebsocket(ctx context.Context) context.Context {
	conn := FromContext(ctx)
	o.m.websockets.Inc()
	context.AfterFunc(ctx, o.m.websockets.Dec)
	return context.WithValue(ctx, websocketKey{}, conn)
}

// connection returns the Record of the websocket upgrade that ctx belongs to, or nil.
func connection(ctx context.Context) *Record {
	conn, _ := ctx.Value(websocketKey{}).(*Record)
	return conn
}
