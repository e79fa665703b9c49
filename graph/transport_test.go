package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestPlainAnswers checks that an answer written by the POST transport's own path (data
// alone) decodes to the same value, with the same status and content type, as the one
// gqlgen's POST writes (asked for with another Accept header), and that answers with
// errors still carry them. The transport's own answers give their length, rather than
// going out in chunks.
func TestPlainAnswers(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("plain-answers")
	h.mustCustomer(w, customerSpec{name: `Smith & <Sons> "Ltd"`, subs: []subSpec{paid("ACTIVE", 100, true, meetings10)}})
	post := func(accept, query string) (int, string, any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-Viewer", h.as(w.full))
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := h.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s: reading the answer: %v", query, err)
		}
		if accept == "" && resp.ContentLength != int64(len(raw)) {
			t.Errorf("%s: Content-Length %d for an answer of %d bytes", query, resp.ContentLength, len(raw))
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("answer %q: %v", raw, err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), v
	}
	for _, query := range []string{
		`{ customers(first: 5) { totalCount edges { node { name statuses licenseSummary { product total } } } } }`,
		`{ customers(first: 5, query: "status:") { totalCount } }`,
		`{ customer(id: "nope") { name } }`,
		// an answer larger than net/http's buffer, whose length it would not work out
		`{ __schema { types { name description } } }`,
	} {
		code, ctype, plain := post("", query)
		wantCode, wantType, want := post("application/json; charset=utf-8", query)
		if code != wantCode || ctype != wantType || !reflect.DeepEqual(plain, want) {
			t.Errorf("%s:\n%d %s %v\nwant\n%d %s %v", query, code, ctype, plain, wantCode, wantType, want)
		}
	}
}

// TestGraphQLOverHTTPStatuses: a document that does not parse or validate, or variables
// that do not coerce, are answered 200 to a client accepting application/json and 400 to
// one accepting application/graphql-response+json, with the errors and no data entry, over
// POST and GET alike.
func TestGraphQLOverHTTPStatuses(t *testing.T) {
	h := newHarness(t)
	w := h.newWorld("over-http")
	who := h.as(w.full)
	docs := map[string]struct{ query, vars string }{
		"Unparsable": {`{ me { email }`, `{}`},
		"Invalid":    {`{ nope }`, `{}`},
		"Coercion":   {`query($n: Int!) { customers(first: $n) { totalCount } }`, `{"n": "many"}`},
	}
	for name, d := range docs {
		for _, accept := range []string{"application/json", "application/graphql-response+json"} {
			for _, method := range []string{http.MethodPost, http.MethodGet} {
				t.Run(name+"/"+accept+"/"+method, func(t *testing.T) {
					var req *http.Request
					if method == http.MethodPost {
						body := `{"query": ` + strconv.Quote(d.query) + `, "variables": ` + d.vars + `}`
						req, _ = http.NewRequest(method, h.srv.URL, strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
					} else {
						req, _ = http.NewRequest(method, h.srv.URL+"?query="+url.QueryEscape(d.query)+"&variables="+url.QueryEscape(d.vars), nil)
					}
					req.Header.Set("Accept", accept)
					req.Header.Set("X-Test-Viewer", who)
					resp, err := h.srv.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					var body map[string]json.RawMessage
					if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
						t.Fatal(err)
					}
					want := http.StatusOK
					if accept != "application/json" {
						want = http.StatusBadRequest
					}
					if _, hasData := body["data"]; resp.StatusCode != want || hasData || body["errors"] == nil ||
						!strings.HasPrefix(resp.Header.Get("Content-Type"), accept) {
						t.Errorf("HTTP %d %s, data entry %v, errors %s; want %d %s, no data, errors",
							resp.StatusCode, resp.Header.Get("Content-Type"), hasData, body["errors"], want, accept)
					}
				})
			}
		}
	}
}
