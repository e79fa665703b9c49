package socket

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Conn is one accepted websocket, as gqlgen's transport reads and writes it.
type Conn struct {
	ws       *websocket.Conn
	registry *Registry
	// checked is set for graphql-transport-ws, whose client messages are checked.
	checked bool
	// closed is closed once the socket's close handshake has ended.
	closed chan struct{}

	mu        sync.Mutex
	initTimer *time.Timer
	viewer    *viewer.Viewer
	inited    bool
	acked     bool
	// running holds the ids of the operations started and not yet completed.
	running      map[string]bool
	closing      bool
	readDeadline *time.Timer
}

var (
	_ transport.WebsocketConn          = (*Conn)(nil)
	_ transport.WebsocketReadLimiter   = (*Conn)(nil)
	_ transport.WebsocketReadDeadliner = (*Conn)(nil)
)

// NextReader returns the next client message, or closes the socket with the protocol's
// code when the message breaks the protocol. A ping before connection_init, which the
// protocol allows and gqlgen refuses, is answered here.
func (c *Conn) NextReader() (int, io.Reader, error) {
	for {
		typ, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			closing := c.closing
			c.mu.Unlock()
			switch s := websocket.CloseStatus(err); {
			case closing, s == websocket.StatusNormalClosure, s == websocket.StatusNoStatusRcvd:
				return 0, nil, transport.ErrWebsocketClosed
			}
			return 0, nil, err
		}
		switch code, reason := c.admit(data); code {
		case 0:
			return int(typ), bytes.NewReader(data), nil
		case pingBeforeInit:
			if err := c.WriteJSON(clientMessage{Type: "pong"}); err != nil {
				return 0, nil, err
			}
		case pongBeforeInit:
		default:
			c.close(code, reason)
			return 0, nil, transport.ErrWebsocketClosed
		}
	}
}

// What admit answers for a ping or a pong before connection_init, which NextReader keeps
// from gqlgen.
const (
	pingBeforeInit = -1
	pongBeforeInit = -2
)

// clientMessage is what admit reads of a client message (and a pong NextReader sends).
type clientMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// admit checks a client message against the connection's state and returns the close
// code and reason it calls for, or 0.
func (c *Conn) admit(data []byte) (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.checked {
		if !c.inited {
			var m clientMessage
			if json.Unmarshal(data, &m) == nil && m.Type == "connection_init" {
				c.initReceived()
			}
		}
		return 0, ""
	}
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return BadRequest, "Invalid message received"
	}
	switch m.Type {
	case "connection_init":
		if c.inited {
			return TooManyInitRequest, "Too many initialisation requests"
		}
		c.initReceived()
		if p := bytes.TrimSpace(m.Payload); len(p) > 0 && p[0] != '{' && !bytes.Equal(p, []byte("null")) {
			return BadRequest, "The connection_init payload must be an object"
		}
	case "subscribe":
		switch {
		case !c.acked:
			return Unauthorized, "Unauthorized"
		case m.ID == "":
			return BadRequest, "A subscribe message needs an id"
		case c.running[m.ID]:
			return SubscriberExists, truncate(fmt.Sprintf("Subscriber for %s already exists", m.ID))
		}
		c.running[m.ID] = true
	case "ping":
		if !c.inited {
			return pingBeforeInit, ""
		}
	case "pong":
		if !c.inited {
			return pongBeforeInit, ""
		}
	case "complete":
	default:
		return BadRequest, truncate(fmt.Sprintf("Invalid message type %q", m.Type))
	}
	return 0, ""
}

// initReceived stops the init timer; the caller holds c.mu.
func (c *Conn) initReceived() {
	c.inited = true
	if c.initTimer != nil {
		c.initTimer.Stop()
	}
}

// truncate keeps a close reason within the 123 bytes a close frame carries.
func truncate(reason string) string {
	if len(reason) > 120 {
		return reason[:120]
	}
	return reason
}

// WriteJSON sends a server message, noting the acknowledgement and the operations it ends.
func (c *Conn) WriteJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if c.checked {
		var m clientMessage
		_ = json.Unmarshal(b, &m)
		c.mu.Lock()
		switch m.Type {
		case "connection_ack":
			c.acked = true
		case "complete", "error":
			delete(c.running, m.ID)
		}
		c.mu.Unlock()
	}
	return c.ws.Write(context.Background(), websocket.MessageText, b)
}

// WriteClose closes the socket as gqlgen asks, unless it is closed already; gqlgen's
// protocol error (1002) is 4400 on graphql-transport-ws.
func (c *Conn) WriteClose(code int, reason string) error {
	if c.checked && code == ProtocolError {
		code = BadRequest
	}
	c.close(code, reason)
	return nil
}

// close starts the close handshake with code once; gqlgen's reads end with it.
func (c *Conn) close(code int, reason string) {
	if !c.startClosing() {
		return
	}
	// coder/websocket waits up to 5 s for the peer's close frame: not on the caller.
	go func() {
		_ = c.ws.Close(websocket.StatusCode(code), reason)
		c.closeDone()
	}()
}

// Close drops the connection unless a close handshake is under way.
func (c *Conn) Close() error {
	if !c.startClosing() {
		return nil
	}
	err := c.ws.CloseNow()
	c.closeDone()
	return err
}

func (c *Conn) startClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	c.closing = true
	if c.initTimer != nil {
		c.initTimer.Stop()
	}
	if c.readDeadline != nil {
		c.readDeadline.Stop()
	}
	return true
}

func (c *Conn) closeDone() {
	c.registry.remove(c)
	close(c.closed)
}

// Subprotocol returns the negotiated subprotocol.
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// SetReadLimit bounds the size of a client message.
func (c *Conn) SetReadLimit(limit int64) { c.ws.SetReadLimit(limit) }

// SetReadDeadline drops the connection at t unless moved or cleared (zero t) before;
// gqlgen uses it to drop a client that stops answering pings.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readDeadline != nil {
		c.readDeadline.Stop()
		c.readDeadline = nil
	}
	if !t.IsZero() && !c.closing {
		c.readDeadline = time.AfterFunc(time.Until(t), func() { _ = c.Close() })
	}
	return nil
}
