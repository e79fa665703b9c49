// Package graphiql serves the GraphiQL page at "/" and everything it loads from the binary,
// so the page works with no network but the one to this server. GraphiQL and React are
// pinned npm releases vendored into dist by go generate (internal/npmfetch checks each
// tarball's sha512 integrity); static holds the page itself. The page's
// Content-Security-Policy lets it run only those scripts and styles and talk only to the
// GraphQL endpoint, over HTTP and its websocket.
package graphiql

//go:generate go run ./internal/npmfetch

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

// AssetPath is the path under which the page's scripts and styles are served.
const AssetPath = "/graphiql/"

// DefaultHeaders is what the headers editor shows until the user's own are stored.
const DefaultHeaders = `{"Authorization": "Bearer <paste a token>"}`

//go:embed dist static
var files embed.FS

// DefaultDocument is the document the editor opens with until the user's own is stored: a
// directory page with statuses and a live KPI subscription.
var DefaultDocument = mustRead("static/default.graphql")

var page = template.Must(template.ParseFS(files, "static/index.html"))

// contentTypes are the types of the files served, by extension; nothing else is served.
var contentTypes = map[string]string{
	".js":      "text/javascript; charset=utf-8",
	".css":     "text/css; charset=utf-8",
	".LICENSE": "text/plain; charset=utf-8",
}

// file is one response body with the headers that describe it.
type file struct {
	body        []byte
	contentType string
	etag        string
}

// Handler serves the page at "/" and its assets under AssetPath; endpoint is the path of the
// GraphQL endpoint on the same host. Mount it at "GET /{$}" and "GET /graphiql/".
func Handler(endpoint string) http.Handler {
	var buf bytes.Buffer
	if err := page.Execute(&buf, map[string]string{"Endpoint": endpoint, "Document": DefaultDocument, "Headers": DefaultHeaders}); err != nil {
		panic(fmt.Sprintf("graphiql: render the page: %v", err))
	}
	index := newFile(buf.Bytes(), "text/html; charset=utf-8")
	assets := loadAssets()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.URL.Path == "/" {
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy(r.Host, endpoint))
			index.serve(w, r)
			return
		}
		f, ok := assets[strings.TrimPrefix(r.URL.Path, AssetPath)]
		if !ok || !strings.HasPrefix(r.URL.Path, AssetPath) {
			http.NotFound(w, r)
			return
		}
		f.serve(w, r)
	})
}

// contentSecurityPolicy allows the page's own scripts and styles, the fonts and images
// GraphiQL's stylesheet inlines as data: URLs, and connections to endpoint on host alone.
// A host that could be anything but a host name or address falls back to 'self'.
func contentSecurityPolicy(host, endpoint string) string {
	connect := "'self'"
	if validHost.MatchString(host) {
		connect = fmt.Sprintf("http://%[1]s%[2]s https://%[1]s%[2]s ws://%[1]s%[2]s wss://%[1]s%[2]s", host, endpoint)
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; font-src data:; img-src 'self' data:; " +
		"connect-src " + connect + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

var validHost = regexp.MustCompile(`^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$`)

// loadAssets returns every servable file of dist and static but the page, by file name.
func loadAssets() map[string]file {
	assets := map[string]file{}
	for _, dir := range []string{"dist", "static"} {
		entries, err := fs.ReadDir(files, dir)
		if err != nil {
			panic(fmt.Sprintf("graphiql: %v", err))
		}
		for _, e := range entries {
			if ct, ok := contentTypes[path.Ext(e.Name())]; ok {
				assets[e.Name()] = newFile([]byte(mustRead(path.Join(dir, e.Name()))), ct)
			}
		}
	}
	return assets
}

func newFile(body []byte, contentType string) file {
	sum := sha256.Sum256(body)
	return file{body: body, contentType: contentType, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
}

// serve answers with f, or 304 when the client's copy is current.
func (f file) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("graphiql: %v", err))
	}
	return string(b)
}
