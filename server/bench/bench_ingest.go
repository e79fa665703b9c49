package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/ingest"
	"github.com/partnerhub/partnerhub-api/graph/week"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

// copyColumns are the columns the ingest suite's \copy writes, in its CSV's order.
var copyColumns = []string{"partner_id", "customer_id", "leg_id", "call_id", "user_id", "started_at", "duration_seconds",
	"direction", "media", "endpoint_type", "jitter_ms", "latency_ms", "packet_loss_pct", "feature"}

// ingest measures POST /ingest/call-legs with an NDJSON file of --legs legs of the
// benchmark partner's customers, then psql's \copy of the same rows into a bare table (no
// index, no constraint), the bulk-load limit of the database, and into an empty table with
// the legs' indexes and constraints but no foreign keys, the limit of storing the legs
// alone, without their rollups.
func (b bench) ingest(ctx context.Context, e *app.Env, a *app.App, url, token string) error {
	if a.DB.Dialect != "postgres" {
		return fmt.Errorf("the ingest suite compares with psql's \\copy: it needs DATABASE_URL")
	}
	sys := viewer.SystemContext(ctx)
	adm, err := benchAdmin(ctx, a, b.customers, b.callLegs, io.Discard)
	if err != nil {
		return err
	}
	custs, err := a.DB.Client.Customer.Query().Where(customer.PartnerID(adm.PartnerID), customer.ExternalIDNotNil()).
		Order(customer.ByID()).Limit(5000).All(sys)
	if err != nil || len(custs) == 0 {
		return fmt.Errorf("customers with external IDs: %d (%v)", len(custs), err)
	}
	dir, err := os.MkdirTemp("", "phub-ingest-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ndjson, csvPath := filepath.Join(dir, "legs.ndjson"), filepath.Join(dir, "legs.csv")
	run := time.Now().Format("150405")
	fmt.Fprintf(e.Stdout, "writing %d legs of %d customers...\n", b.legs, len(custs))
	if err := writeBenchLegs(ndjson, csvPath, run, b.legs, a.Now(), adm.PartnerID, custs); err != nil {
		return err
	}
	info, _ := os.Stat(ndjson)
	// The legs of earlier runs go first, as retention takes legs (their rollups stay): each
	// run stores its legs beside the seeded ones alone, whatever ran before.
	res, err := a.DB.SQL.ExecContext(ctx, fmt.Sprintf(`DELETE FROM call_legs WHERE partner_id = $1 AND leg_id ~ '%s'`, runLegIDs), adm.PartnerID)
	if err != nil {
		return fmt.Errorf("delete the legs of earlier runs: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		fmt.Fprintf(e.Stdout, "deleted the %d legs of earlier runs\n", n)
	}
	if err := vacuum(ctx, a, "call_legs", "calling_days", "calling_user_weeks", "calling_weeks", "calling_partner_weeks"); err != nil {
		return err
	}
	resetPeakRSS()
	f, err := os.Open(ndjson)
	if err != nil {
		return err
	}
	defer f.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(url, "/graphql")+graph.CallLegsPath, f)
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+token)
	req.ContentLength = info.Size()
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var sum ingest.StreamSummary
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ingest answered %d: %v", resp.StatusCode, err)
	}
	took := time.Since(start)
	if sum.Stored != b.legs {
		return fmt.Errorf("stored %d of %d legs: %+v", sum.Stored, b.legs, sum.Errors)
	}
	rate := float64(b.legs) / took.Seconds()
	fmt.Fprintf(e.Stdout, "POST /ingest/call-legs  %d legs (%d MB NDJSON) in %s: %.0f legs/s, peak RSS %s\n",
		b.legs, info.Size()>>20, took.Round(time.Millisecond), rate, peakRSS())
	for _, t := range []struct{ name, like string }{
		{"bare table   ", "AS SELECT " + strings.Join(copyColumns, ", ") + " FROM call_legs WITH NO DATA"},
		// The indexes the legs need (leg IDs unique, calls found by customer) and no more.
		{"legs' indexes", "(LIKE call_legs INCLUDING ALL)"},
	} {
		copyTook, err := psqlCopy(ctx, a.Cfg.DatabaseURL, csvPath, t.like)
		if err != nil {
			return err
		}
		copyRate := float64(b.legs) / copyTook.Seconds()
		fmt.Fprintf(e.Stdout, "psql \\copy, %s %d rows in %s: %.0f rows/s; ingest at %.0f %% of it\n",
			t.name, b.legs, copyTook.Round(time.Millisecond), copyRate, 100*rate/copyRate)
	}
	return nil
}

