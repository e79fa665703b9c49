package graph

import (
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/ingest"
)

// CallLegsPath is where call legs are streamed in.
const CallLegsPath = "/ingest/call-legs"

// CallLegsHandler serves POST /ingest/call-legs: a body of NDJSON (application/x-ndjson)
// or CSV with a header row (text/csv) of any size, legs or Webex call records (detected,
// or forced with ?format=webex-cdr), answered with the JSON summary of what was stored
// and the first errors by line. The viewer comes from the request's context, as for
// /graphql; each batch's transaction takes a slot of adm, as an operation does. The body
// may take as long as it needs, provided no read waits longer than idle.
func (r *Resolver) CallLegsHandler(adm *Admission, idle time.Duration, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		v := viewer.FromContext(ctx)
		if v == nil {
			gqlerr.WriteHTTP(w, http.StatusUnauthorized, gqlerr.Unauthenticated, gqlerr.ErrUnauthenticated.Error())
			return
		}
		if !v.CanIngest() {
			gqlerr.WriteHTTP(w, http.StatusForbidden, gqlerr.Forbidden, "your role or token does not allow ingesting call legs: it needs the ingest scope")
			return
		}
		opts := ingest.StreamOptions{}
		mediaType, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
		switch mediaType {
		case "application/x-ndjson", "application/jsonl", "application/json":
			opts.Format = ingest.NDJSON
		case "text/csv":
			opts.Format = ingest.CSV
		default:
			gqlerr.WriteHTTP(w, http.StatusUnsupportedMediaType, gqlerr.BadUserInput, "send application/x-ndjson or text/csv")
			return
		}
		switch f := req.URL.Query().Get("format"); f {
		case "":
		case "webex-cdr":
			opts.Webex = true
		default:
			gqlerr.WriteHTTP(w, http.StatusBadRequest, gqlerr.BadUserInput, "format takes webex-cdr or nothing")
			return
		}
		if adm != nil {
			opts.Admit = adm.Enter
		}
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // the answer waits for the whole body
		sum, err := ingest.StreamCallLegs(ctx, r.Audit, &idleReader{r: req.Body, rc: rc, idle: idle}, opts)
		_ = rc.SetWriteDeadline(time.Now().Add(max(idle, 10*time.Second)))
		if err != nil {
			code, msg, internal := gqlerr.Classify(ctx, err)
			status := http.StatusBadRequest
			switch {
			case internal:
				logger.ErrorContext(ctx, "internal error", "path", CallLegsPath, "err", err)
				status = http.StatusInternalServerError
			case code == gqlerr.Forbidden:
				status = http.StatusForbidden
			case code == gqlerr.Internal || code == gqlerr.Timeout:
				status = http.StatusServiceUnavailable
			}
			gqlerr.WriteHTTP(w, status, code, msg)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(sum)
	})
}

// idleReader moves the connection's read deadline on as the body arrives, so that a long
// body is read in full while a stalled one still times out.
type idleReader struct {
	r     io.Reader
	rc    *http.ResponseController
	idle  time.Duration
	moved time.Time
}

func (r *idleReader) Read(p []byte) (int, error) {
	if now := time.Now(); r.idle > 0 && now.Sub(r.moved) > time.Second {
		r.moved = now
		_ = r.rc.SetReadDeadline(now.Add(r.idle))
	}
	return r.r.Read(p)
}
