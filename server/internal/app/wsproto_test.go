package app

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/socket"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// rawSocket is a websocket to /graphql driven message by message.
type rawSocket struct {
	t    *testing.T
	ctx  context.Context
	conn *websocket.Conn
}

// dialRaw opens a websocket to url over the subprotocol proto.
func dialRaw(t *testing.T, url, proto string) *rawSocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{proto}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &rawSocket{t: t, ctx: ctx, conn: conn}
}

// send writes one text message as it is.
func (s *rawSocket) send(msg string) {
	s.t.Helper()
	if err := s.conn.Write(s.ctx, websocket.MessageText, []byte(msg)); err != nil {
		s.t.Fatalf("send %s: %v", msg, err)
	}
}

// init sends connection_init with token and waits for the acknowledgement.
func (s *rawSocket) init(token string) {
	s.t.Helper()
	s.send(`{"type":"connection_init","payload":{"Authorization":"Bearer ` + token + `"}}`)
	s.await("connection_ack", "")
}

// await reads messages until one of type typ (and id, when given) arrives.
func (s *rawSocket) await(typ, id string) {
	s.t.Helper()
	for {
		_, b, err := s.conn.Read(s.ctx)
		if err != nil {
			s.t.Fatalf("waiting for %s %s: %v", typ, id, err)
		}
		var m wsclient.Message
		if err := json.Unmarshal(b, &m); err != nil {
			s.t.Fatal(err)
		}
		if m.Type == typ && (id == "" || m.ID == id) {
			return
		}
	}
}

// closeCode reads until the server closes the socket and returns the close frame's code
// (-1 when the connection ends without one).
func (s *rawSocket) closeCode() websocket.StatusCode {
	s.t.Helper()
	for {
		if _, _, err := s.conn.Read(s.ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				s.t.Fatal("the server did not close the socket")
			}
			return websocket.CloseStatus(err)
		}
	}
}

func subscribeMsg(id string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "type": "subscribe", "payload": map[string]string{"query": kpiSubscription}})
	return string(b)
}

// TestWebsocketCloseCodes: every protocol breach of graphql-transport-ws closes the socket
// with the protocol's own close code, one by one.
func TestWebsocketCloseCodes(t *testing.T) {
	a := MustOpenApp(t, nil)
	a.sockets = socket.NewRegistry(300 * time.Millisecond)
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	f := mustCreatePartner(t, a.DB.Client, "Codes")
	token := mustToken(t, a, f.admins[enum.RoleFullAdmin])
	url := wsURL(srv)

	cases := []struct {
		name string
		run  func(s *rawSocket)
		want websocket.StatusCode
	}{
		{"RefusedInit", func(s *rawSocket) {
			s.send(`{"type":"connection_init","payload":{"Authorization":"Bearer not-a-jwt"}}`)
		}, socket.Forbidden},
		{"InitTimeout", func(*rawSocket) {}, socket.InitTimeout},
		{"SecondInit", func(s *rawSocket) { s.init(token); s.send(`{"type":"connection_init"}`) }, socket.TooManyInitRequest},
		{"SubscribeBeforeAck", func(s *rawSocket) { s.send(subscribeMsg("1")) }, socket.Unauthorized},
		{"MalformedJSON", func(s *rawSocket) { s.init(token); s.send(`{"type":"ping"`) }, socket.BadRequest},
		{"MalformedJSONBeforeInit", func(s *rawSocket) { s.send(`not json`) }, socket.BadRequest},
		{"UnknownType", func(s *rawSocket) { s.init(token); s.send(`{"type":"start","id":"1"}`) }, socket.BadRequest},
		{"InitPayloadNotObject", func(s *rawSocket) { s.send(`{"type":"connection_init","payload":"token"}`) }, socket.BadRequest},
		{"DuplicateID", func(s *rawSocket) {
			s.init(token)
			s.send(subscribeMsg("dup"))
			s.await("next", "dup")
			s.send(subscribeMsg("dup"))
		}, socket.SubscriberExists},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := dialRaw(t, url, "graphql-transport-ws")
			c.run(s)
			if got := s.closeCode(); got != c.want {
				t.Fatalf("closed with %d, want %d", got, c.want)
			}
		})
	}
	t.Run("PingBeforeInit", func(t *testing.T) {
		s := dialRaw(t, url, "graphql-transport-ws")
		s.send(`{"type":"ping"}`)
		s.await("pong", "")
		s.send(`{"type":"pong"}`)
		s.init(token)
	})
	t.Run("IDReusableOnceCompleted", func(t *testing.T) {
		s := dialRaw(t, url, "graphql-transport-ws")
		s.init(token)
		s.send(subscribeMsg("a"))
		s.await("next", "a")
		s.send(`{"type":"complete","id":"a"}`)
		s.await("complete", "a")
		s.send(subscribeMsg("a"))
		s.await("next", "a")
	})
	t.Run("LegacyInitTimeout", func(t *testing.T) {
		if got := dialRaw(t, url, "graphql-ws").closeCode(); got != websocket.StatusProtocolError {
			t.Fatalf("closed with %d, want 1002", got)
		}
	})
}

