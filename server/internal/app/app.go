package app

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

// App is the opened process: configuration, logger, database and token authority.
type App struct {
	Cfg    *Config
	logger *slog.Logger
	DB     *storage.DB
	Auth   *auth.Authority
	broker live.Broker
	// sockets are the open websockets, closed with 1001 on shutdown.
	sockets *socket.Registry
	Now     func() time.Time
	// secret is the JWT secret, from which the report links' key is derived.
	secret []byte
}

// openDB opens the configured database, applies the migration files it lacks and runs
// the data migrations that follow them, including rolling up, once, the call legs stored
// before the calling rollups existed (and the partners' calling weeks), and analysing the
// week rollups if never analysed.
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
	if n, err := calling.BackfillPartnerWeeks(ctx, db.Client); err != nil {
		db.Close()
		return nil, rep, err
	} else if n > 0 {
		logger.Info("summed the week rollups of partners stored before the partners' calling weeks", "partners", n)
	}
	if ok, err := calling.AnalyzeWeeks(ctx, db.SQL, db.Dialect); err != nil {
		db.Close()
		return nil, rep, err
	} else if ok {
		logger.Info("analysed the week rollups, which had no planner statistics")
	}
	return db, rep, nil
}

// Open opens and migrates the database and builds the token authority.
func Open(ctx context.Context, e *Env) (*App, error) {
	logger, err := e.Cfg.newLogger(e.Stderr)
	if err != nil {
		return nil, err
	}
	tuneGC(e.Cfg.GCPercent, os.Getenv)
	db, rep, err := openDB(ctx, e.Cfg, logger)
	if err != nil {
		return nil, err
	}
	logger.Info("database schema: "+rep.String(), "version", rep.Version)
	secret, err := jwtSecret(e.Cfg, db.Embedded)
	if err != nil {
		db.Close()
		return nil, err
	}
	// Every instance shares the JWT secret, and the embedded default keeps its own, so IDs
	// encrypted with a key derived from it are the same everywhere and across restarts.
	gid.SetKey(secret)
	authority, err := auth.New(auth.Config{
		Secret:   secret,
		Issuer:   e.Cfg.JWTIssuer,
		Audience: e.Cfg.JWTAudience,
		TTL:      e.Cfg.TokenTTL,
		Leeway:   30 * time.Second,
		CacheTTL: e.Cfg.AuthCacheTTL,
	}, db.Client, e.Now)
	if err != nil {
		db.Close()
		return nil, err
	}
	var broker live.Broker = live.NewLocal()
	if !db.Embedded {
		if broker, err = live.NewPostgres(e.Cfg.DatabaseURL, db.SQL, logger); err != nil {
			db.Close()
			return nil, err
		}
	}
	// A change announced by any instance may revoke a token or narrow an admin's role.
	broker.OnChange(func(c live.Change) { authority.Changed(c.PartnerID, c.Set) })
	return &App{Cfg: e.Cfg, logger: logger, DB: db, Auth: authority, broker: broker, sockets: socket.NewRegistry(graph.InitTimeout), Now: e.Now, secret: secret}, nil
}

// Close stops listening for changes and releases the database.
func (a *App) Close() error { return errors.Join(a.broker.Close(), a.DB.Close()) }

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

// The garbage collector's settings, set here alone (tuneGC, when a command opens the app).
// The requests allocate many short-lived objects on a live heap of a few megabytes; Go's
// default (100) then collects every few requests, and each cycle's fixed work and its
// idle-time mark workers take CPU from the requests, and on a shared machine from the
// database. Collecting at 13x the live heap instead of 2x collects a few times a second
// instead of dozens (a page of 50 customers allocates about 0.7 MB), which gave the
// directory benchmark about a fifth more requests per second than 4x did, side by side.
// Operations are bounded (PARTNERHUB_MAX_CONCURRENT_REQUESTS), so the heap stays small in
// absolute terms, and the soft limit keeps the process under its 256 MB budget whatever
// the percentage. PARTNERHUB_GC_PERCENT changes the percentage; the standard GOGC and
// GOMEMLIMIT variables override both (the runtime has applied them already).
const (
	gcPercent   = 1200
	memoryLimit = 192 << 20
)

// tuneGC applies them: percent unless GOGC is set, the memory limit unless GOMEMLIMIT is.
func tuneGC(percent int, getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
