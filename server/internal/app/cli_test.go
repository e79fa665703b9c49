package app

import (
	"bytes"
	"context"
	"math"
	"net/http/httptest"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// runCLI runs a sub-command the way the binary does and returns what it printed.
func runCLI(t *testing.T, e *Env, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	vars := map[string]string{
		"DATABASE_URL":              e.Cfg.DatabaseURL,
		"PARTNERHUB_DATA_DIR":       e.Cfg.DataDir,
		"PARTNERHUB_JWT_SECRET":     testSecret,
		"PARTNERHUB_AUTH_CACHE_TTL": "0s",
		"PARTNERHUB_LOG_LEVEL":      "error",
	}
	err := run(context.Background(), args, func(k string) string { return vars[k] }, &out, &errOut)
	return out.String(), err
}

// mustServe opens the app of e and serves it until the test ends.
func mustServe(t *testing.T, e *Env) (*App, *httptest.Server) {
	t.Helper()
	a, err := Open(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Routes())
	t.Cleanup(srv.Close)
	return a, srv
}

var jwtPattern = regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`)

func TestBootstrapAndToken(t *testing.T) {
	e := testEnv(t, nil)
	out, err := runCLI(t, e, "bootstrap", "--partner", "Globex Reseller", "--admin", "Owner@Globex.example")
	if err != nil {
		t.Fatal(err)
	}
	token := jwtPattern.FindString(out)
	if token == "" {
		t.Fatalf("bootstrap printed no token:\n%s", out)
	}

	_, srv := mustServe(t, e)
	resp := postGraphQL(t, srv, token, `{ me { email role partner { name } } }`)
	me, _ := resp.Data["me"].(map[string]any)
	if me["email"] != "owner@globex.example" || me["role"] != "FULL_ADMIN" || me["partner"].(map[string]any)["name"] != "Globex Reseller" {
		t.Fatalf("me = %v (errors %+v)", me, resp.Errors)
	}

	t.Run("TokenWithLowerRole", func(t *testing.T) {
		out, err := runCLI(t, e, "token", "--admin", "owner@globex.example", "--role", "read_only_admin", "--ttl", "1h")
		if err != nil {
			t.Fatal(err)
		}
		resp := postGraphQL(t, srv, jwtPattern.FindString(out), `{ me { role } }`)
		if got := resp.Data["me"].(map[string]any)["role"]; got != "FULL_ADMIN" {
			// me shows the admin's own role; the token acts with the lower one.
			t.Fatalf("me.role = %v", got)
		}
	})
	t.Run("ErrUnknownAdmin", func(t *testing.T) {
		if _, err := runCLI(t, e, "token", "--admin", "nobody@globex.example"); err == nil || !strings.Contains(err.Error(), "no admin") {
			t.Fatalf("err = %v, want no admin", err)
		}
	})
	t.Run("ErrMissingFlags", func(t *testing.T) {
		if _, err := runCLI(t, e, "bootstrap", "--partner", "X"); err == nil {
			t.Fatal("bootstrap without --admin succeeded")
		}
	})
	t.Run("ErrUnknownCommand", func(t *testing.T) {
		if _, err := runCLI(t, e, "frobnicate"); err == nil {
			t.Fatal("unknown command succeeded")
		}
	})
}

func TestBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"MalformedURL", map[string]string{"DATABASE_URL": "mysql://x"}, "postgres://"},
		{"UnreachableDatabase", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}, "connect to postgres"},
		{"UnwritableDataDir", map[string]string{"DATABASE_URL": "", "PARTNERHUB_DATA_DIR": "/proc/partnerhub"}, "data directory"},
		{"ShortSecret", map[string]string{"DATABASE_URL": "", "PARTNERHUB_JWT_SECRET": "short"}, "at least 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"PARTNERHUB_DATA_DIR": t.TempDir(), "PARTNERHUB_ADDR": "127.0.0.1:0"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"migrate"}, func(k string) string { return vars[k] }, &out, &errOut)
			if tt.name == "ShortSecret" {
				err = run(context.Background(), []string{"token", "--admin", "x@y"}, func(k string) string { return vars[k] }, &out, &errOut)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if strings.Count(strings.TrimSpace(err.Error()), "\n") > 0 {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestTuneGC checks that the settings reach the runtime unless GOGC and GOMEMLIMIT are set.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tuneGC(321, func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != 321 {
		t.Errorf("GC percent = %d, want 321", got)
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("memory limit = %d, want %d", got, memoryLimit)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(321, func(k string) string { return map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent with GOGC set = %d, want it left at 100", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit with GOMEMLIMIT set = %d, want it left alone", got)
	}
}

// TestAdminCommands: admin add, set-role and remove change a partner's admins under the
// rules of the API — an email taken is refused, the last FULL_ADMIN is neither demoted nor
// removed — and each change is audited without an actor.
func TestAdminCommands(t *testing.T) {
	e := testEnv(t, nil)
	if _, err := runCLI(t, e, "bootstrap", "--partner", "Initech", "--admin", "owner@initech.example"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		args  []string
		want  string // in the output, or in the error when fails
		fails bool
	}{
		{"Add", []string{"admin", "add", "--email", "Peter@Initech.example", "--name", "Peter", "--role", "full_admin"}, "added FULL_ADMIN peter@initech.example (Peter) to partner \"Initech\"", false},
		{"ErrEmailTaken", []string{"admin", "add", "--email", "peter@initech.example"}, "already an admin", true},
		{"ErrBadEmail", []string{"admin", "add", "--email", "peter"}, "is not an address", true},
		{"SetRole", []string{"admin", "set-role", "--admin", "owner@initech.example", "--role", "admin"}, "owner@initech.example is now ADMIN", false},
		{"ErrLastFullAdminDemoted", []string{"admin", "set-role", "--admin", "peter@initech.example", "--role", "ADMIN"}, "last FULL_ADMIN", true},
		{"ErrLastFullAdminRemoved", []string{"admin", "remove", "--admin", "peter@initech.example"}, "last FULL_ADMIN", true},
		{"Remove", []string{"admin", "remove", "--admin", "owner@initech.example"}, "removed owner@initech.example", false},
		{"ErrRemovedAdmin", []string{"token", "--admin", "owner@initech.example"}, "no admin", true},
	}
	for _, s := range steps {
		out, err := runCLI(t, e, s.args...)
		got := out
		if err != nil {
			got = err.Error()
		}
		if (err != nil) != s.fails || !strings.Contains(got, s.want) {
			t.Fatalf("%s: %v printed %q (err %v); want %q, failing %v", s.name, s.args, out, err, s.want, s.fails)
		}
	}
	a, err := Open(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	events := a.DB.Client.AuditEvent.Query().AllX(sysCtx())
	if len(events) != 3 {
		t.Fatalf("%d audit events, want 3 (add, set-role, remove)", len(events))
	}
	for _, ev := range events {
		if ev.ActorID != nil {
			t.Errorf("event %q names actor %d, want none (an internal job)", ev.Summary, *ev.ActorID)
		}
	}
}
