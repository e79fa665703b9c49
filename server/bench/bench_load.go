package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
)

// loadResult summarises one load run.
type loadResult struct {
	requests   int
	elapsed    time.Duration
	latencies  []time.Duration
	statements int64
}

// percentile is the latency below which the fraction p of the requests finished.
func (r loadResult) percentile(p float64) time.Duration {
	slices.Sort(r.latencies)
	return r.latencies[int(p*float64(len(r.latencies)-1))]
}

func (r loadResult) String() string {
	pct := r.percentile
	return fmt.Sprintf("requests %d, %.0f req/s, p50 %s, p99 %s, %.2f SQL statements/request",
		r.requests, float64(r.requests)/r.elapsed.Seconds(), pct(0.50).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), float64(r.statements)/float64(r.requests))
}

// poster posts GraphQL requests with a token and fails on any error in the answer.
type poster struct {
	client     *http.Client
	url, token string
}

func newPoster(url, token string, clients int) poster {
	return poster{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}, url: url, token: token}
}

func (p poster) post(ctx context.Context, body []byte) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var raw []byte
	if resp.ContentLength > 0 {
		raw = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, raw)
	} else {
		raw, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, raw)
	}
	return nil
}

// load posts body from clients goroutines for d and measures every response, after the
// same clients have run unmeasured for warmup.
func load(ctx context.Context, url, token string, body []byte, clients int, warmup, d time.Duration) (loadResult, error) {
	p := newPoster(url, token, clients)
	if err := p.post(ctx, body); err != nil { // fail fast on a broken query
		return loadResult{}, err
	}
	// At full concurrency the pool opens more connections, and each new database session
	// prepares its statements and fills its catalog caches on its first requests.
	if _, err := p.drive(ctx, body, clients, warmup); err != nil {
		return loadResult{}, err
	}
	before := counting.Statements.Load()
	res, err := p.drive(ctx, body, clients, d)
	res.statements = counting.Statements.Load() - before
	return res, err
}

// drive posts body from clients goroutines, each one request after another, for d.
func (p poster) drive(ctx context.Context, body []byte, clients int, d time.Duration) (loadResult, error) {
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
		bad error
	)
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t := time.Now()
				err := p.post(ctx, body)
				took := time.Since(t)
				mu.Lock()
				if err != nil && bad == nil {
					bad = err
				}
				res.latencies = append(res.latencies, took)
				res.requests++
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, bad
}

// sequential posts body n times, one after another, after one warm-up.
func sequential(ctx context.Context, url, token string, body []byte, n int) (loadResult, error) {
	p := newPoster(url, token, 1)
	if err := p.post(ctx, body); err != nil {
		return loadResult{}, err
	}
	res := loadResult{}
	before := counting.Statements.Load()
	start := time.Now()
	for range n {
		t := time.Now()
		if err := p.post(ctx, body); err != nil {
			return res, err
		}
		res.latencies = append(res.latencies, time.Since(t))
		res.requests++
	}
	res.elapsed = time.Since(start)
	res.statements = counting.Statements.Load() - before
	return res, nil
}

// resetPeakRSS starts the peak-RSS measurement afresh (Linux), so seeding does not count.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's peak resident set size (Linux VmHWM).
func peakRSS() string { return peakRSSOf("self") }

// peakRSSOf reads the peak resident set size of process pid (Linux VmHWM).
func peakRSSOf(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return strings.TrimSpace(rest)
			}
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "unknown"
}
