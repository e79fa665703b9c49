// Package socket carries the API's websockets under gqlgen's transport. gqlgen closes
// every socket with 1000 or 1002 whatever the cause, so a graphql-transport-ws client
// cannot tell a refused token from a normal end and reconnects at once; this package
// reads each client message before gqlgen does and closes with the protocol's own codes:
//
//   - 4400 for a message that is not JSON, has an unknown type or a malformed payload;
//   - 4401 for a subscribe before the connection is acknowledged;
//   - 4403 for a refused connection_init, and for a token that expires or is revoked;
//   - 4408 when no connection_init arrives within the init timeout;
//   - 4409 for a subscribe whose id names an operation still running;
//   - 4429 for a second connection_init;
//   - 1001 when the server shuts down;
//   - 1013 when the token cannot be checked because the database is unavailable, so a
//     client retries later instead of giving up on a valid token.
//
// The legacy graphql-ws protocol keeps gqlgen's handling of its messages; its sockets
// get the same codes for a refused or invalidated token, a timeout and a shutdown.
// Close closes the socket of a connection's context with a code, from anywhere.
package socket

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// The close codes the server sends.
const (
	GoingAway          = 1001
	ProtocolError      = 1002
	TryAgainLater      = 1013
	BadRequest         = 4400
	Unauthorized       = 4401
	Forbidden          = 4403
	InitTimeout        = 4408
	SubscriberExists   = 4409
	TooManyInitRequest = 4429
)

// Registry accepts websockets and knows every open one, to close them on shutdown or
// when what they act as is no longer allowed.
type Registry struct {
	// initTimeout is how long a socket may stay open without a connection_init.
	initTimeout time.Duration

	mu       sync.Mutex
	conns    map[*Conn]struct{}
	shutdown bool
}

// NewRegistry returns a Registry whose sockets must send connection_init within initTimeout.
func NewRegistry(initTimeout time.Duration) *Registry {
	return &Registry{initTimeout: initTimeout, conns: map[*Conn]struct{}{}}
}

// Transport returns ws, gqlgen's websocket transport, accepting its sockets through r.
// ws's own init timeout is replaced by r's, which closes with the protocol's code.
func (r *Registry) Transport(ws transport.Websocket, accept websocket.AcceptOptions) graphql.Transport {
	ws.InitTimeout = 0
	ws.Implementation = implementation{registry: r, options: accept}
	return wsTransport{ws}
}

// transportWS is the graphql-transport-ws subprotocol, whose messages Conn checks.
const transportWS = "graphql-transport-ws"

// implementation accepts websockets for gqlgen's transport as Conns of its registry.
type implementation struct {
	registry *Registry
	options  websocket.AcceptOptions
}

func (i implementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	for k, vs := range o.ResponseHeader {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	opts := i.options
	for _, p := range o.Subprotocols {
		if !slices.Contains(opts.Subprotocols, p) {
			opts.Subprotocols = append(opts.Subprotocols, p)
		}
	}
	ws, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return nil, err
	}
	c := &Conn{ws: ws, registry: i.registry, checked: ws.Subprotocol() == transportWS, running: map[string]bool{}, closed: make(chan struct{})}
	if s, _ := r.Context().Value(slotKey{}).(*slot); s != nil {
		s.conn = c
	}
	if !i.registry.add(c) {
		c.close(GoingAway, "the server is shutting down")
		return c, nil
	}
	if d := i.registry.initTimeout; d > 0 {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.initTimer = time.AfterFunc(d, func() {
			code := InitTimeout
			if !c.checked {
				code = ProtocolError
			}
			c.close(code, "Connection initialisation timeout")
		})
	}
	return c, nil
}

// wsTransport is gqlgen's websocket transport with a place in each request's context
// for the socket it accepts, so that the connection's context leads to its socket.
type wsTransport struct{ transport.Websocket }

type slotKey struct{}

// slot holds the socket of one websocket request once accepted.
type slot struct{ conn *Conn }

func (t wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.Websocket.Do(w, r.WithContext(context.WithValue(r.Context(), slotKey{}, &slot{})), exec)
}

// FromContext returns the socket of the websocket connection ctx belongs to, or nil.
func FromContext(ctx context.Context) *Conn {
	s, _ := ctx.Value(slotKey{}).(*slot)
	if s == nil {
		return nil
	}
	return s.conn
}

// Close closes the socket of the websocket connection ctx belongs to with code and
// reason, and reports whether there was one. Its operations end with it.
func Close(ctx context.Context, code int, reason string) bool {
	c := FromContext(ctx)
	if c == nil {
		return false
	}
	c.close(code, reason)
	return true
}

// Authenticated records the viewer a socket acts as, for CloseWhere.
func Authenticated(ctx context.Context, v *viewer.Viewer) {
	if c := FromContext(ctx); c != nil {
		c.mu.Lock()
		c.viewer = v
		c.mu.Unlock()
	}
}

// CloseWhere closes with code and reason every open socket whose viewer matches, and
// returns how many it closed.
func (r *Registry) CloseWhere(match func(*viewer.Viewer) bool, code int, reason string) int {
	n := 0
	for _, c := range r.open() {
		c.mu.Lock()
		v := c.viewer
		c.mu.Unlock()
		if v != nil && match(v) {
			c.close(code, reason)
			n++
		}
	}
	return n
}

// Shutdown closes every open socket, and any accepted from now on, with 1001, and waits
// until each has finished its close handshake or ctx ends.
func (r *Registry) Shutdown(ctx context.Context) {
	r.mu.Lock()
	r.shutdown = true
	r.mu.Unlock()
	conns := r.open()
	for _, c := range conns {
		c.close(GoingAway, "the server is shutting down")
	}
	for _, c := range conns {
		select {
		case <-c.closed:
		case <-ctx.Done():
			return
		}
	}
}

func (r *Registry) open() []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	conns := make([]*Conn, 0, len(r.conns))
	for c := range r.conns {
		conns = append(conns, c)
	}
	return conns
}

// add registers c, or reports false once the server is shutting down.
func (r *Registry) add(c *Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shutdown {
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *Registry) remove(c *Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}
