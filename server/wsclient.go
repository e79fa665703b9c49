package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsSubscription is one GraphQL subscription over graphql-transport-ws: a minimal client
// for the live-update benchmark and tests.
type wsSubscription struct {
	conn    *websocket.Conn
	results chan wsResult
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

// subscribe connects to url, authenticates with token in connection_init and starts query.
func subscribe(ctx context.Context, url, token, query string) (*wsSubscription, error) {
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	s := &wsSubscription{conn: conn}
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
	payload, _ := json.Marshal(map[string]string{"query": query})
	if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: "subscribe", Payload: payload}); err != nil {
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
		if err != nil {
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
			if websocket.CloseStatus(err) != -1 || errors.Is(err, io.EOF) {
				return nil, errSocketClosed
			}
			return nil, err
		}
		switch m.Type {
		case "ping":
			if err := wsjson.Write(ctx, s.conn, wsMessage{Type: "pong"}); err != nil {
				return nil, err
			}
		case "next":
			var p struct {
				Data   json.RawMessage `json:"data"`
				Errors json.RawMessage `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				return nil, err
			}
			if len(p.Errors) > 0 && string(p.Errors) != "null" {
				return nil, fmt.Errorf("subscription error: %s", p.Errors)
			}
			return p.Data, nil
		case "error":
			return nil, fmt.Errorf("subscription error: %s", m.Payload)
		case "complete":
			return nil, errSocketClosed
		}
	}
}

// close ends the subscription and the socket.
func (s *wsSubscription) close() { s.conn.Close(websocket.StatusNormalClosure, "done") }
