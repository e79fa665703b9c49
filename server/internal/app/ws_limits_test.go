package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// wsQuery runs query as one operation over a graphql-transport-ws connection with token,
// and returns the codes of the errors of its answer.
func wsQuery(t *testing.T, url, token, query string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "done")
	init, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	sub, _ := json.Marshal(map[string]string{"query": query})
	for _, m := range []wsclient.Message{{Type: "connection_init", Payload: init}, {ID: "q", Type: "subscribe", Payload: sub}} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatal(err)
		}
	}
	for {
		var m wsclient.Message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			t.Fatalf("no answer to %q: %v", query, err)
		}
		if m.ID != "q" || m.Type != "next" && m.Type != "error" {
			continue
		}
		var resp struct {
			Errors []struct {
				Extensions struct{ Code string }
			}
		}
		if m.Type == "error" {
			json.Unmarshal(m.Payload, &resp.Errors)
		} else {
			json.Unmarshal(m.Payload, &resp)
		}
		var codes []string
		for _, e := range resp.Errors {
			codes = append(codes, e.Extensions.Code)
		}
		return codes
	}
}

// TestWebsocketOperationsAreBounded: a query sent over a websocket runs under the same
// deadline and limits as one sent over HTTP.
func TestWebsocketOperationsAreBounded(t *testing.T) {
	apps, srvs := instances(t, 1, map[string]string{"PARTNERHUB_OPERATION_TIMEOUT": "1ns"}, time.Now)
	f := mustCreatePartner(t, apps[0].DB.Client, "Bounded")
	token := mustToken(t, apps[0], f.admins[enum.RoleFullAdmin])
	if codes := wsQuery(t, wsURL(srvs[0]), token, `{ customers(first: 1) { totalCount } }`); strings.Join(codes, ",") != "TIMEOUT" {
		t.Errorf("a query past its deadline over a websocket answered codes %v, want TIMEOUT", codes)
	}
	many := "{ " + aliasesOf(51, "me { email }") + "}"
	if codes := wsQuery(t, wsURL(srvs[0]), token, many); strings.Join(codes, ",") != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("51 aliased root fields over a websocket answered codes %v, want COMPLEXITY_LIMIT_EXCEEDED", codes)
	}
}

// aliasesOf returns n aliased copies of field.
func aliasesOf(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}
