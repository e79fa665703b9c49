package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/graph"
	"github.com/partnerhub/partnerhub-api/graph/limit"
	"github.com/partnerhub/partnerhub-api/graph/observe"
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
	MaxRootFields     int
	MaxAliases        int
	OperationTimeout  time.Duration
	DemoCustomers     int
	DemoCallLegs      int
	LaunchURLTemplate string
	AnalyticsCacheTTL time.Duration
	MaxSubscriptions  int
	LiveMaxRate       int
	MaxConcurrent     int
	GCPercent         int
	ReportDir         string
	ReportRetention   time.Duration
	CallLegRetention  time.Duration
}

// setting binds one Config field to its environment variable and flag. parse sets the
// field from a text and refuses, saying why, any text that is not a valid value.
type setting struct {
	env, flag, def, usage string
	parse                 func(string) error
}

func text(p *string) func(string) error {
	return func(s string) error { *p = s; return nil }
}

func oneOf(p *string, values ...string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if strings.EqualFold(s, v) {
				*p = v
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(values, ", "))
	}
}

// address accepts host:port with a numeric port (0 picks a free one).
func address(p *string) func(string) error {
	return func(s string) error {
		_, port, err := net.SplitHostPort(s)
		if n, perr := strconv.ParseUint(port, 10, 16); err != nil || perr != nil || n > 65535 {
			return errors.New("must be host:port with a port number, such as :8080 or 127.0.0.1:8080")
		}
		*p = s
		return nil
	}
}

// optionalAddress accepts an address as address does, or nothing.
func optionalAddress(p *string) func(string) error {
	return func(s string) error {
		if s == "" {
			*p = ""
			return nil
		}
		return address(p)(s)
	}
}

// duration accepts a Go duration with its unit (90s, 15m, 24h), never negative, and zero
// only where zero has a meaning.
func duration(p *time.Duration, zeroAllowed bool) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return errors.New("must be a duration with its unit, such as 90s, 15m or 24h")
		case d < 0 || d == 0 && !zeroAllowed:
			if zeroAllowed {
				return errors.New("must not be negative")
			}
			return errors.New("must be positive")
		}
		*p = d
		return nil
	}
}

// integer accepts a whole number of at least min.
func integer[T int | int64](p *T, min T) func(string) error {
	return func(s string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		switch {
		case err != nil:
			return errors.New("must be a whole number")
		case T(n) < min:
			return fmt.Errorf("must be at least %d", min)
		}
		*p = T(n)
		return nil
	}
}

