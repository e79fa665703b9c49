package app

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/socket"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// liveKpis is what the kpisUpdated subscription sends.
type liveKpis struct {
	KpisUpdated struct {
		TotalCustomers        struct{ Count int }
		ApproachingExpiration struct{ Count int }
	}
}

const kpiSubscription = `subscription { kpisUpdated { totalCustomers { count } approachingExpiration { count } } }`

// instances opens n app instances on one database (n > 1 only on PostgreSQL, where
// LISTEN/NOTIFY connects them), each serving HTTP, with vars on top of the test env and
// the clock now.
func instances(t *testing.T, n int, vars map[string]string, now func() time.Time) ([]*App, []*httptest.Server) {
	t.Helper()
	all := map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": "200ms"}
	maps.Copy(all, vars)
	e := testEnv(t, all)
	e.Now = now
	var apps []*App
	var srvs []*httptest.Server
	for range n {
		a, srv := mustServe(t, e)
		apps, srvs = append(apps, a), append(srvs, srv)
	}
	return apps, srvs
}

func wsURL(srv *httptest.Server) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
}

// nextKpis waits up to d for the next KPI message.
func nextKpis(t *testing.T, sub *wsclient.Subscription, d time.Duration) (liveKpis, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var k liveKpis
	data, err := sub.Next(ctx)
	if err != nil {
		return k, err
	}
	return k, json.Unmarshal(data, &k)
}

// upsertSub posts one upsertSubscriptions item of customer live-1 and fails on errors.
func upsertSub(t *testing.T, srv *httptest.Server, token, endsAt string, used int) {
	t.Helper()
	upsertSubOf(t, srv, token, "live-1", endsAt, used)
}