// runLegIDs matches the leg IDs of the suite's runs (writeBenchLegs), and none of the
// seeded legs' (UUIDs).
const runLegIDs = `^b[0-9]{6}-[0-9]+$`

// writeBenchLegs writes n legs as NDJSON for the endpoint and as the CSV of their rows for
// \copy: calls of two legs over the last 8 completed weeks, most by light users and a few
// heavy ones, on every endpoint type, a third measured (some poor), some through a feature.
func writeBenchLegs(ndjsonPath, csvPath, run string, n int, now time.Time, partnerID int, custs []*ent.Customer) error {
	nf, err := os.Create(ndjsonPath)
	if err != nil {
		return err
	}
	defer nf.Close()
	cf, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	defer cf.Close()
	nw, cw := bufio.NewWriterSize(nf, 1<<20), bufio.NewWriterSize(cf, 1<<20)
	from := week.LastCompleted(now).AddDate(0, 0, -49)
	endpoints := []string{"WEBEX_APP", "DESK_PHONE", "ROOM_DEVICE", "OTHER"}
	features := []string{"NONE", "NONE", "NONE", "NONE", "NONE", "NONE", "HUNT_GROUP", "AUTO_ATTENDANT"}
	for i := range n {
		call := i / 2
		c := custs[call%len(custs)]
		user := fmt.Sprintf("u%d", (call/len(custs))%40)
		if call%10 == 0 {
			user = "heavy" // a tenth of the calls by one user per customer
		}
		at := from.Add(time.Duration(call%(56*24*60)) * time.Minute).Add(time.Duration(i%2) * time.Second).UTC()
		leg := map[string]any{"legId": fmt.Sprintf("b%s-%d", run, i), "callId": fmt.Sprintf("b%s-c%d", run, call),
			"customerExternalId": *c.ExternalID, "userId": user, "startedAt": at.Format(time.RFC3339), "durationSeconds": 30 + i%600,
			"direction": "OUTBOUND", "media": "AUDIO", "endpointType": endpoints[i%4], "feature": features[call%8]}
		metrics := []string{"", "", ""}
		if i%3 == 0 {
			jitter, latency, loss := float64(i%200), float64(i%500), float64(i%7)
			leg["jitterMs"], leg["latencyMs"], leg["packetLossPercent"] = jitter, latency, loss
			metrics = []string{fmt.Sprint(jitter), fmt.Sprint(latency), fmt.Sprint(loss)}
		}
		line, _ := json.Marshal(leg)
		nw.Write(line)
		nw.WriteByte('\n')
		fmt.Fprintf(cw, "%d,%d,%s,%s,%s,%s,%d,OUTBOUND,AUDIO,%s,%s,%s,%s,%s\n", partnerID, c.ID, leg["legId"], leg["callId"], user,
			at.Format(time.RFC3339), leg["durationSeconds"], endpoints[i%4], metrics[0], metrics[1], metrics[2], features[call%8])
	}
	if err := nw.Flush(); err != nil {
		return err
	}
	return cw.Flush()
}

// psqlCopy times psql's \copy of the CSV into a table created for it as like says (the
// rest of a CREATE TABLE statement) and dropped after.
func psqlCopy(ctx context.Context, url, csvPath, like string) (time.Duration, error) {
	table := "bench_copy_legs"
	sql := func(cmd string) error {
		out, err := exec.CommandContext(ctx, "psql", url, "-v", "ON_ERROR_STOP=1", "-qc", cmd).CombinedOutput()
		if err != nil {
			return fmt.Errorf("psql %q: %v: %s", cmd, err, out)
		}
		return nil
	}
	cols := strings.Join(copyColumns, ", ")
	if err := sql(fmt.Sprintf("DROP TABLE IF EXISTS %s; CREATE TABLE %s %s", table, table, like)); err != nil {
		return 0, err
	}
	defer sql("DROP TABLE IF EXISTS " + table)
	start := time.Now()
	if err := sql(fmt.Sprintf(`\copy %s (%s) FROM '%s' WITH (FORMAT csv)`, table, cols, csvPath)); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