// settings lists every setting; the README's configuration table mirrors it.
func (c *Config) settings() []setting {
	d := graph.DefaultLimits
	return []setting{
		{"PARTNERHUB_ADDR", "addr", ":8080", "address to listen on", address(&c.Addr)},
		{"PARTNERHUB_METRICS_ADDR", "metrics-addr", "", "address to serve /metrics on, apart from the API; empty serves it with the API", optionalAddress(&c.MetricsAddr)},
		{"DATABASE_URL", "database-url", "", "postgres:// URL; empty uses the embedded SQLite file in the data directory", text(&c.DatabaseURL)},
		{"PARTNERHUB_DATA_DIR", "data-dir", "./data", "directory of the embedded database and generated JWT secret", text(&c.DataDir)},
		{"PARTNERHUB_JWT_SECRET", "jwt-secret", "", "HS256 secret (≥ 32 bytes); generated into the data directory when empty on the embedded default, required with DATABASE_URL", text(&c.JWTSecret)},
		{"PARTNERHUB_JWT_ISSUER", "jwt-issuer", "partnerhub", "iss of minted tokens, required on verified ones", text(&c.JWTIssuer)},
		{"PARTNERHUB_JWT_AUDIENCE", "jwt-audience", "partnerhub-api", "aud of minted tokens, required on verified ones", text(&c.JWTAudience)},
		{"PARTNERHUB_TOKEN_TTL", "token-ttl", "24h", "default lifetime of tokens minted by the CLI and at start", duration(&c.TokenTTL, false)},
		{"PARTNERHUB_AUTH_CACHE_TTL", "auth-cache-ttl", "1s", "how long a verified token's lookup is reused (revocation delay); 0 looks every token up", duration(&c.AuthCacheTTL, true)},
		{"PARTNERHUB_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", oneOf(&c.LogLevel, "debug", "info", "warn", "error")},
		{"PARTNERHUB_LOG_FORMAT", "log-format", "text", "text or json", oneOf(&c.LogFormat, "text", "json")},
		{"PARTNERHUB_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long in-flight requests may finish after SIGINT/SIGTERM", duration(&c.ShutdownTimeout, false)},
		{"PARTNERHUB_READ_TIMEOUT", "read-timeout", "15s", "HTTP read timeout", duration(&c.ReadTimeout, false)},
		{"PARTNERHUB_WRITE_TIMEOUT", "write-timeout", "60s", "HTTP write timeout", duration(&c.WriteTimeout, false)},
		{"PARTNERHUB_IDLE_TIMEOUT", "idle-timeout", "120s", "HTTP keep-alive idle timeout", duration(&c.IdleTimeout, false)},
		{"PARTNERHUB_MAX_BODY_BYTES", "max-body-bytes", "1048576", "largest accepted request body", integer(&c.MaxBodyBytes, 1)},
		{"PARTNERHUB_MAX_COMPLEXITY", "max-complexity", strconv.Itoa(d.Complexity), "largest query complexity (lists multiply by first/last)", integer(&c.MaxComplexity, 1)},
		{"PARTNERHUB_MAX_DEPTH", "max-depth", strconv.Itoa(d.Depth), "deepest selection nesting", integer(&c.MaxDepth, 1)},
		{"PARTNERHUB_MAX_PARSER_TOKENS", "max-parser-tokens", strconv.Itoa(d.ParserTokens), "most tokens the query parser reads", integer(&c.MaxParserTokens, 1)},
		{"PARTNERHUB_MAX_ROOT_FIELDS", "max-root-fields", strconv.Itoa(d.RootFields), "most root fields an operation selects", integer(&c.MaxRootFields, 1)},
		{"PARTNERHUB_MAX_ALIASES", "max-aliases", strconv.Itoa(d.Aliases), "most aliased fields an operation selects", integer(&c.MaxAliases, 0)},
		{"PARTNERHUB_OPERATION_TIMEOUT", "operation-timeout", limit.OperationTimeout.String(), "deadline of a query or mutation, its SQL statements included; over it TIMEOUT", duration(&c.OperationTimeout, false)},
		{"PARTNERHUB_DEMO_CUSTOMERS", "demo-customers", "500", "customers of the demo partner, seeded when the embedded database is empty", integer(&c.DemoCustomers, 0)},
		{"PARTNERHUB_DEMO_CALL_LEGS", "demo-call-legs", "50000", "call legs of the demo partner", integer(&c.DemoCallLegs, 0)},
		{"PARTNERHUB_LAUNCH_URL_TEMPLATE", "launch-url-template", "https://admin.example.com/orgs/{orgId}", "link to a customer's control hub; {orgId} is replaced", text(&c.LaunchURLTemplate)},
		{"PARTNERHUB_ANALYTICS_CACHE_TTL", "analytics-cache-ttl", "60s", "longest time KPIs and analytics are reused when no change arrives; 0 disables the cache", duration(&c.AnalyticsCacheTTL, true)},
		{"PARTNERHUB_MAX_CONCURRENT_REQUESTS", "max-concurrent-requests", "0", "GraphQL queries and mutations executed at once, the rest queued in arrival order; 0 means three times the CPUs", integer(&c.MaxConcurrent, 0)},
		{"PARTNERHUB_GC_PERCENT", "gc-percent", strconv.Itoa(gcPercent), "heap growth, in percent of the live heap, that starts a garbage collection (Go's GOGC, which wins when set)", integer(&c.GCPercent, 1)},
		{"PARTNERHUB_REPORT_DIR", "report-dir", "", "directory, shared by every instance, that holds report files; empty keeps them in the database", text(&c.ReportDir)},
		{"PARTNERHUB_REPORT_RETENTION", "report-retention", "720h", "how long report files are kept before they are deleted and their reports EXPIRED", duration(&c.ReportRetention, false)},
		{"PARTNERHUB_CALL_LEG_RETENTION", "call-leg-retention", "2184h", "how long raw call legs are kept (2184h is 13 weeks); their rollups are kept", duration(&c.CallLegRetention, false)},
		{"PARTNERHUB_MAX_SUBSCRIPTIONS", "max-subscriptions", "20000", "live subscriptions a process serves at once (20 per connection)", integer(&c.MaxSubscriptions, 1)},
		{"PARTNERHUB_LIVE_MAX_RATE", "live-max-rate", strconv.Itoa(graph.DefaultOptions.LiveMaxRate), "live KPI computations per second of one visibility scope and region; a burst of changes sends the latest figures when the pause ends", integer(&c.LiveMaxRate, 1)},
	}
}

// BindConfig registers the config's flags on fs and reads each setting from getenv, else
// its default. An environment value that is not valid is reported as VARIABLE="value":
// why, one line; the flags are registered all the same, so that -h still lists them.
func BindConfig(fs *flag.FlagSet, getenv func(string) string) (*Config, error) {
	c := &Config{}
	var bad []error
	for _, s := range c.settings() {
		if err := s.parse(s.def); err != nil {
			panic(fmt.Sprintf("default of %s: %v", s.env, err))
		}
		def := s.def
		if v := getenv(s.env); v != "" {
			if err := s.parse(v); err != nil {
				bad = append(bad, fmt.Errorf("%s=%q: %w", s.env, v, err))
			}
			def = v
		}
		if def == "" {
			def = `""`
		}
		fs.Func(s.flag, s.usage+" ["+s.env+"] (default "+def+")", s.parse)
	}
	if len(bad) > 0 {
		return c, bad[0]
	}
	return c, nil
}

// Validate refuses a configuration that cannot run: no database at all.
func (c *Config) Validate() error {
	if c.DataDir == "" && c.DatabaseURL == "" {
		return fmt.Errorf("a data directory is needed for the embedded database (PARTNERHUB_DATA_DIR)")
	}
	return nil
}

func (c *Config) limits() graph.Limits {
	return graph.Limits{Complexity: c.MaxComplexity, Depth: c.MaxDepth, ParserTokens: c.MaxParserTokens,
		RootFields: c.MaxRootFields, Aliases: c.MaxAliases, IntrospectionDepth: graph.DefaultLimits.IntrospectionDepth}
}

// newLogger builds the process logger from the config.
func (c *Config) newLogger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	json := c.LogFormat == "json"
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: observe.ReadableDurations(json)}
	if json {
		return slog.New(observe.WithRequestID(slog.NewJSONHandler(w, opts))), nil
	}
	return slog.New(observe.WithRequestID(slog.NewTextHandler(w, opts))), nil
}