// upsertSubOf posts one upsertSubscriptions item of a customer and fails on errors.
func upsertSubOf(t *testing.T, srv *httptest.Server, token, customer, endsAt string, used int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($s: [SubscriptionUpsertInput!]!) { upsertSubscriptions(input: {subscriptions: $s}) { failed results { error { message } } } }`,
		"variables": map[string]any{"s": []map[string]any{{
			"customerExternalId": customer, "subscriptionId": strings.ToUpper(customer) + "-SUB", "kind": "PAID", "state": "ACTIVE",
			"startedAt": "2025-01-01T00:00:00Z", "endsAt": endsAt, "autoRenew": false,
			"licenses": []map[string]any{{"product": "CALLING", "total": 10, "assigned": 5, "used": used, "usedLast90Days": 6}},
		}}},
	})
	resp := postRaw(t, srv, token, body)
	if len(resp.Errors) > 0 || resp.Data["upsertSubscriptions"].(map[string]any)["failed"].(float64) != 0 {
		t.Fatalf("upsert failed: %+v %v", resp.Errors, resp.Data)
	}
}

// liveWorld is n instances on one database with a partner whose one customer (external ID
// live-1) has a Calling subscription ending in a year; writer may push data in.
// The instances' clock runs ahead of the real one by skew.
type liveWorld struct {
	a          *App
	srvA, srvB *httptest.Server
	f          fixture
	writer     string
	skew       *atomic.Int64
}

func newLiveWorld(t *testing.T, n int, vars map[string]string) liveWorld {
	t.Helper()
	skew := new(atomic.Int64)
	apps, srvs := instances(t, n, vars, func() time.Time { return time.Now().Add(time.Duration(skew.Load())) })
	w := liveWorld{a: apps[0], srvA: srvs[0], srvB: srvs[n-1], skew: skew}
	w.seed(t)
	return w
}

// seed creates the world's partner, writer token and customer.
func (w *liveWorld) seed(t *testing.T) {
	t.Helper()
	w.f = mustCreatePartner(t, w.a.DB.Client, "Live")
	var err error
	w.writer, _, err = w.a.Auth.Issue(sysCtx(), w.a.DB.Client, w.f.admins[enum.RoleFullAdmin], auth.Grant{Name: "writer", Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	if err != nil {
		t.Fatal(err)
	}
	w.a.DB.Client.Customer.Create().SetPartnerID(w.f.partner.ID).SetName("Live Co").SetOrgID("live-org").SetExternalID("live-1").
		SetRegion(enum.RegionEU).SetCountry("DE").ExecX(sysCtx())
	upsertSub(t, w.srvA, w.writer, inDays(365), 3)
}

// liveInstances is how many instances the live tests run: two where LISTEN/NOTIFY
// connects them (PostgreSQL), else one.
func liveInstances() int {
	if storagetest.Postgres() {
		return 2
	}
	return 1
}

// inDays is the RFC 3339 instant n days from now.
func inDays(n int) string { return time.Now().AddDate(0, 0, n).UTC().Format(time.RFC3339) }

// mustFirstKpis waits for the KPIs a new subscription sends first.
func mustFirstKpis(t *testing.T, sub *wsclient.Subscription) liveKpis {
	t.Helper()
	k, err := nextKpis(t, sub, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestLiveKpis: a subscriber on the last instance gets the KPIs on subscribe, new KPIs
// after a mutation through the first instance that changes them, nothing after one that
// leaves them equal, and its socket closes when its token is revoked.
func TestLiveKpis(t *testing.T) {
	w := newLiveWorld(t, liveInstances(), nil)
	a, f, srvA, writer := w.a, w.f, w.srvA, w.writer
	reader := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvB), reader, kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if first := mustFirstKpis(t, sub); first.KpisUpdated.TotalCustomers.Count != 1 || first.KpisUpdated.ApproachingExpiration.Count != 0 {
		t.Fatalf("initial KPIs = %+v, want total 1, approaching 0", first)
	}

	t.Run("ChangeReachesSubscriber", func(t *testing.T) {
		upsertSub(t, srvA, writer, inDays(20), 3)
		got, err := nextKpis(t, sub, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.KpisUpdated.ApproachingExpiration.Count != 1 {
			t.Fatalf("after the change KPIs = %+v, want approaching 1", got)
		}
	})
	t.Run("NoMessageWhenKpisEqual", func(t *testing.T) {
		upsertSub(t, srvA, writer, inDays(20), 4) // changes usage only: the KPIs stay equal
		if got, err := nextKpis(t, sub, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got a message %+v (err %v) after a change that leaves the KPIs equal", got, err)
		}
	})
	t.Run("SocketClosesOnRevocation", func(t *testing.T) {
		id := a.DB.Client.ApiToken.Query().AllX(sysCtx())
		var revoke string
		for _, tok := range id {
			if tok.Role == enum.RoleReadOnlyAdmin {
				revoke = tok.GlobalID()
			}
		}
		readerAdmin := mustToken(t, a, f.admins[enum.RoleFullAdmin])
		revokeToken(t, srvA, readerAdmin, revoke)
		if _, err := nextKpis(t, sub, 5*time.Second); !errors.Is(err, wsclient.ErrSocketClosed) || sub.CloseCode() != socket.Forbidden {
			t.Fatalf("after revocation next = %v (close code %d), want the socket closed with 4403", err, sub.CloseCode())
		}
	})
}

// TestLiveKpisAfterListenerLoss kills the LISTEN connections of both instances: a change
// committed meanwhile still reaches the subscriber, and so do later ones.
func TestLiveKpisAfterListenerLoss(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("needs PostgreSQL: the embedded default has no listener connection to lose")
	}
	w := newLiveWorld(t, 2, nil)
	a, srvA, writer := w.a, w.srvA, w.writer
	sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvB), mustToken(t, a, w.f.admins[enum.RoleFullAdmin]), kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	mustFirstKpis(t, sub)
	// Terminate every listening backend of this database: both instances lose LISTEN.
	var killed int
	if err := a.DB.SQL.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) AS ok
		FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()) t WHERE ok`).Scan(&killed); err != nil || killed < 2 {
		t.Fatalf("terminated %d listeners (%v), want both instances'", killed, err)
	}
	// A change committed right away may be announced while the listener is down; the
	// subscriber gets it once the listener is back, without another change.
	upsertSub(t, srvA, writer, inDays(10), 3)
	if got, err := nextKpis(t, sub, 10*time.Second); err != nil || got.KpisUpdated.ApproachingExpiration.Count != 1 {
		t.Fatalf("after losing the listener got %+v, %v; want approaching 1", got, err)
	}
	upsertSub(t, srvA, writer, inDays(365), 3)
	if got, err := nextKpis(t, sub, 5*time.Second); err != nil || got.KpisUpdated.ApproachingExpiration.Count != 0 {
		t.Fatalf("the next change got %+v, %v; want approaching 0", got, err)
	}
}

