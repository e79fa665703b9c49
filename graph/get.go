package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// get runs queries sent as GET, like gqlgen's GET transport, except that each refusal is
// a GraphQL error with a code: gqlgen answers a mutation with 406 and undecodable
// parameters with 400, both without a code. A mutation or subscription is 405 (Allow: POST).
type get struct{}

func (get) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (get) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		gqlerr.WriteHTTP(w, http.StatusBadRequest, gqlerr.BadUserInput, "the URL's query string cannot be read")
		return
	}
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	params.ReadTime.Start = graphql.Now()
	for name, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if raw := q.Get(name); raw != "" {
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(into); err != nil {
				gqlerr.WriteHTTP(w, http.StatusBadRequest, gqlerr.BadUserInput, fmt.Sprintf("the %s parameter must be a JSON object", name))
				return
			}
		}
	}
	params.ReadTime.End = graphql.Now()
	rc, graphQLResponse, ok := operationOf(w, r, exec, params)
	if !ok {
		return
	}
	if op := rc.Operation.Operation; op != ast.Query {
		w.Header().Set("Allow", "POST")
		gqlerr.WriteHTTP(w, http.StatusMethodNotAllowed, gqlerr.BadUserInput, fmt.Sprintf("GET runs queries only: send a %s as POST", op))
		return
	}
	responses, ctx := exec.DispatchOperation(r.Context(), rc)
	writeJSON(w, http.StatusOK, graphQLResponse, responses(ctx))
}

// acceptsGraphQLResponse reports whether the answer is application/graphql-response+json
// rather than application/json: whichever the Accept header names first, as gqlgen reads it.
func acceptsGraphQLResponse(accept string) bool {
	if accept == "" {
		return false
	}
	for part := range strings.SplitSeq(accept, ",") {
		switch t, _, err := mime.ParseMediaType(strings.TrimSpace(part)); {
		case err != nil:
		case t == "application/json", t == "*/*", t == "application/*":
			return false
		case t == "application/graphql-response+json":
			return true
		}
	}
	return true
}

// operationOf creates the operation params ask for, or answers the request's refusal (ok
// false); graphQLResponse tells which of the two JSON media types the answer takes.
func operationOf(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams) (rc *graphql.OperationContext, graphQLResponse, ok bool) {
	graphQLResponse = acceptsGraphQLResponse(r.Header.Get("Accept"))
	rc, errs := exec.CreateOperationContext(r.Context(), params)
	if errs != nil {
		writeRefusal(w, r, exec, rc, errs, graphQLResponse)
		return nil, graphQLResponse, false
	}
	return rc, graphQLResponse, true
}

// writeRefusal answers a request refused before execution (a document that does not parse
// or validate, variables that do not coerce), as GraphQL over HTTP asks: 200 to a client
// accepting application/json, 400 to one accepting application/graphql-response+json
// (200 still when the refusal is not the request's fault), with the errors and no data.
func writeRefusal(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, rc *graphql.OperationContext, errs gqlerror.List, graphQLResponse bool) {
	status := http.StatusOK
	if graphQLResponse && errcode.GetErrorKind(errs) == errcode.KindProtocol {
		status = http.StatusBadRequest
	}
	resp := exec.DispatchError(graphql.WithOperationContext(r.Context(), rc), errs)
	writeJSON(w, status, graphQLResponse, struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
}

// writeJSON writes v as the JSON answer, with its length, status and content type.
func writeJSON(w http.ResponseWriter, status int, graphQLResponse bool, v any) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		gqlerr.WriteHTTP(w, http.StatusInternalServerError, gqlerr.Internal, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if graphQLResponse {
		w.Header().Set("Content-Type", "application/graphql-response+json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// unsupported answers every request no other transport takes: gqlgen would answer
// "transport not supported" as text/plain, without a code. A POST that is not
// application/json is 415; any other method 405.
type unsupported struct{}

func (unsupported) Supports(*http.Request) bool { return true }

func (unsupported) Do(w http.ResponseWriter, r *http.Request, _ graphql.GraphExecutor) {
	if r.Method == http.MethodPost {
		gqlerr.WriteHTTP(w, http.StatusUnsupportedMediaType, gqlerr.BadUserInput,
			"send the operation as a JSON body with Content-Type: application/json")
		return
	}
	w.Header().Set("Allow", "GET, POST")
	gqlerr.WriteHTTP(w, http.StatusMethodNotAllowed, gqlerr.BadUserInput,
		fmt.Sprintf("%s is not supported: POST an operation, or GET a query", r.Method))
}
