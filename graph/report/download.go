package report

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// LinkTTL is how long a signed download link works.
const LinkTTL = 15 * time.Minute

// DownloadPath is the path of a report's download.
func DownloadPath(r *ent.Report) string { return "/reports/" + r.GlobalID() + "/download" }

// DownloadURL returns a link that downloads the READY report r without a token until
// LinkTTL from now; nil for a report that is not READY.
func (s *Service) DownloadURL(r *ent.Report) *string {
	if r.State != enum.ReportReady {
		return nil
	}
	exp := strconv.FormatInt(s.Now().Add(LinkTTL).Unix(), 10)
	u := DownloadPath(r) + "?expires=" + exp + "&signature=" + s.sign(r.ID, exp)
	return &u
}

func (s *Service) sign(id int, exp string) string {
	m := hmac.New(sha256.New, s.Secret)
	fmt.Fprintf(m, "report-download|%d|%s", id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// Handler serves GET /reports/{id}/download: to the viewer of the request (set by the
// server's authentication) when it may see the report, or to anyone with a valid signed
// link. A report that is missing, of another partner or not visible to the viewer answers
// 404, as one that never existed.
func (s *Service) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r, status, msg := s.authorize(req)
		if r == nil {
			http.Error(w, msg, status)
			return
		}
		switch r.State {
		case enum.ReportReady:
		case enum.ReportExpired:
			http.Error(w, "the report's file was deleted after the retention period", http.StatusGone)
			return
		default:
			http.Error(w, "the report is "+string(r.State)+", not READY", http.StatusConflict)
			return
		}
		f, err := s.Store.open(req.Context(), r)
		if err != nil {
			s.Logger.ErrorContext(req.Context(), "open report file", "report", r.ID, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": r.FileName}))
		h.Set("Content-Length", strconv.FormatInt(r.ByteSize, 10))
		h.Set("Cache-Control", "private, no-store")
		if _, err := io.Copy(w, f); err != nil {
			s.Logger.WarnContext(req.Context(), "send report file", "report", r.ID, "err", err)
		}
	})
}

// authorize finds the report a download asks for, or the status and message to answer.
func (s *Service) authorize(req *http.Request) (*ent.Report, int, string) {
	const missing = "report not found"
	id, err := gid.DecodeAs("Report", req.PathValue("id"))
	if err != nil {
		return nil, http.StatusNotFound, missing
	}
	ctx := req.Context()
	if v := viewer.FromContext(ctx); v != nil {
		if !v.CanReport() {
			return nil, http.StatusForbidden, "downloading reports needs a token with the scope " + viewer.ScopeReports
		}
		r, err := s.Client.Report.Get(ctx, id)
		if err != nil {
			return nil, http.StatusNotFound, missing
		}
		return r, 0, ""
	}
	q := req.URL.Query()
	exp, sig := q.Get("expires"), q.Get("signature")
	if sig == "" {
		return nil, http.StatusUnauthorized, "send Authorization: Bearer <token>, or use the report's downloadUrl"
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !hmac.Equal([]byte(sig), []byte(s.sign(id, exp))) {
		return nil, http.StatusNotFound, missing
	}
	if !s.Now().Before(time.Unix(unix, 0)) {
		return nil, http.StatusForbidden, "the download link has expired: ask for the report's downloadUrl again"
	}
	r, err := s.Client.Report.Get(viewer.SystemContext(context.WithoutCancel(ctx)), id)
	if err != nil {
		return nil, http.StatusNotFound, missing
	}
	return r, 0, ""
}