// TestWebsocketDuplicateFreesSlots: a duplicate subscription id closes its connection and
// frees every slot the connection held, so the process limit is whole again.
func TestWebsocketDuplicateFreesSlots(t *testing.T) {
	const limit = 5
	w := newLiveWorld(t, 1, map[string]string{"PARTNERHUB_MAX_SUBSCRIPTIONS": strconv.Itoa(limit)})
	token := mustToken(t, w.a, w.f.admins[enum.RoleFullAdmin])
	dup := dialRaw(t, wsURL(w.srvA), "graphql-transport-ws")
	dup.init(token)
	dup.send(subscribeMsg("dup"))
	dup.await("next", "dup")
	dup.send(subscribeMsg("dup"))
	if got := dup.closeCode(); got != socket.SubscriberExists {
		t.Fatalf("duplicate closed with %d, want 4409", got)
	}
	// The server frees the slots once it has seen the socket closed.
	deadline := time.Now().Add(5 * time.Second)
	for {
		started := 0
		s := dialRaw(t, wsURL(w.srvA), "graphql-transport-ws")
		s.init(token)
		for i := range limit {
			s.send(subscribeMsg(strconv.Itoa(i)))
		}
		for range limit {
			var m wsclient.Message
			_, b, err := s.conn.Read(s.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if json.Unmarshal(b, &m); m.Type == "next" {
				started++
			} else if m.Type != "error" {
				t.Fatalf("unexpected %s", b)
			}
		}
		s.conn.Close(websocket.StatusNormalClosure, "")
		if started == limit {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d subscriptions started after the duplicate's connection closed", started, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWebsocketShutdown: shutting the server down closes its websockets with 1001.
func TestWebsocketShutdown(t *testing.T) {
	a := MustOpenApp(t, nil)
	f := mustCreatePartner(t, a.DB.Client, "Shutdown")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln, a.Routes()) }()
	modern := dialRaw(t, "ws://"+ln.Addr().String()+"/graphql", "graphql-transport-ws")
	modern.init(mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin]))
	legacy := dialRaw(t, "ws://"+ln.Addr().String()+"/graphql", "graphql-ws")
	legacy.send(`{"type":"connection_init","payload":{"Authorization":"Bearer ` + mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin]) + `"}}`)
	legacy.await("connection_ack", "")
	codes := make(chan websocket.StatusCode, 2)
	for _, s := range []*rawSocket{modern, legacy} {
		go func() {
			for {
				if _, _, err := s.conn.Read(s.ctx); err != nil {
					codes <- websocket.CloseStatus(err)
					return
				}
			}
		}()
	}
	stop()
	for range 2 {
		if got := <-codes; got != websocket.StatusGoingAway {
			t.Errorf("closed with %d on shutdown, want 1001", got)
		}
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

// TestWebsocketCloseWhere: the sockets of one admin can be closed with a code from outside
// their connections, leaving the others open.
func TestWebsocketCloseWhere(t *testing.T) {
	a := MustOpenApp(t, nil)
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	f := mustCreatePartner(t, a.DB.Client, "Removed")
	removed, kept := f.admins[enum.RoleAdmin], f.admins[enum.RoleReadOnlyAdmin]
	gone := dialRaw(t, wsURL(srv), "graphql-transport-ws")
	gone.init(mustToken(t, a, removed))
	stays := dialRaw(t, wsURL(srv), "graphql-transport-ws")
	stays.init(mustToken(t, a, kept))
	if n := a.sockets.CloseWhere(func(v *viewer.Viewer) bool { return v.AdminID == removed.ID }, socket.Forbidden, "Forbidden: the admin was removed"); n != 1 {
		t.Fatalf("closed %d sockets, want 1", n)
	}
	if got := gone.closeCode(); got != socket.Forbidden {
		t.Fatalf("the removed admin's socket closed with %d, want 4403", got)
	}
	stays.send(`{"type":"ping"}`)
	stays.await("pong", "")
}
