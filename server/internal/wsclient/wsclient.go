package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsSubscription is one GraphQL subscription over a websocket: a minimal client
// for the live-update benchmark and tests.
type wsSubscription struct {
	conn    *websocket.Conn
	proto   wsProtocol
	results chan wsResult
	// running counts the operations started and not yet complete.
	running atomic.Int32
	// closedWith is the code of the server's close frame, once read.
	closedWith atomic.Int32
}

// wsResult is one result read by the subscription's reader.
type wsResult struct {
	data json.RawMessage
	err  error
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// errSocketClosed is returned by next once the server has closed the socket.
var errSocketClosed = errors.New("websocket closed")

// errSubscription wraps the errors the server sends for one operation; the socket stays open.
var errSubscription = errors.New("subscription error")

// wsProtocol names the messages of a GraphQL websocket subprotocol that differ between them.
type wsProtocol struct{ name, subscribe, next string }

// The subprotocols: graphql-transport-ws, and the legacy graphql-ws (subscriptions-transport-ws).
var (
	transportWS = wsProtocol{name: "graphql-transport-ws", subscribe: "subscribe", next: "next"}
	legacyWS    = wsProtocol{name: "graphql-ws", subscribe: "start", next: "data"}
)

// subscribe connects to url over graphql-transport-ws, authenticates with token in
// connection_init and starts query.
func subscribe(ctx context.Context, url, token, query string) (*wsSubscription, error) {
	return subscribeWith(ctx, transportWS, url, token, query)
}

// subscribeWith is subscribe over the subprotocol p.
func subscribeWith(ctx context.Context, p wsProtocol, url, token, query string) (*wsSubscription, error) {
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{p.name}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	s := &wsSubscription{conn: conn, proto: p}
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: init}); err != nil {
		return nil, err
	}
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return nil, fmt.Errorf("connection_init: %w", err)
		}
		if m.Type == "connection_ack" {
			break
		}
		if m.Type == "connection_error" || m.Type == "error" {
			return nil, fmt.Errorf("connection refused: %s", m.Payload)
		}
	}
	if err := s.start(ctx, "1", query); err != nil {
		return nil, err
	}
	s.results = make(chan wsResult, 16)
	go s.read()
	return s, nil
}

// read reads results until the socket ends; a read is never cancelled, since cancelling
// a read closes the socket.
func (s *wsSubscription) read() {
	defer close(s.results)
	for {
		data, err := s.readOne(context.Background())
		s.results <- wsResult{data, err}
		if err != nil && !errors.Is(err, errSubscription) {
			return
		}
	}
}

// next returns the data of the next result, or ctx's error if none comes in time.
func (s *wsSubscription) next(ctx context.Context) (json.RawMessage, error) {
	select {
	case r, ok := <-s.results:
		if !ok {
			return nil, errSocketClosed
		}
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readOne returns the data of the next result, answering pings on the way.
func (s *wsSubscription) readOne(ctx context.Context) (json.RawMessage, error) {
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			if code := websocket.CloseStatus(err); code != -1 || errors.Is(err, io.EOF) {
				s.closedWith.Store(int32(code))
				return nil, errSocketClosed
			}
			return nil, err
		}
		switch m.Type {
		case "ping":
			if err := wsjson.Write(ctx, s.conn, wsMessage{Type: "pong"}); err != nil {
				return nil, err
			}
		case s.proto.next:
			var p struct {
				Data   json.RawMessage `json:"data"`
				Errors json.RawMessage `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				return nil, err
			}
			if len(p.Errors) > 0 && string(p.Errors) != "null" {
				return nil, fmt.Errorf("%w: %s", errSubscription, p.Errors)
			}
			return p.Data, nil
		case "error":
			return nil, fmt.Errorf("%w: %s", errSubscription, m.Payload)
		case "complete":
			// Once no operation runs, nothing more will come.
			if s.running.Add(-1) <= 0 {
				return nil, errSocketClosed
			}
		}
	}
}

// start starts another operation, named id, on the subscription's socket; its results
// arrive through next with the others'.
func (s *wsSubscription) start(ctx context.Context, id, query string) error {
	payload, _ := json.Marshal(map[string]string{"query": query})
	s.running.Add(1)
	return wsjson.Write(ctx, s.conn, wsMessage{ID: id, Type: s.proto.subscribe, Payload: payload})
}

// closeCode is the code the server closed the socket with, once next has returned
// errSocketClosed; -1 for a connection dropped without a close frame.
func (s *wsSubscription) closeCode() websocket.StatusCode {
	return websocket.StatusCode(s.closedWith.Load())
}

// close ends the subscription and the socket.
func (s *wsSubscription) close() { s.conn.Close(websocket.StatusNormalClosure, "done") }
