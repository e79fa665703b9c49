package app

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// demoVars make the demo partner small enough to seed in a test.
var demoVars = map[string]string{"PARTNERHUB_DEMO_CUSTOMERS": "20", "PARTNERHUB_DEMO_CALL_LEGS": "200"}

// lockedBuffer is a buffer a running server writes to while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningAddr = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServe runs `server serve` with vars until the test ends and returns the address it
// listens on and what it printed.
func startServe(t *testing.T, vars map[string]string) (addr string, stdout *lockedBuffer) {
	t.Helper()
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, func(k string) string { return vars[k] }, stdout, stderr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listeningAddr.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stdout
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve ended before listening: %v\n%s", err, stderr)
		default:
		}
	}
	t.Fatalf("serve did not listen within a minute:\n%s", stderr)
	return "", nil
}

// TestServeBootstrappedEmbedded bootstraps a partner into an empty data directory and
// serves it: the embedded default serves what the file holds, demo or not.
func TestServeBootstrappedEmbedded(t *testing.T) {
	vars := map[string]string{"PARTNERHUB_DATA_DIR": t.TempDir(), "PARTNERHUB_ADDR": "127.0.0.1:0", "PARTNERHUB_LOG_LEVEL": "info"}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"bootstrap", "--partner", "Initech", "--admin", "owner@initech.example"},
		func(k string) string { return vars[k] }, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	token := jwtPattern.FindString(out.String())

	addr, stdout := startServe(t, vars)
	srv := &httptest.Server{URL: "http://" + addr}
	resp := postGraphQL(t, srv, token, `{ me { email } }`)
	if me, _ := resp.Data["me"].(map[string]any); me["email"] != "owner@initech.example" {
		t.Fatalf("me = %v (errors %+v)", resp.Data, resp.Errors)
	}
	if got := stdout.String(); !strings.Contains(got, "server token --admin") || jwtPattern.MatchString(got) {
		t.Errorf("start-up without a demo partner printed:\n%s", got)
	}
}

// TestPrepareDemo runs several starts of the embedded default's preparation.
func TestPrepareDemo(t *testing.T) {
	t.Run("BootstrappedOnly", func(t *testing.T) {
		a := MustOpenApp(t, demoVars)
		mustCreatePartner(t, a.DB.Client, "Globex")
		var out bytes.Buffer
		if err := a.prepareDemo(context.Background(), &out, "127.0.0.1:8080"); err != nil {
			t.Fatal(err)
		}
		if n := a.DB.Client.Partner.Query().CountX(sysCtx()); n != 1 {
			t.Errorf("%d partners after start, want the bootstrapped one alone", n)
		}
		if !strings.Contains(out.String(), "server token --admin") {
			t.Errorf("start-up did not say how to mint a token:\n%s", out.String())
		}
	})
	t.Run("TokensDoNotPileUp", func(t *testing.T) {
		a := MustOpenApp(t, demoVars)
		srv := httptest.NewServer(a.Routes())
		defer srv.Close()
		start := func() []string {
			t.Helper()
			var out bytes.Buffer
			if err := a.prepareDemo(context.Background(), &out, "127.0.0.1:8080"); err != nil {
				t.Fatal(err)
			}
			tokens := jwtPattern.FindAllString(out.String(), -1)
			if len(tokens) != len(demoRoles) {
				t.Fatalf("start printed %d tokens, want %d:\n%s", len(tokens), len(demoRoles), out.String())
			}
			for i, tok := range tokens {
				resp := postGraphQL(t, srv, tok, `{ me { role } }`)
				if me, _ := resp.Data["me"].(map[string]any); me["role"] != string(demoRoles[i]) {
					t.Fatalf("token %d: me = %v (errors %+v)", i, resp.Data, resp.Errors)
				}
			}
			return tokens
		}
		records := func() int {
			return a.DB.Client.ApiToken.Query().Where(apitoken.Name(startupTokenName)).CountX(sysCtx())
		}
		first := start()
		for range 4 {
			if again := start(); strings.Join(again, " ") != strings.Join(first, " ") {
				t.Errorf("a restart changed the live start-up tokens")
			}
		}
		if n := records(); n != len(demoRoles) {
			t.Fatalf("%d start-up token records after 5 starts, want %d", n, len(demoRoles))
		}

		// A revoked token is replaced, and its record with it.
		a.DB.Client.ApiToken.Update().Where(apitoken.Name(startupTokenName), apitoken.RoleEQ(enum.RoleAdmin)).
			SetRevokedAt(time.Now()).ExecX(sysCtx())
		if got := start(); got[1] == first[1] || got[0] != first[0] {
			t.Errorf("after revoking the ADMIN's token, a start printed %v, want a new ADMIN token only", got)
		}
		// Tokens past half their lifetime are replaced.
		a.Now = func() time.Time { return time.Now().Add(20 * time.Hour) }
		if got := start(); got[0] == first[0] {
			t.Errorf("a start 20h later reused a token that expires in 4h")
		}
		if n := records(); n != len(demoRoles) {
			t.Fatalf("%d start-up token records after replacing them, want %d", n, len(demoRoles))
		}
	})
}
