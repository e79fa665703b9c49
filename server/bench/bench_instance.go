package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

// instance is instance B of a suite: `server serve` in a process of its own on A's
// database, as a deployment runs a second instance, so that neither instance's memory,
// collector nor scheduler is shared with the other or with the load generator.
type instance struct {
	url    string
	cmd    *exec.Cmd
	stderr *bytes.Buffer // read once the process has exited
	exited chan struct{} // closed once it has
	err    error         // how it exited
}

// secondInstance starts instance B on a's database, with a's configuration, for the
// suite (PostgreSQL only), and waits for it to be ready.
func secondInstance(ctx context.Context, a *app.App, suite string) (*instance, error) {
	if a.DB.Embedded {
		return nil, fmt.Errorf("the %s suite needs two instances on PostgreSQL: set DATABASE_URL", suite)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr(a.Cfg.Addr)
	if err != nil {
		return nil, err
	}
	c := a.Cfg
	cmd := exec.Command(exe, "serve")
	cmd.Env = append(os.Environ(), // the flags given to the bench apply to B too
		"PARTNERHUB_ADDR="+addr, "PARTNERHUB_METRICS_ADDR=", "PARTNERHUB_LOG_LEVEL=warn", "DATABASE_URL="+c.DatabaseURL,
		"PARTNERHUB_JWT_SECRET="+c.JWTSecret, "PARTNERHUB_JWT_ISSUER="+c.JWTIssuer, "PARTNERHUB_JWT_AUDIENCE="+c.JWTAudience,
		"PARTNERHUB_AUTH_CACHE_TTL="+c.AuthCacheTTL.String(), "PARTNERHUB_ANALYTICS_CACHE_TTL="+c.AnalyticsCacheTTL.String(),
		"PARTNERHUB_LIVE_MAX_RATE="+strconv.Itoa(c.LiveMaxRate), "PARTNERHUB_MAX_CONCURRENT_REQUESTS="+strconv.Itoa(c.MaxConcurrent),
		"PARTNERHUB_MAX_SUBSCRIPTIONS="+strconv.Itoa(c.MaxSubscriptions), "PARTNERHUB_GC_PERCENT="+strconv.Itoa(c.GCPercent))
	b := &instance{url: "http://" + addr + "/graphql", cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan struct{})}
	cmd.Stderr = b.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start instance B: %w", err)
	}
	go func() { b.err = cmd.Wait(); close(b.exited) }()
	if err := b.ready(ctx); err != nil {
		b.close()
		return nil, fmt.Errorf("%w (exit: %v): %s", err, b.err, b.stderr)
	}
	return b, nil
}

// freeAddr is an address on addr's host with a port free now.
func freeAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", otherPort(addr))
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ready waits for B to answer /readyz, for a minute at most.
func (b *instance) ready(ctx context.Context) error {
	ready := strings.TrimSuffix(b.url, "/graphql") + "/readyz"
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ready, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-b.exited:
			return errors.New("instance B exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("instance B was not ready within a minute")
}

// peakRSS reads B's peak resident set size.
func (b *instance) peakRSS() string { return peakRSSOf(strconv.Itoa(b.cmd.Process.Pid)) }

// close stops B as a deployment would (SIGTERM), kills it should it not stop, and waits
// for it to exit.
func (b *instance) close() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(20 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exited
	}
}
