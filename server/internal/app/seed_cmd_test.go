package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/server/seed"
)

// TestSeedCommand seeds a partner from the CLI and uses the token it prints.
func TestSeedCommand(t *testing.T) {
	e := testEnv(t, nil)
	out, err := runCLI(t, e, "seed", "--customers", "30", "--call-legs", "300", "--partner-name", "Seeded Co")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `seeded partner "Seeded Co" (ID `) || !strings.Contains(out, ": 30 customers, ") || !strings.Contains(out, "rows/s") {
		t.Errorf("seed did not say what it created:\n%s", out)
	}
	token := jwtPattern.FindString(out)
	if token == "" || !strings.Contains(out, "FULL_ADMIN token for ") {
		t.Fatalf("seed printed no FULL_ADMIN token:\n%s", out)
	}
	_, srv := mustServe(t, e)
	resp := postGraphQL(t, srv, token, `{ me { role partner { name } } customers(first: 1) { totalCount } }`)
	me, _ := resp.Data["me"].(map[string]any)
	if me == nil || me["role"] != "FULL_ADMIN" || me["partner"].(map[string]any)["name"] != "Seeded Co" {
		t.Fatalf("me = %v (errors %+v)", resp.Data, resp.Errors)
	}
	if n := resp.Data["customers"].(map[string]any)["totalCount"]; n != float64(30) {
		t.Errorf("the token sees %v customers, want 30", n)
	}
}

// TestSeedProgress draws the progress line of a seed at a few points of a fake clock.
func TestSeedProgress(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	p := &progressLine{w: &buf, start: clock, now: func() time.Time { return clock }}
	clock = clock.Add(10 * time.Second)
	p.draw(seed.Progress{Customers: 2000, Total: 10000, Rows: 50000})
	if got := buf.String(); got != "\rseeding: 2000/10000 customers (20%), 50000 rows, 5000 rows/s, 40s left\x1b[K" {
		t.Errorf("progress line = %q", got)
	}
	buf.Reset()
	clock = clock.Add(40 * time.Second)
	p.draw(seed.Progress{Customers: 10000, Total: 10000, Rows: 250000, Finishing: true})
	if got := buf.String(); !strings.HasPrefix(got, "\rseeding: 10000 customers, 250000 rows written in 50s;") || !strings.HasSuffix(got, "\n") {
		t.Errorf("finishing line = %q", got)
	}
	if SeedProgress(&buf, time.Now) != nil {
		t.Error("progress drawn on a buffer, which is no terminal")
	}
}
