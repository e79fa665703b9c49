package bench

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// runBench runs `server bench` with args on a fresh test database and returns its output.
func runBench(t *testing.T, args ...string) string {
	t.Helper()
	out, err := benchRun(t, args...)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, out)
	}
	return out
}

// benchRun runs `server bench` with args on a fresh test database and returns its output
// and error.
func benchRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	url, dir := storagetest.MustURL(t)
	vars := map[string]string{
		"DATABASE_URL":          url,
		"PARTNERHUB_DATA_DIR":   dir,
		"PARTNERHUB_JWT_SECRET": "bench-test-secret-0123456789abcdef0123456789",
		// A server's setting: the benchmark must not listen there.
		"PARTNERHUB_ADDR": "127.0.0.1:1",
	}
	var out strings.Builder
	args = append([]string{"bench", "--suite", "directory", "--customers", "5", "--call-legs", "20",
		"--clients", "1", "--duration", "200ms", "--warmup", "0s", "--runs", "unfiltered"}, args...)
	err := app.Run(context.Background(), []app.Entry{{Name: "bench", Cmd: Command}}, args,
		func(k string) string { return vars[k] }, &out, io.Discard)
	return out.String(), err
}

// TestBenchListensOnAddr: --addr chooses where the benchmark serves, and without it the
// benchmark takes a free loopback port, whatever PARTNERHUB_ADDR says.
func TestBenchListensOnAddr(t *testing.T) {
	t.Run("Given", func(t *testing.T) {
		addr, err := freeAddr("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if out := runBench(t, "--addr", addr); !strings.Contains(out, "serving http://"+addr+"/graphql") {
			t.Fatalf("bench --addr %s served elsewhere:\n%s", addr, out)
		}
	})
	t.Run("Default", func(t *testing.T) {
		out := runBench(t)
		if !strings.Contains(out, "serving http://127.0.0.1:") || strings.Contains(out, "127.0.0.1:1/") {
			t.Fatalf("bench without --addr did not serve on a free loopback port:\n%s", out)
		}
		if !strings.Contains(out, "customers(first: 50, orderBy: NAME)") {
			t.Fatalf("the directory run is missing:\n%s", out)
		}
	})
}

// TestBenchRefusesEmptyRuns: a count no run can be made of is refused by name, before
// anything is seeded, rather than failing in the middle of the run.
func TestBenchRefusesEmptyRuns(t *testing.T) {
	for _, args := range [][]string{{"--suite", "dashboard", "--clients", "0"}, {"--suite", "live", "--requests", "0"}, {"--suite", "ingest", "--legs", "-1"}} {
		out, err := benchRun(t, args...)
		if err == nil || !strings.Contains(err.Error(), args[2]+" takes") || strings.Contains(out, "seeding") {
			t.Errorf("bench %v: %v\n%s", args, err, out)
		}
	}
}
