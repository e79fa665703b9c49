package app

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// TestWebsocketPingPong checks the graphql-transport-ws keep-alive: a client's ping is
// answered with a pong on an authenticated connection.
func TestWebsocketPingPong(t *testing.T) {
	apps, srvs := instances(t, 1, nil, time.Now)
	f := mustCreatePartner(t, apps[0].DB.Client, "Ping")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL(srvs[0]), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "done")
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + mustToken(t, apps[0], f.admins[enum.RoleReadOnlyAdmin])})
	for _, m := range []wsclient.Message{{Type: "connection_init", Payload: init}, {Type: "ping"}} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) < 2 {
		var m wsclient.Message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatalf("after %v: %v", got, err)
		}
		if m.Type == "ping" { // the server's own keep-alive
			continue
		}
		got = append(got, m.Type)
	}
	if got[0] != "connection_ack" || got[1] != "pong" {
		t.Errorf("answers %v, want [connection_ack pong]", got)
	}
}

// TestWebsocketClosesForbidden: a websocket closes with 4403 when its token is revoked, when
// its admin is demoted and when its admin is removed, on whichever instance it is connected.
func TestWebsocketClosesForbidden(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(t *testing.T, w adminWorld)
	}{
		{"Revoked", func(t *testing.T, w adminWorld) {
			tok := w.a.DB.Client.ApiToken.Query().Where(apitoken.AdminID(w.x.ID)).OnlyX(sysCtx())
			body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }`, "variables": map[string]any{"id": tok.GlobalID()}})
			if resp := postRaw(t, w.srvA, w.boss, body); len(resp.Errors) > 0 {
				t.Fatalf("revoke: %+v", resp.Errors)
			}
		}},
		{"Demoted", func(t *testing.T, w adminWorld) {
			w.mutateAdmin(t, "updateAdmin", map[string]any{"id": w.x.GlobalID(), "role": "ADMIN"})
		}},
		{"Removed", func(t *testing.T, w adminWorld) {
			w.mutateAdmin(t, "removeAdmin", map[string]any{"id": w.x.GlobalID()})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newAdminWorld(t, enum.RoleFullAdmin)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn := mustKpiSocket(ctx, t, wsURL(w.srvB), mustToken(t, w.a, w.x))
			defer conn.CloseNow()
			c.change(t, w)
			if code := closeStatus(ctx, conn); code != 4403 {
				t.Errorf("the socket ended with close status %d, want 4403", code)
			}
		})
	}
}

// mustKpiSocket connects to url over graphql-transport-ws with token and subscribes to the
// KPIs; it returns once the first KPIs arrived.
func mustKpiSocket(ctx context.Context, t *testing.T, url, token string) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	sub, _ := json.Marshal(map[string]string{"query": kpiSubscription})
	for _, m := range []wsclient.Message{{Type: "connection_init", Payload: init}, {ID: "1", Type: "subscribe", Payload: sub}} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatal(err)
		}
	}
	for {
		var m wsclient.Message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatalf("before the first KPIs: %v", err)
		}
		if m.Type == "next" {
			return conn
		}
	}
}

// closeStatus reads conn until it ends and returns its close status (-1 for none).
func closeStatus(ctx context.Context, conn *websocket.Conn) websocket.StatusCode {
	for {
		var m wsclient.Message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return websocket.CloseStatus(err)
		}
		if m.Type == "ping" {
			_ = wsjson.Write(ctx, conn, wsclient.Message{Type: "pong"})
		}
	}
}