// TestLiveKpisLegacyProtocol: the legacy graphql-ws protocol gets the KPIs and their updates.
func TestLiveKpisLegacyProtocol(t *testing.T) {
	w := newLiveWorld(t, 1, nil)
	sub, err := wsclient.SubscribeWith(context.Background(), wsclient.LegacyWS, wsURL(w.srvB), mustToken(t, w.a, w.f.admins[enum.RoleAdmin]), kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	// The ADMIN is assigned no customer: the KPIs count none.
	if first := mustFirstKpis(t, sub); first.KpisUpdated.TotalCustomers.Count != 0 {
		t.Fatalf("initial KPIs = %+v, want total 0", first)
	}
	full := mustToken(t, w.a, w.f.admins[enum.RoleFullAdmin])
	customer := w.a.DB.Client.Customer.Query().OnlyX(sysCtx())
	body, _ := json.Marshal(map[string]any{"query": `mutation($c: ID!, $a: [ID!]!) { assignCustomerAdmins(input: {customerId: $c, adminIds: $a}) { customer { id } } }`,
		"variables": map[string]any{"c": customer.GlobalID(), "a": []string{w.f.admins[enum.RoleAdmin].GlobalID()}}})
	if resp := postRaw(t, w.srvA, full, body); len(resp.Errors) > 0 {
		t.Fatalf("assign: %+v", resp.Errors)
	}
	if got, err := nextKpis(t, sub, 5*time.Second); err != nil || got.KpisUpdated.TotalCustomers.Count != 1 {
		t.Fatalf("after the assignment got %+v, %v; want total 1", got, err)
	}
}

// TestLiveConnectionInitRefused: without a valid token in connection_init no subscription
// starts, on either protocol.
func TestLiveConnectionInitRefused(t *testing.T) {
	w := newLiveWorld(t, 1, nil)
	revoked, tok, err := w.a.Auth.Issue(sysCtx(), w.a.DB.Client, w.f.admins[enum.RoleFullAdmin], auth.Grant{Name: "revoked", Role: enum.RoleFullAdmin})
	if err != nil {
		t.Fatal(err)
	}
	w.a.DB.Client.ApiToken.UpdateOne(tok).SetRevokedAt(time.Now()).ExecX(sysCtx())
	forger, err := auth.New(auth.Config{Secret: []byte("another-secret-0123456789abcdef0123456789"), Issuer: "partnerhub", Audience: "partnerhub-api", TTL: time.Hour}, w.a.DB.Client, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := forger.Issue(sysCtx(), w.a.DB.Client, w.f.admins[enum.RoleFullAdmin], auth.Grant{Name: "forged", Role: enum.RoleFullAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []wsclient.Protocol{wsclient.TransportWS, wsclient.LegacyWS} {
		for _, c := range []struct{ name, token string }{{"NoToken", ""}, {"Malformed", "not-a-jwt"}, {"Revoked", revoked}, {"WrongSecret", other}} {
			t.Run(p.Name+"/"+c.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				sub, err := wsclient.SubscribeWith(ctx, p, wsURL(w.srvA), c.token, kpiSubscription)
				if err == nil {
					defer sub.Close()
					got, err := nextKpis(t, sub, 2*time.Second)
					t.Fatalf("connection_init accepted; first result %+v, %v", got, err)
				}
				// The legacy protocol sends connection_error first, then the same close.
				if p == wsclient.TransportWS && websocket.CloseStatus(err) != socket.Forbidden {
					t.Fatalf("refused with %v (close code %d), want 4403", err, websocket.CloseStatus(err))
				}
			})
		}
	}
}

// TestLiveSocketClosesOnTokenExpiry: the socket closes once its token expires (past the
// clock-skew leeway), and stays open before.
func TestLiveSocketClosesOnTokenExpiry(t *testing.T) {
	w := newLiveWorld(t, 1, nil)
	token, _, err := w.a.Auth.Issue(sysCtx(), w.a.DB.Client, w.f.admins[enum.RoleFullAdmin], auth.Grant{Name: "short", Role: enum.RoleFullAdmin, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvA), token, kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	mustFirstKpis(t, sub)
	w.skew.Store(int64(59 * time.Minute))
	if _, err := nextKpis(t, sub, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("before expiry next = %v, want the socket open", err)
	}
	// Five seconds past expiry: within the leeway verification allows for clock skew, yet
	// a socket closes at its token's exact expiry.
	w.skew.Store(int64(time.Hour + 5*time.Second))
	if _, err := nextKpis(t, sub, 5*time.Second); !errors.Is(err, wsclient.ErrSocketClosed) || sub.CloseCode() != socket.Forbidden {
		t.Fatalf("after expiry next = %v (close code %d), want the socket closed with 4403", err, sub.CloseCode())
	}
}

// TestLiveSubscriptionLimits: a connection holds at most 20 subscriptions, a process at
// most PARTNERHUB_MAX_SUBSCRIPTIONS; a closed subscription frees its slot.
func TestLiveSubscriptionLimits(t *testing.T) {
	t.Run("PerConnection", func(t *testing.T) {
		w := newLiveWorld(t, 1, nil)
		sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvA), mustToken(t, w.a, w.f.admins[enum.RoleFullAdmin]), kpiSubscription)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		for i := 2; i <= 21; i++ {
			if err := sub.Start(context.Background(), strconv.Itoa(i), kpiSubscription); err != nil {
				t.Fatal(err)
			}
		}
		var data, refused int
		for range 21 {
			_, err := nextKpis(t, sub, 5*time.Second)
			switch {
			case err == nil:
				data++
			case errors.Is(err, wsclient.ErrSubscription) && strings.Contains(err.Error(), "at most 20 subscriptions per connection"):
				refused++
			default:
				t.Fatal(err)
			}
		}
		if data != 20 || refused != 1 {
			t.Fatalf("%d subscriptions started and %d refused, want 20 and 1", data, refused)
		}
	})
	t.Run("PerProcess", func(t *testing.T) {
		w := newLiveWorld(t, 1, map[string]string{"PARTNERHUB_MAX_SUBSCRIPTIONS": "1"})
		token := mustToken(t, w.a, w.f.admins[enum.RoleFullAdmin])
		open := func() *wsclient.Subscription {
			sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvA), token, kpiSubscription)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sub.Close)
			return sub
		}
		first := open()
		mustFirstKpis(t, first)
		if _, err := nextKpis(t, open(), 5*time.Second); !errors.Is(err, wsclient.ErrSubscription) || !strings.Contains(err.Error(), "limit of 1 live subscriptions") {
			t.Fatalf("second subscription: %v, want refused at the process limit", err)
		}
		first.Close()
		// The slot is freed once the server sees the socket closed.
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := nextKpis(t, open(), 5*time.Second)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no slot after closing the first subscription: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
