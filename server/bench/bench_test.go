package bench

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/graph/ingest"
	"github.com/partnerhub/partnerhub-api/graph/model"
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

// TestRunLegIDs: the legs the ingest suite writes are valid, and those it deletes before a
// run are those its runs write, never a seeded leg (whose ID is a UUID, which may begin
// with b).
func TestRunLegIDs(t *testing.T) {
	dir := t.TempDir()
	ndjson, csvPath := filepath.Join(dir, "legs.ndjson"), filepath.Join(dir, "legs.csv")
	ext := "c1"
	now := time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
	if err := writeBenchLegs(ndjson, csvPath, now.Format("150405"), 50, now, 1, []*ent.Customer{{ID: 1, ExternalID: &ext}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(ndjson)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(runLegIDs)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var leg model.CallLegInput
		if err := json.Unmarshal([]byte(line), &leg); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if err := ingest.CheckCallLeg(&leg, now); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if !re.MatchString(leg.LegID) {
			t.Fatalf("leg ID %q of a run does not match %s", leg.LegID, runLegIDs)
		}
	}
	for _, seeded := range []string{"b0123456-7890-4abc-8def-0123456789ab", "b1234567-1", "85c41bd7-624e-43e1-8c52-e5d7b4e3f50b"} {
		if re.MatchString(seeded) {
			t.Errorf("leg ID %q, not a run's, matches %s", seeded, runLegIDs)
		}
	}
}
