package app

import (
	"context"
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// pruneInterval is how often call legs past retention are deleted.
const pruneInterval = time.Hour

var serveCommand = Command{
	Usage: "Runs the HTTP server: /graphql (POST, GET, websocket), GraphiQL at /, /healthz, /readyz, /metrics.",
	Flags: func(*flag.FlagSet) func(context.Context, *Env) error {
		return func(ctx context.Context, e *Env) error {
			start := time.Now()
			a, err := Open(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			// Listening first finds a port in use before any token is printed; requests
			// that arrive while the demo is seeded wait in the listen queue.
			ln, err := net.Listen("tcp", e.Cfg.Addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", e.Cfg.Addr, err)
			}
			defer ln.Close()
			if a.DB.Embedded {
				if err := a.prepareDemo(ctx, e.Stdout, ln.Addr().String()); err != nil {
					return err
				}
			}
			go calling.KeepPruning(ctx, a.DB.Client, a.Now, e.Cfg.CallLegRetention, pruneInterval, a.logger)
			a.logger.Info("listening", "addr", ln.Addr().String(), "embedded", a.DB.Embedded, "startup", time.Since(start))
			return a.listenAndServe(ctx, ln)
		}
	},
}
