// Package wsclient is a minimal GraphQL-over-websocket client of one subscription, for the
// benchmarks and the tests of live updates.
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

// Subscription is one GraphQL subscription over a websocket: a minimal client
// for the live-update benchmark and tests.
type Subscription struct {
	conn    *websocket.Conn
	proto   Protocol
	results chan result
	// running counts the operations started and not yet complete.
	running atomic.Int32
	// closedWith is the code of the server's close frame, once read.
	closedWith atomic.Int32
}

// result is one result read by the subscription's reader.
type result struct {
	data json.RawMessage
	err  error
}

// Message is one message of either subprotocol.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// ErrSocketClosed is returned by Next once the server has closed the socket.
var ErrSocketClosed = errors.New("websocket closed")

// ErrSubscription wraps the errors the server sends for one operation; the socket stays open.
var ErrSubscription = errors.New("subscription error")

// Protocol names the messages of a GraphQL websocket subprotocol that differ between them.
type Protocol struct{ Name, subscribe, next string }

// TransportWS and LegacyWS are the subprotocols: graphql-transport-ws, and the legacy
// graphql-ws (subscriptions-transport-ws).
var (
	TransportWS = Protocol{Name: "graphql-transport-ws", subscribe: "subscribe", next: "next"}
	LegacyWS    = Protocol{Name: "graphql-ws", subscribe: "start", next: "data"}
)

// Subscribe connects to url over graphql-transport-ws, authenticates with token in
// connection_init and starts query.
func Subscribe(ctx context.Context, url, token, query string) (*Subscription, error) {
	return SubscribeWith(ctx, TransportWS, url, token, query)
}

// SubscribeWith is Subscribe over the subprotocol p.
func SubscribeWith(ctx context.Context, p Protocol, url, token, query string) (*Subscription, error) {
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{p.Name}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	s := &Subscription{conn: conn, proto: p}
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	if err := wsjson.Write(ctx, conn, Message{Type: "connection_init", Payload: init}); err != nil {
		return nil, err
	}
	for {
		var m Message
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
	if err := s.Start(ctx, "1", query); err != nil {
		return nil, err
	}
	s.results = make(chan result, 16)
	go s.read()
	return s, nil
}

// read reads results until the socket ends; a read is never cancelled, since cancelling
// a read closes the socket.
func (s *Subscription) read() {
	defer close(s.results)
	for {
		data, err := s.readOne(context.Background())
		s.results <- result{data, err}
		if err != nil && !errors.Is(err, ErrSubscription) {
			return
		}
	}
}

// Next returns the data of the next result, or ctx's error if none comes in time.
func (s *Subscription) Next(ctx context.Context) (json.RawMessage, error) {
	select {
	case r, ok := <-s.results:
		if !ok {
			return nil, ErrSocketClosed
		}
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readOne returns the data of the next result, answering pings on the way.
func (s *Subscription) readOne(ctx context.Context) (json.RawMessage, error) {
	for {
		var m Message
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			if code := websocket.CloseStatus(err); code != -1 || errors.Is(err, io.EOF) {
				s.closedWith.Store(int32(code))
				return nil, ErrSocketClosed
			}
			return nil, err
		}
		switch m.Type {
		case "ping":
			if err := wsjson.Write(ctx, s.conn, Message{Type: "pong"}); err != nil {
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
				return nil, fmt.Errorf("%w: %s", ErrSubscription, p.Errors)
			}
			return p.Data, nil
		case "error":
			return nil, fmt.Errorf("%w: %s", ErrSubscription, m.Payload)
		case "complete":
			// Once no operation runs, nothing more will come.
			if s.running.Add(-1) <= 0 {
				return nil, ErrSocketClosed
			}
		}
	}
}

// Start starts another operation, named id, on the subscription's socket; its results
// arrive through Next with the others'.
func (s *Subscription) Start(ctx context.Context, id, query string) error {
	payload, _ := json.Marshal(map[string]string{"query": query})
	s.running.Add(1)
	return wsjson.Write(ctx, s.conn, Message{ID: id, Type: s.proto.subscribe, Payload: payload})
}

// CloseCode is the code the server closed the socket with, once Next has returned
// ErrSocketClosed; -1 for a connection dropped without a close frame.
func (s *Subscription) CloseCode() websocket.StatusCode {
	return websocket.StatusCode(s.closedWith.Load())
}

// Close ends the subscription and the socket.
func (s *Subscription) Close() { s.conn.Close(websocket.StatusNormalClosure, "done") }
