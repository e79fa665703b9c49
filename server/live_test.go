package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
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
// LISTEN/NOTIFY connects them), each serving HTTP.
func instances(t *testing.T, n int) ([]*app, []*httptest.Server) {
	t.Helper()
	return instancesWith(t, n, map[string]string{"PARTNERHUB_AUTH_CACHE_TTL": "200ms"})
}

// instancesWith is instances configured with vars on top of the test environment.
func instancesWith(t *testing.T, n int, vars map[string]string) ([]*app, []*httptest.Server) {
	t.Helper()
	e := testEnv(t, vars)
	var apps []*app
	var srvs []*httptest.Server
	for range n {
		a, err := openApp(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		srv := httptest.NewServer(a.routes())
		t.Cleanup(srv.Close)
		apps, srvs = append(apps, a), append(srvs, srv)
	}
	return apps, srvs
}

func wsURL(srv *httptest.Server) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
}

// nextKpis waits up to d for the next KPI message.
func nextKpis(t *testing.T, sub *wsSubscription, d time.Duration) (liveKpis, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var k liveKpis
	data, err := sub.next(ctx)
	if err != nil {
		return k, err
	}
	return k, json.Unmarshal(data, &k)
}

// upsertSub posts one upsertSubscriptions item and fails on errors.
func upsertSub(t *testing.T, srv *httptest.Server, token, endsAt string, used int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query": `mutation($s: [SubscriptionUpsertInput!]!) { upsertSubscriptions(input: {subscriptions: $s}) { failed results { error { message } } } }`,
		"variables": map[string]any{"s": []map[string]any{{
			"customerExternalId": "live-1", "subscriptionId": "LIVE-SUB", "kind": "PAID", "state": "ACTIVE",
			"startedAt": "2025-01-01T00:00:00Z", "endsAt": endsAt, "autoRenew": false,
			"licenses": []map[string]any{{"product": "CALLING", "total": 10, "assigned": 5, "used": used, "usedLast90Days": 6}},
		}}},
	})
	resp := postRaw(t, srv, token, body)
	if len(resp.Errors) > 0 || resp.Data["upsertSubscriptions"].(map[string]any)["failed"].(float64) != 0 {
		t.Fatalf("upsert failed: %+v %v", resp.Errors, resp.Data)
	}
}

// TestLiveKpis: a subscriber on the last instance gets the KPIs on subscribe, new KPIs
// after a mutation through the first instance that changes them, nothing after one that
// leaves them equal, and its socket closes when its token is revoked.
func TestLiveKpis(t *testing.T) {
	n := 1
	if storagetest.Postgres() {
		n = 2
	}
	apps, srvs := instances(t, n)
	a, srvA, srvB := apps[0], srvs[0], srvs[n-1]
	f := mustCreatePartner(t, a.db.Client, "Live")
	writer, _, err := a.auth.Issue(sysCtx(), a.db.Client, f.admins[enum.RoleFullAdmin], auth.Grant{Name: "writer", Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	if err != nil {
		t.Fatal(err)
	}
	a.db.Client.Customer.Create().SetPartnerID(f.partner.ID).SetName("Live Co").SetOrgID("live-org").SetExternalID("live-1").
		SetRegion(enum.RegionEU).SetCountry("DE").ExecX(sysCtx())
	far := time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)
	upsertSub(t, srvA, writer, far, 3)

	reader := mustToken(t, a, f.admins[enum.RoleReadOnlyAdmin])
	sub, err := subscribe(context.Background(), wsURL(srvB), reader, kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.close()
	first, err := nextKpis(t, sub, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if first.KpisUpdated.TotalCustomers.Count != 1 || first.KpisUpdated.ApproachingExpiration.Count != 0 {
		t.Fatalf("initial KPIs = %+v, want total 1, approaching 0", first)
	}

	t.Run("ChangeReachesSubscriber", func(t *testing.T) {
		soon := time.Now().AddDate(0, 0, 20).UTC().Format(time.RFC3339)
		upsertSub(t, srvA, writer, soon, 3)
		got, err := nextKpis(t, sub, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.KpisUpdated.ApproachingExpiration.Count != 1 {
			t.Fatalf("after the change KPIs = %+v, want approaching 1", got)
		}
	})
	t.Run("NoMessageWhenKpisEqual", func(t *testing.T) {
		soon := time.Now().AddDate(0, 0, 20).UTC().Format(time.RFC3339)
		upsertSub(t, srvA, writer, soon, 4) // changes usage only: the KPIs stay equal
		if got, err := nextKpis(t, sub, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got a message %+v (err %v) after a change that leaves the KPIs equal", got, err)
		}
	})
	t.Run("SocketClosesOnRevocation", func(t *testing.T) {
		id := a.db.Client.ApiToken.Query().AllX(sysCtx())
		var revoke string
		for _, tok := range id {
			if tok.Role == enum.RoleReadOnlyAdmin {
				revoke = tok.GlobalID()
			}
		}
		readerAdmin := mustToken(t, a, f.admins[enum.RoleFullAdmin])
		body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { revokeApiToken(input: {id: $id}) { apiToken { revokedAt } } }`, "variables": map[string]any{"id": revoke}})
		if resp := postRaw(t, srvA, readerAdmin, body); len(resp.Errors) > 0 {
			t.Fatalf("revoke: %+v", resp.Errors)
		}
		if _, err := nextKpis(t, sub, 5*time.Second); !errors.Is(err, errSocketClosed) {
			t.Fatalf("after revocation next = %v, want the socket closed", err)
		}
	})
}

// TestLiveKpisAfterListenerLoss kills the LISTEN connection of the subscriber's instance;
// the subscriber still receives updates afterwards.
func TestLiveKpisAfterListenerLoss(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("needs PostgreSQL: the embedded default has no listener connection to lose")
	}
	apps, srvs := instances(t, 2)
	a, srvA, srvB := apps[0], srvs[0], srvs[1]
	f := mustCreatePartner(t, a.db.Client, "Relisten")
	writer, _, err := a.auth.Issue(sysCtx(), a.db.Client, f.admins[enum.RoleFullAdmin], auth.Grant{Name: "writer", Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	if err != nil {
		t.Fatal(err)
	}
	a.db.Client.Customer.Create().SetPartnerID(f.partner.ID).SetName("Relisten Co").SetOrgID("relisten-org").SetExternalID("live-1").
		SetRegion(enum.RegionEU).SetCountry("DE").ExecX(sysCtx())
	upsertSub(t, srvA, writer, time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339), 3)
	sub, err := subscribe(context.Background(), wsURL(srvB), mustToken(t, a, f.admins[enum.RoleFullAdmin]), kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.close()
	if _, err := nextKpis(t, sub, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// Terminate every listening backend of this database: both instances lose LISTEN.
	a.db.SQL.ExecContext(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`)
	deadline := time.Now().Add(10 * time.Second)
	endsIn := 10
	for {
		upsertSub(t, srvA, writer, time.Now().AddDate(0, 0, endsIn).UTC().Format(time.RFC3339), 3)
		got, err := nextKpis(t, sub, time.Second)
		if err == nil && got.KpisUpdated.ApproachingExpiration.Count == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no update within 10 s of losing the listener (last: %+v, %v)", got, err)
		}
		// Move the end date out of the window and back so each try changes the KPIs.
		upsertSub(t, srvA, writer, time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339), 3)
		nextKpis(t, sub, time.Second)
	}
}
