package graph

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// CloseForbidden is the websocket close code of a connection whose token no longer holds:
// expired, revoked, its admin removed, or its admin's role narrowed since the connection
// was authenticated.
const CloseForbidden = 4403

// websocketTransport is gqlgen's websocket transport whose connections can be closed with a
// code of our choosing. gqlgen closes a connection whose context is cancelled with 1000
// (normal closure); a connection ended by closeWith writes the code set there instead.
type websocketTransport struct{ transport.Websocket }

// closing is the close code and reason one connection should end with; zero until set.
type closing struct {
	mu     sync.Mutex
	code   int
	reason string
}

type closingKey struct{}

// Do serves one websocket connection, with room in its context for the close code.
func (t websocketTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := context.WithValue(r.Context(), closingKey{}, &closing{})
	t.Websocket.Do(w, r.WithContext(ctx), exec)
}

// closeWith makes the connection of ctx close with code and reason once cancel ends it.
func closeWith(ctx context.Context, cancel context.CancelFunc, code int, reason string) {
	if c, ok := ctx.Value(closingKey{}).(*closing); ok {
		c.mu.Lock()
		c.code, c.reason = code, reason
		c.mu.Unlock()
	}
	cancel()
}

// closingImplementation accepts connections as impl does and wraps them in closingConn.
type closingImplementation struct {
	impl transport.WebsocketImplementation
}

// Accept implements transport.WebsocketImplementation.
func (i closingImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := i.impl.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	c, _ := r.Context().Value(closingKey{}).(*closing)
	return closingConn{WebsocketConn: conn, closing: c}, nil
}

// closingConn replaces the normal closure of a connection with the code closeWith set.
type closingConn struct {
	transport.WebsocketConn
	closing *closing
}

// WriteClose implements transport.WebsocketConn.
func (c closingConn) WriteClose(code int, message string) error {
	if c.closing != nil && code == transport.WebsocketCloseNormalClosure {
		c.closing.mu.Lock()
		if c.closing.code != 0 {
			code, message = c.closing.code, c.closing.reason
		}
		c.closing.mu.Unlock()
	}
	return c.WebsocketConn.WriteClose(code, message)
}

// SetReadLimit passes the transport's read limit on to the connection.
func (c closingConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline passes the transport's read deadline (missed pongs) on to the connection.
func (c closingConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
