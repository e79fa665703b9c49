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

var serveCommand = command{
	usage: "Runs the HTTP server: /graphql (POST, GET, websocket), GraphiQL at /, /healthz, /readyz, /metrics.",
	flags: func(*flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			start := time.Now()
			a, err := openApp(ctx, e)
			if err != nil {
				return err
			}
			defer a.Close()
			// Listening first finds a port in use before any token is printed; requests
			// that arrive while the demo is seeded wait in the listen queue.
			ln, err := net.Listen("tcp", e.cfg.Addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", e.cfg.Addr, err)
			}
			defer ln.Close()
			if a.db.Embedded {
				if err := a.prepareDemo(ctx, e.stdout, ln.Addr().String()); err != nil {
					return err
				}
			}
			go calling.KeepPruning(ctx, a.db.Client, a.now, e.cfg.CallLegRetention, pruneInterval, a.logger)
			a.logger.Info("listening", "addr", ln.Addr().String(), "embedded", a.db.Embedded, "startup", time.Since(start))
			return a.listenAndServe(ctx, ln)
		}
	},
}
