package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/graph"
)

// Config is every setting of the process. Each is read from an environment variable and
// may be overridden by the flag of the same meaning.
type Config struct {
	Addr              string
	MetricsAddr       string
	DatabaseURL       string
	DataDir           string
	JWTSecret         string
	JWTIssuer         string
	JWTAudience       string
	TokenTTL          time.Duration
	AuthCacheTTL      time.Duration
	LogLevel          string
	LogFormat         string
	ShutdownTimeout   time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxBodyBytes      int64
	MaxComplexity     int
	MaxDepth          int
	MaxParserTokens   int
	DemoCustomers     int
	DemoCallLegs      int
	LaunchURLTemplate string
	AnalyticsCacheTTL time.Duration
	MaxSubscriptions  int
	MaxConcurrent     int
	GCPercent         int
}

// setting binds one Config field to its environment variable and flag.
type setting struct {
	env, flag, def, usage string
	bind                  func(fs *flag.FlagSet, name, value, usage string)
}

func str(p *string) func(*flag.FlagSet, string, string, string) {
	return func(fs *flag.FlagSet, name, value, usage string) { fs.StringVar(p, name, value, usage) }
}

func dur(p *time.Duration) func(*flag.FlagSet, string, string, string) {
	return func(fs *flag.FlagSet, name, value, usage string) {
		fs.Func(name, usage+" (default "+value+")", func(s string) error {
			d, err := time.ParseDuration(s)
			*p = d
			return err
		})
		*p, _ = time.ParseDuration(value)
	}
}

func integer[T int | int64](p *T) func(*flag.FlagSet, string, string, string) {
	return func(fs *flag.FlagSet, name, value, usage string) {
		fs.Func(name, usage+" (default "+value+")", func(s string) error {
			n, err := strconv.ParseInt(s, 10, 64)
			*p = T(n)
			return err
		})
		n, _ := strconv.ParseInt(value, 10, 64)
		*p = T(n)
	}
}

