package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/graph/socket"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// pgCluster is a PostgreSQL cluster of the test's own, which it may stop and start.
type pgCluster struct {
	t             *testing.T
	version, name string
	port          int
}

// mustCreateCluster creates and starts a cluster with a database "outage", dropped when t
// ends; it skips t where PostgreSQL's cluster tools are not installed.
func mustCreateCluster(t *testing.T) *pgCluster {
	t.Helper()
	if _, err := exec.LookPath("pg_createcluster"); err != nil {
		t.Skip("needs PostgreSQL's pg_createcluster, to stop a database of the test's own")
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*")
	if len(versions) == 0 {
		t.Skip("no PostgreSQL server under /usr/lib/postgresql")
	}
	slices.Sort(versions)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{t: t, version: filepath.Base(versions[len(versions)-1]), name: fmt.Sprintf("outage%d", os.Getpid()), port: ln.Addr().(*net.TCPAddr).Port}
	ln.Close()
	c.run("pg_createcluster", c.version, c.name, "--port", strconv.Itoa(c.port), "--", "--auth=trust")
	t.Cleanup(func() { c.run("pg_dropcluster", "--stop", c.version, c.name) })
	c.start()
	db, err := sql.Open("postgres", c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE outage"); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *pgCluster) start() { c.run("pg_ctlcluster", c.version, c.name, "start") }
func (c *pgCluster) stop()  { c.run("pg_ctlcluster", "--mode", "fast", c.version, c.name, "stop") }

func (c *pgCluster) run(name string, args ...string) {
	c.t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// TestDatabaseOutage stops the database under a running server: a valid token is answered
// 503 UNAVAILABLE with Retry-After, logged at warn, never UNAUTHENTICATED; a new websocket
// is closed with 1013 (retry) rather than 4403; an open one keeps its connection and
// gets its updates again once the database is back.
func TestDatabaseOutage(t *testing.T) {
	pg := mustCreateCluster(t)
	logs := &storagetest.SyncBuffer{}
	e := testEnv(t, map[string]string{"DATABASE_URL": pg.url("outage"), "PARTNERHUB_LOG_LEVEL": "warn"})
	e.Stderr = logs
	a, srv := mustServe(t, e)
	w := liveWorld{a: a, srvA: srv, srvB: srv}
	w.seed(t)
	token := mustToken(t, a, w.f.admins[enum.RoleReadOnlyAdmin])
	sub, err := wsclient.Subscribe(context.Background(), wsURL(srv), token, kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	mustFirstKpis(t, sub)

	pg.stop()
	got := postGraphQL(t, srv, token, `{ me { email } }`)
	if got.Status != http.StatusServiceUnavailable || got.code() != "UNAVAILABLE" || got.Header.Get("Retry-After") == "" {
		t.Errorf("during the outage: HTTP %d, code %q, Retry-After %q; want 503 UNAVAILABLE with Retry-After", got.Status, got.code(), got.Header.Get("Retry-After"))
	}
	if !slices.ContainsFunc(strings.Split(logs.String(), "\n"), func(l string) bool {
		return strings.Contains(l, "level=WARN") && strings.Contains(l, "cannot check a token")
	}) {
		t.Errorf("the outage is not logged at warn: %q", logs.String())
	}
	_, err = wsclient.Subscribe(context.Background(), wsURL(srv), token, kpiSubscription)
	if websocket.CloseStatus(err) != socket.TryAgainLater {
		t.Errorf("a new websocket during the outage: %v, want closed with 1013", err)
	}
	// The open socket's token is checked every second meanwhile.
	if _, err := nextKpis(t, sub, 2500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the open websocket during the outage: %v (close code %d), want it kept open", err, sub.CloseCode())
	}

	pg.start()
	deadline := time.Now().Add(10 * time.Second)
	for postGraphQL(t, srv, token, `{ me { email } }`).code() != "" {
		if time.Now().After(deadline) {
			t.Fatal("requests still fail 10 s after the database is back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	upsertSub(t, srv, w.writer, inDays(20), 3)
	if got, err := nextKpis(t, sub, 10*time.Second); err != nil || got.KpisUpdated.ApproachingExpiration.Count != 1 {
		t.Fatalf("after the outage the open websocket got %+v, %v; want approaching 1", got, err)
	}
}
