package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/generated"
	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/loader"
	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/graph/socket"
)

// NewHandler returns the /graphql handler: POST, GET (queries only) and websocket
// transports, limits, the error presenter, the recover func, the rule that only
// introspection runs without a viewer, and lists of plain objects written in one pass.
// obs, when not nil, learns each operation and logs each websocket operation.
func NewHandler(r *Resolver, authority *auth.Authority, limits Limits, logger *slog.Logger, obs *observe.Observer) *handler.Server {
	return newServer(r, r, true, authority, limits, logger, obs)
}

// newServer is NewHandler over the resolvers of root (r's own, or tests' wrapping them),
// its lists written by gqlgen's own executor unless plain.
func newServer(r *Resolver, root generated.ResolverRoot, plain bool, authority *auth.Authority, limits Limits, logger *slog.Logger, obs *observe.Observer) *handler.Server {
	cfg := generated.Config{Resolvers: root}
	setComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	if obs != nil {
		// First, so that it sees the operations the interceptors below refuse.
		srv.Use(obs.Extension())
	}
	srv.AddTransport(r.Sockets.Transport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		PingPongInterval:      10 * time.Second,
		InitFunc:              initSocket(authority, obs, logger),
	}, websocket.AcceptOptions{InsecureSkipVerify: true})) // tokens travel in connection_init, never in cookies: any origin may connect
	srv.AddTransport(transport.Options{})
	srv.AddTransport(get{})
	srv.AddTransport(post{})
	srv.AddTransport(unsupported{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(limits.ParserTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(operationLimits{depth: limits.Depth, introspection: limits.IntrospectionDepth, rootFields: limits.RootFields, aliases: limits.Aliases})
	srv.Use(inputLimit{})
	srv.Use(extension.FixedComplexityLimit(limits.Complexity))
	present := observe.RecordCodes(gqlerr.Presenter(logger))
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(gqlerr.Recover(logger))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if viewer.FromContext(ctx) == nil && !introspectionOnly(ctx) {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{present(ctx, gqlerr.ErrUnauthenticated)}})
		}
		return next(loader.NewContext(ctx, loader.New(r.Client, r.Now, plainReads)))
	})
	admission := limits.Admission
	if admission == nil {
		admission = NewAdmission(0, 0)
	}
	srv.AroundOperations(admission.around)
	if plain {
		srv.AroundFields(plainLists(root))
	}
	return srv
}

// introspectionOnly reports whether the operation in ctx selects introspection alone, the
// one thing an anonymous request may run; any other operation is refused whole, before
// it runs.
func introspectionOnly(ctx context.Context) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		if !strings.HasPrefix(f.Name, "__") {
			return false
		}
	}
	return true
}

// initSocket authenticates a websocket's connection_init. A refused token closes the
// socket with 4403; a token that cannot be checked for want of the database closes it with
// 1013, which clients retry.
func initSocket(authority *auth.Authority, obs *observe.Observer, logger *slog.Logger) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		raw, err := auth.ParseBearer(p.Authorization())
		var v *viewer.Viewer
		if err == nil {
			v, err = authority.Authenticate(ctx, raw)
		}
		if err != nil {
			code, reason := socket.Forbidden, "Forbidden: a valid API token is required"
			if errors.Is(err, auth.ErrUnavailable) {
				code, reason = socket.TryAgainLater, "The database is unavailable: retry later"
				logger.WarnContext(ctx, "websocket authentication unavailable", "err", err)
			} else {
				logger.DebugContext(ctx, "websocket authentication failed", "err", err)
			}
			return transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, code), reason), nil, errors.New(reason)
		}
		socket.Authenticated(ctx, v)
		observe.FromContext(ctx).SetViewer(v)
		if obs != nil {
			ctx = obs.OpenWebsocket(ctx)
		}
		ctx = withConnectionCounter(viewer.NewContext(ctx, v))
		go watchToken(ctx, authority, v, logger)
		return ctx, nil, nil
	}
}

// tokenCheckInterval is how often a websocket's token is checked again.
const tokenCheckInterval = time.Second

// watchToken closes a websocket with 4403 once its token expires or stops authenticating
// (revoked, its admin removed), or the role it acts with changes from initial's: the
// connection's viewer is fixed at connection_init, so one whose admin was demoted must
// authenticate again to see what the new role sees. A check the database cannot answer
// keeps the socket. The token's signature was verified at connection_init; each check
// looks its record up again (Recheck).
func watchToken(ctx context.Context, authority *auth.Authority, initial *viewer.Viewer, logger *slog.Logger) {
	t := time.NewTicker(tokenCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			v, err := authority.Recheck(ctx, initial)
			if errors.Is(err, auth.ErrInvalidToken) || err == nil && (authority.Expired(v) || v.Role != initial.Role) {
				logger.InfoContext(ctx, "closing websocket: token no longer valid", "err", err)
				socket.Close(ctx, socket.Forbidden, "Forbidden: the token expired, was revoked or changed role")
				return
			}
		}
	}
}
