package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

// reports generates the calling usage detail (over the 12 weeks up to yesterday) and the
// devices report of the first region (US, CA, EU, UAE) holding customers, waits for
// each to be READY and downloads it.
func (b bench) reports(ctx context.Context, e *app.Env, url, token string) error {
	p := newPoster(url, token, 1)
	ask := func(query string, vars map[string]any, out any) error {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := p.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var res struct {
			Data   json.RawMessage
			Errors []struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			return fmt.Errorf("%s", res.Errors[0].Message)
		}
		return json.Unmarshal(res.Data, out)
	}
	var tmpl struct {
		ReportTemplates []struct{ ID, Name string }
	}
	if err := ask(`{ reportTemplates { id name } }`, nil, &tmpl); err != nil {
		return err
	}
	var regions struct{ CallingAnalytics struct{ Regions []string } }
	if err := ask(`{ callingAnalytics { regions } }`, nil, &regions); err != nil {
		return err
	}
	today := e.Now().UTC().Truncate(24 * time.Hour)
	for _, t := range tmpl.ReportTemplates {
		if t.Name != "Calling usage detail" && t.Name != "Devices" {
			continue
		}
		in := map[string]any{"templateId": t.ID, "region": regions.CallingAnalytics.Regions[0]}
		if t.Name == "Calling usage detail" {
			in["from"], in["to"] = today.AddDate(0, 0, -84).Format(time.DateOnly), today.AddDate(0, 0, -1).Format(time.DateOnly)
		}
		var gen struct {
			GenerateReport struct{ Report struct{ ID string } }
		}
		start := time.Now()
		if err := ask(`mutation($in: GenerateReportInput!) { generateReport(input: $in) { report { id } } }`, map[string]any{"in": in}, &gen); err != nil {
			return err
		}
		var r struct {
			Report struct {
				State, Error string
				RowCount     int
				ByteSize     int64
				DownloadURL  *string
			}
		}
		for r.Report.State != "READY" {
			time.Sleep(100 * time.Millisecond)
			if err := ask(`query($id: ID!) { report(id: $id) { state error rowCount byteSize downloadUrl } }`, map[string]any{"id": gen.GenerateReport.Report.ID}, &r); err != nil {
				return err
			}
			if r.Report.State == "FAILED" {
				return fmt.Errorf("%s report failed: %s", t.Name, r.Report.Error)
			}
		}
		ready := time.Since(start)
		dl := time.Now()
		n, err := downloadReport(ctx, p.client, strings.TrimSuffix(url, "/graphql")+*r.Report.DownloadURL)
		if err != nil {
			return err
		}
		took := time.Since(dl)
		fmt.Fprintf(e.Stdout, "%-22s %s: %d rows, %.1f MB, READY in %s (%.0f rows/s), download %.1f MB/s\n", t.Name, in["region"],
			r.Report.RowCount, float64(n)/1e6, ready.Round(time.Millisecond), float64(r.Report.RowCount)/ready.Seconds(), float64(n)/1e6/took.Seconds())
	}
	return nil
}

// downloadReport fetches a report's file through its signed link and counts its bytes.
func downloadReport(ctx context.Context, c *http.Client, link string) (int64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("download: status %d", resp.StatusCode)
	}
	return io.Copy(io.Discard, resp.Body)
}