// settings lists every setting; the README's configuration table mirrors it.
func (c *Config) settings() []setting {
	d := graph.DefaultLimits
	return []setting{
		{"PARTNERHUB_ADDR", "addr", ":8080", "address to listen on", str(&c.Addr)},
		{"PARTNERHUB_METRICS_ADDR", "metrics-addr", "", "address to serve /metrics on, apart from the API; empty serves it with the API", str(&c.MetricsAddr)},
		{"DATABASE_URL", "database-url", "", "postgres:// URL; empty uses the embedded SQLite file in the data directory", str(&c.DatabaseURL)},
		{"PARTNERHUB_DATA_DIR", "data-dir", "./data", "directory of the embedded database and generated JWT secret", str(&c.DataDir)},
		{"PARTNERHUB_JWT_SECRET", "jwt-secret", "", "HS256 secret (≥ 32 bytes); generated into the data directory when empty on the embedded default, required with DATABASE_URL", str(&c.JWTSecret)},
		{"PARTNERHUB_JWT_ISSUER", "jwt-issuer", "partnerhub", "iss of minted tokens, required on verified ones", str(&c.JWTIssuer)},
		{"PARTNERHUB_JWT_AUDIENCE", "jwt-audience", "partnerhub-api", "aud of minted tokens, required on verified ones", str(&c.JWTAudience)},
		{"PARTNERHUB_TOKEN_TTL", "token-ttl", "24h", "default lifetime of tokens minted by the CLI and at start", dur(&c.TokenTTL)},
		{"PARTNERHUB_AUTH_CACHE_TTL", "auth-cache-ttl", "1s", "how long a verified token's lookup is reused (revocation delay)", dur(&c.AuthCacheTTL)},
		{"PARTNERHUB_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", str(&c.LogLevel)},
		{"PARTNERHUB_LOG_FORMAT", "log-format", "text", "text or json", str(&c.LogFormat)},
		{"PARTNERHUB_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long in-flight requests may finish after SIGINT/SIGTERM", dur(&c.ShutdownTimeout)},
		{"PARTNERHUB_READ_TIMEOUT", "read-timeout", "15s", "HTTP read timeout", dur(&c.ReadTimeout)},
		{"PARTNERHUB_WRITE_TIMEOUT", "write-timeout", "60s", "HTTP write timeout", dur(&c.WriteTimeout)},
		{"PARTNERHUB_IDLE_TIMEOUT", "idle-timeout", "120s", "HTTP keep-alive idle timeout", dur(&c.IdleTimeout)},
		{"PARTNERHUB_MAX_BODY_BYTES", "max-body-bytes", "1048576", "largest accepted request body", integer(&c.MaxBodyBytes)},
		{"PARTNERHUB_MAX_COMPLEXITY", "max-complexity", strconv.Itoa(d.Complexity), "largest query complexity (lists multiply by first/last)", integer(&c.MaxComplexity)},
		{"PARTNERHUB_MAX_DEPTH", "max-depth", strconv.Itoa(d.Depth), "deepest selection nesting", integer(&c.MaxDepth)},
		{"PARTNERHUB_MAX_PARSER_TOKENS", "max-parser-tokens", strconv.Itoa(d.ParserTokens), "most tokens the query parser reads", integer(&c.MaxParserTokens)},
		{"PARTNERHUB_DEMO_CUSTOMERS", "demo-customers", "500", "customers of the demo partner seeded on the first embedded start", integer(&c.DemoCustomers)},
		{"PARTNERHUB_DEMO_CALL_LEGS", "demo-call-legs", "50000", "call legs of the demo partner", integer(&c.DemoCallLegs)},
		{"PARTNERHUB_LAUNCH_URL_TEMPLATE", "launch-url-template", "https://admin.example.com/orgs/{orgId}", "link to a customer's control hub; {orgId} is replaced", str(&c.LaunchURLTemplate)},
		{"PARTNERHUB_ANALYTICS_CACHE_TTL", "analytics-cache-ttl", "60s", "longest time KPIs and analytics are reused when no change arrives; 0 disables the cache", dur(&c.AnalyticsCacheTTL)},
		{"PARTNERHUB_MAX_CONCURRENT_REQUESTS", "max-concurrent-requests", "0", "GraphQL queries and mutations executed at once, the rest queued in arrival order; 0 means three times the CPUs", integer(&c.MaxConcurrent)},
		{"PARTNERHUB_GC_PERCENT", "gc-percent", strconv.Itoa(gcPercent), "heap growth, in percent of the live heap, that starts a garbage collection (Go's GOGC, which wins when set)", integer(&c.GCPercent)},
		{"PARTNERHUB_MAX_SUBSCRIPTIONS", "max-subscriptions", "20000", "live subscriptions a process serves at once (20 per connection)", integer(&c.MaxSubscriptions)},
	}
}

// bindConfig registers the config's flags on fs, with defaults taken from getenv.
func bindConfig(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	for _, s := range c.settings() {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		s.bind(fs, s.flag, def, s.usage+" ["+s.env+"]")
	}
	return c
}

func (c *Config) validate() error {
	switch {
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("log format must be text or json, not %q", c.LogFormat)
	case c.MaxBodyBytes <= 0 || c.MaxComplexity <= 0 || c.MaxDepth <= 0 || c.MaxParserTokens <= 0:
		return fmt.Errorf("request limits must be positive")
	case c.GCPercent <= 0:
		return fmt.Errorf("gc percent must be positive, not %d", c.GCPercent)
	case c.MaxConcurrent < 0:
		return fmt.Errorf("max concurrent requests must be 0 (three times the CPUs) or positive, not %d", c.MaxConcurrent)
	case c.DataDir == "" && c.DatabaseURL == "":
		return fmt.Errorf("a data directory is needed for the embedded database")
	}
	return nil
}

func (c *Config) limits() graph.Limits {
	return graph.Limits{Complexity: c.MaxComplexity, Depth: c.MaxDepth, ParserTokens: c.MaxParserTokens}
}

// newLogger builds the process logger from the config.
func (c *Config) newLogger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}
