package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/graph/calling"
	"github.com/partnerhub/partnerhub-api/graph/live"
	"github.com/partnerhub/partnerhub-api/graph/socket"
)

// app is the opened process: configuration, logger, database and token authority.
type app struct {
	cfg    *Config
	logger *slog.Logger
	db     *storage.DB
	auth   *auth.Authority
	broker live.Broker
	// sockets are the open websockets, closed with 1001 on shutdown.
	sockets *socket.Registry
	now     func() time.Time
	// secret is the JWT secret, from which the report links' key is derived.
	secret []byte
}

// openDB opens the configured database, applies the migration files it lacks and runs
// the data migrations that follow them, including rolling up, once, the call legs stored
// before the calling rollups existed.
func openDB(ctx context.Context, cfg *Config, logger *slog.Logger) (*storage.DB, storage.Report, error) {
	db, err := storage.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, storage.Report{}, err
	}
	rep, err := db.Migrate(viewer.SystemContext(ctx))
	if err != nil {
		db.Close()
		return nil, rep, err
	}
	if n, err := calling.Backfill(ctx, db.Client); err != nil {
		db.Close()
		return nil, rep, err
	} else if n > 0 {
		logger.Info("rolled up the call legs stored before the calling rollups", "customers", n)
	}
	if n, err := calling.BackfillWeeks(ctx, db.Client); err != nil {
		db.Close()
		return nil, rep, err
	} else if n > 0 {
		logger.Info("rolled up the weeks of the calling rollups stored before the week rollups", "customers", n)
	}
	return db, rep, nil
}

// openApp opens and migrates the database and builds the token authority.
func openApp(ctx context.Context, e *env) (*app, error) {
	logger, err := e.cfg.newLogger(e.stderr)
	if err != nil {
		return nil, err
	}
	tuneGC(e.cfg.GCPercent, os.Getenv)
	db, rep, err := openDB(ctx, e.cfg, logger)
	if err != nil {
		return nil, err
	}
	logger.Info("database schema: "+rep.String(), "version", rep.Version)
	secret, err := jwtSecret(e.cfg, db.Embedded)
	if err != nil {
		db.Close()
		return nil, err
	}
	// Every instance shares the JWT secret, and the embedded default keeps its own, so IDs
	// encrypted with a key derived from it are the same everywhere and across restarts.
	gid.SetKey(secret)
	authority, err := auth.New(auth.Config{
		Secret:   secret,
		Issuer:   e.cfg.JWTIssuer,
		Audience: e.cfg.JWTAudience,
		TTL:      e.cfg.TokenTTL,
		Leeway:   30 * time.Second,
		CacheTTL: e.cfg.AuthCacheTTL,
	}, db.Client, e.now)
	if err != nil {
		db.Close()
		return nil, err
	}
	var broker live.Broker = live.NewLocal()
	if !db.Embedded {
		if broker, err = live.NewPostgres(e.cfg.DatabaseURL, db.SQL, logger); err != nil {
			db.Close()
			return nil, err
		}
	}
	// A change announced by any instance may revoke a token or narrow an admin's role.
	broker.OnChange(func(c live.Change) { authority.Forget(c.PartnerID) })
	return &app{cfg: e.cfg, logger: logger, db: db, auth: authority, broker: broker, sockets: socket.NewRegistry(graph.InitTimeout), now: e.now, secret: secret}, nil
}

// Close stops listening for changes and releases the database.
func (a *app) Close() error { return errors.Join(a.broker.Close(), a.db.Close()) }

// secretFile is where the embedded default keeps its generated JWT secret.
const secretFile = "jwt-secret"

// jwtSecret returns the configured secret or, on the embedded default only, the one
// generated into the data directory on first start.
func jwtSecret(cfg *Config, embedded bool) ([]byte, error) {
	if cfg.JWTSecret != "" {
		if len(cfg.JWTSecret) < 32 {
			return nil, errors.New("PARTNERHUB_JWT_SECRET must be at least 32 characters")
		}
		return []byte(cfg.JWTSecret), nil
	}
	if !embedded {
		return nil, errors.New("PARTNERHUB_JWT_SECRET is required with DATABASE_URL (every instance must share it)")
	}
	path := filepath.Join(cfg.DataDir, secretFile)
	if b, err := os.ReadFile(path); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read JWT secret: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write JWT secret: %w", err)
	}
	return []byte(secret), nil
}

// tuneGC sets how far the heap grows before a garbage collection, unless GOGC sets it, and
// the soft memory limit, unless GOMEMLIMIT does (the runtime has applied those already).
// The Go default (100) collects every few requests on a small heap; each cycle's fixed work
// and its idle-time mark workers then take CPU from the requests, and on a shared machine
// from the database. Operations are bounded (PARTNERHUB_MAX_CONCURRENT_REQUESTS), so a
// higher percentage keeps the heap small in absolute terms.
func tuneGC(percent int, getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
