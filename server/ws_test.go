package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// TestWebsocketPingPong checks the graphql-transport-ws keep-alive: a client's ping is
// answered with a pong on an authenticated connection.
func TestWebsocketPingPong(t *testing.T) {
	apps, srvs := instances(t, 1, nil, time.Now)
	f := mustCreatePartner(t, apps[0].db.Client, "Ping")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL(srvs[0]), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "done")
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + mustToken(t, apps[0], f.admins[enum.RoleReadOnlyAdmin])})
	for _, m := range []wsMessage{{Type: "connection_init", Payload: init}, {Type: "ping"}} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) < 2 {
		var m wsMessage
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
