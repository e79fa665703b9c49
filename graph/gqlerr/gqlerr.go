// Package gqlerr owns the API's error codes and the one table that maps
// every error to a code at the GraphQL boundary; anything unexpected becomes INTERNAL,
// is logged, and is never shown.
package gqlerr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Code is a value of extensions.code.
type Code string

// The codes the API answers with.
const (
	Unauthenticated    Code = "UNAUTHENTICATED"
	Forbidden          Code = "FORBIDDEN"
	NotFound           Code = "NOT_FOUND"
	BadUserInput       Code = "BAD_USER_INPUT"
	Conflict           Code = "CONFLICT"
	ComplexityExceeded Code = "COMPLEXITY_LIMIT_EXCEEDED"
	// Timeout is an operation that outlived its deadline; the message names it.
	Timeout Code = "TIMEOUT"
	// Unavailable is a request that cannot be served because the database cannot be
	// reached; it is answered with HTTP 503 and Retry-After.
	Unavailable Code = "UNAVAILABLE"
	// PersistedQueryNotFound asks a client sending only a persisted query's hash to send
	// the query with it (automatic persisted queries).
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	Internal               Code = "INTERNAL"
)

// Error is an error meant for the client, with its code.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrUnauthenticated is returned for requests without a valid token.
var ErrUnauthenticated = Errorf(Unauthenticated, "a valid API token is required: send Authorization: Bearer <token>")

// Classify returns the code and client-safe message of err, and whether it is internal.
func Classify(ctx context.Context, err error) (Code, string, bool) {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Code, e.Message, false
	case ent.IsNotFound(err):
		return NotFound, "not found", false
	case ent.IsValidationError(err):
		return BadUserInput, err.Error(), false
	case ent.IsConstraintError(err):
		return Conflict, "conflicts with an existing object", false
	case errors.Is(err, privacy.Deny):
		if viewer.FromContext(ctx) == nil {
			return ErrUnauthenticated.(*Error).Code, ErrUnauthenticated.Error(), false
		}
		return Forbidden, "your role or token does not allow this", false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The database driver may report the statement the deadline cancelled in its own
		// words (PostgreSQL: "canceling statement due to user request").
		// The operation's deadline names itself as the cause (graph.Admission).
		if errors.As(context.Cause(ctx), &e) {
			return e.Code, e.Message, false
		}
		return Timeout, "the operation took too long", false
	case errors.Is(err, context.Canceled), errors.Is(ctx.Err(), context.Canceled):
		// The client went away; the driver may report the statement it cancelled so.
		return Internal, "the request was cancelled", false
	}
	return Internal, "internal error", true
}

// gqlgen's own codes for requests refused before execution, mapped onto ours.
// Any other is BAD_USER_INPUT, so that every code answered is one of ours.
var gqlgenCodes = map[string]Code{
	errcode.ValidationFailed:    BadUserInput,
	errcode.ParseFailed:         BadUserInput,
	"COMPLEXITY_LIMIT_EXCEEDED": ComplexityExceeded,
	"PERSISTED_QUERY_NOT_FOUND": PersistedQueryNotFound,
}

// Presenter maps err to a GraphQL error with extensions.code, logging internal ones.
func Presenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse, validation and limit errors raised by gqlgen itself.
			code, _ := gqlErr.Extensions["code"].(string)
			mapped, ok := gqlgenCodes[code]
			if !ok && !ours(Code(code)) {
				mapped = BadUserInput
			} else if !ok {
				mapped = Code(code)
			}
			return withCode(gqlErr, mapped)
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		code, msg, internal := Classify(ctx, err)
		if internal {
			logger.ErrorContext(ctx, "internal error", "path", out.Path.String(), "err", err)
		}
		out.Message = msg
		return withCode(out, code)
	}
}

// ours reports whether code is one of the API's codes.
func ours(code Code) bool {
	switch code {
	case Unauthenticated, Forbidden, NotFound, BadUserInput, Conflict, ComplexityExceeded, Unavailable, PersistedQueryNotFound, Internal:
		return true
	}
	return false
}

func withCode(e *gqlerror.Error, code Code) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
	return e
}

// Recover turns a panic in a resolver into an INTERNAL error and logs it.
func Recover(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", p, "stack", string(debug.Stack()))
		return errors.New("internal error")
	}
}
