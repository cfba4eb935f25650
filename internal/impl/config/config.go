// Package config reads Lightwatch's configuration from flags and environment
// variables. Every setting has both; a flag wins over its variable, and the
// variable over the default. The README's configuration table lists them all
// (a test keeps the two in step).
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config is the configuration of one Lightwatch process.
type Config struct {
	Addr            string
	DataDir         string
	MongoURI        string
	MongoDatabase   string
	RedisURL        string
	BootstrapKey    string
	StreamMaxLen    int64
	RateLimit       int
	RateBurst       int
	WriteQueue      int
	WriteTimeout    time.Duration
	SQLiteSync      string
	LogLevel        string
	LogFormat       string
	ShutdownTimeout time.Duration
	CORSOrigins     []string

	Alerting           bool
	Anomaly            bool
	AlertInterval      time.Duration
	WebhookRetryBudget time.Duration

	WSFlushInterval time.Duration

	// Tenant isolation and limits (docs/security.md).
	WebhookAllow          []string
	WebhookTenantQueue    int
	WebhookTenantInFlight int
	WSMaxConnsPerKey      int
	WSMaxConnsPerTenant   int
	WSHandshakeRate       int
	WSReplayMaxAge        time.Duration
	AlertRulesMax         int
	AlertMaxSeries        int
	AlertMaxAlertsPerRule int
	SecretKey             string
	// Retention: 0 keeps forever. The per-kind ones are nil when not set,
	// which means Retention.
	Retention           time.Duration
	RetentionLogs       *time.Duration
	RetentionMetrics    *time.Duration
	RetentionSecurity   *time.Duration
	RetentionHeartbeats *time.Duration
	RetentionRollups    time.Duration
	MaxDisk             int64 // bytes; 0: no cap
	// Hardening limits (docs/security.md).
	QueryTimeout      time.Duration
	QueryConcurrency  int
	ReadHeaderTimeout time.Duration
	BodyTimeout       time.Duration
	ResponseTimeout   time.Duration
	AuthFailureLimit  int
	RateLimitSync     time.Duration
}

// Setting describes one configuration setting, for parsing and for documentation.
type Setting struct {
	Flag, Env, Default, Usage string
}

// setting binds a Setting to the Config field it fills.
type setting struct {
	Setting
	set func(c *Config, v string) error
}

func str(f func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *f(c) = v; return nil }
}

func integer[T int | int64](f func(c *Config) *T) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("want a non-negative integer, got %q", v)
		}
		*f(c) = T(n)
		return nil
	}
}

// optionalInteger is integer where empty means 0: "let the process choose".
func optionalInteger[T int | int64](f func(c *Config) *T) func(*Config, string) error {
	set := integer(f)
	return func(c *Config, v string) error {
		if v == "" {
			*f(c) = 0
			return nil
		}
		return set(c, v)
	}
}

// nonNegativeDuration is a duration where 0 is allowed (it turns something off).
func nonNegativeDuration(f func(c *Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 20ms, or 0, got %q", v)
		}
		*f(c) = d
		return nil
	}
}

func duration(f func(c *Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a positive duration such as 10s, got %q", v)
		}
		*f(c) = d
		return nil
	}
}

func positive(f func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("want a positive integer, got %q", v)
		}
		*f(c) = n
		return nil
	}
}

func onOff(f func(c *Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch v {
		case "on":
			*f(c) = true
		case "off":
			*f(c) = false
		default:
			return fmt.Errorf("want on or off, got %q", v)
		}
		return nil
	}
}

func oneOf(allowed []string, f func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		for _, a := range allowed {
			if v == a {
				*f(c) = v
				return nil
			}
		}
		return fmt.Errorf("want one of %v, got %q", allowed, v)
	}
}

func settings() []setting {
	return []setting{
		{Setting{"addr", "LIGHTWATCH_ADDR", ":8080", "listen address (host:port)"},
			str(func(c *Config) *string { return &c.Addr })},
		{Setting{"data-dir", "LIGHTWATCH_DATA_DIR", "./data", "directory of the embedded store and the generated bootstrap key"},
			str(func(c *Config) *string { return &c.DataDir })},
		{Setting{"mongo-uri", "LIGHTWATCH_MONGO_URI", "", "MongoDB URI; empty: the embedded SQLite store in the data directory"},
			str(func(c *Config) *string { return &c.MongoURI })},
		{Setting{"mongo-db", "LIGHTWATCH_MONGO_DB", "lightwatch", "MongoDB database name"},
			str(func(c *Config) *string { return &c.MongoDatabase })},
		{Setting{"redis-url", "LIGHTWATCH_REDIS_URL", "", "Redis URL: redis://[user:password@]host:port/db, or through Sentinel (follows failovers) redis-sentinel://[user:password@]host:26379[,host:26379...]/master[/db][?sentinel_password=...] (rediss:// and rediss-sentinel:// for TLS); empty: in-process streams and rate limits, and an embedded miniredis for alerting's leases"},
			str(func(c *Config) *string { return &c.RedisURL })},
		{Setting{"bootstrap-key", "LIGHTWATCH_BOOTSTRAP_KEY", "", "an API key that exists at start-up with scopes admin, ingest and read in tenant default; empty: one is generated on first start and kept in the data directory"},
			str(func(c *Config) *string { return &c.BootstrapKey })},
		{Setting{"stream-maxlen", "LIGHTWATCH_STREAM_MAXLEN", "", "approximate maximum length of each Redis stream (XADD MAXLEN ~), which bounds how far back live clients can resume; empty: 100000 with a Redis server, 10000 with the embedded one, which holds streams in this process's memory"},
			optionalInteger(func(c *Config) *int64 { return &c.StreamMaxLen })},
		{Setting{"rate-limit", "LIGHTWATCH_RATE_LIMIT", "2000", "requests per second allowed per API key (counted in process, shared through Redis when a Redis URL is set); 0 turns rate limiting off"},
			integer(func(c *Config) *int { return &c.RateLimit })},
		{Setting{"rate-burst", "LIGHTWATCH_RATE_BURST", "4000", "requests an API key may send at once above its rate"},
			integer(func(c *Config) *int { return &c.RateBurst })},
		{Setting{"write-queue", "LIGHTWATCH_WRITE_QUEUE", "100000", "events that may wait for the store before requests are answered 503"},
			integer(func(c *Config) *int { return &c.WriteQueue })},
		{Setting{"write-timeout", "LIGHTWATCH_WRITE_TIMEOUT", "10s", "longest a request waits for the store before it is answered 503"},
			duration(func(c *Config) *time.Duration { return &c.WriteTimeout })},
		{Setting{"sqlite-sync", "LIGHTWATCH_SQLITE_SYNC", "normal", "embedded store durability: normal survives a process crash (kill -9), full also a power loss"},
			oneOf([]string{"normal", "full"}, func(c *Config) *string { return &c.SQLiteSync })},
		{Setting{"log-level", "LIGHTWATCH_LOG_LEVEL", "info", "debug, info, warn or error"},
			oneOf([]string{"debug", "info", "warn", "error"}, func(c *Config) *string { return &c.LogLevel })},
		{Setting{"log-format", "LIGHTWATCH_LOG_FORMAT", "json", "json or text"},
			oneOf([]string{"json", "text"}, func(c *Config) *string { return &c.LogFormat })},
		{Setting{"cors-origins", "LIGHTWATCH_CORS_ORIGINS", "", "comma-separated origins allowed to call /api/* from browsers (* for any); empty: none"},
			func(c *Config, v string) error { c.CORSOrigins = splitList(v); return nil }},
		{Setting{"alerting", "LIGHTWATCH_ALERTING", "on", "evaluate alert rules and send their webhooks (on or off); only processes serving the query API do"},
			onOff(func(c *Config) *bool { return &c.Alerting })},
		{Setting{"anomaly", "LIGHTWATCH_ANOMALY", "on", "evaluate anomaly alert rules (on or off); off, they never fire"},
			onOff(func(c *Config) *bool { return &c.Anomaly })},
		{Setting{"alert-interval", "LIGHTWATCH_ALERT_INTERVAL", "500ms", "how often every alert rule is evaluated (matching events also trigger an evaluation at once)"},
			duration(func(c *Config) *time.Duration { return &c.AlertInterval })},
		{Setting{"webhook-retry-budget", "LIGHTWATCH_WEBHOOK_RETRY_BUDGET", "5m", "how long a failing webhook notification is retried (exponential backoff with jitter) before it is given up"},
			duration(func(c *Config) *time.Duration { return &c.WebhookRetryBudget })},
		{Setting{"ws-flush-interval", "LIGHTWATCH_WS_FLUSH_INTERVAL", "20ms", "least time between two writes to one WebSocket client: on busy streams events gather into one frame, far fewer writes for at most this much latency; 0 writes each at once"},
			nonNegativeDuration(func(c *Config) *time.Duration { return &c.WSFlushInterval })},
		{Setting{"shutdown-timeout", "LIGHTWATCH_SHUTDOWN_TIMEOUT", "30s", "how long SIGTERM waits for in-flight requests to finish"},
			duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
		{Setting{"webhook-allow", "LIGHTWATCH_WEBHOOK_ALLOW", "", "comma-separated host names, IP addresses and CIDR ranges webhooks may reach on any port; empty: webhooks reach only public addresses on ports 80 and 443"},
			func(c *Config, v string) error { c.WebhookAllow = splitList(v); return nil }},
		{Setting{"webhook-tenant-queue", "LIGHTWATCH_WEBHOOK_TENANT_QUEUE", "256", "webhook notifications of one tenant that may wait to be sent; more are dropped (and the alert says so)"},
			integer(func(c *Config) *int { return &c.WebhookTenantQueue })},
		{Setting{"webhook-tenant-in-flight", "LIGHTWATCH_WEBHOOK_TENANT_IN_FLIGHT", "8", "webhook notifications of one tenant being sent or retried at once (64 for all tenants together), so that one tenant's dead targets cannot hold up another's"},
			integer(func(c *Config) *int { return &c.WebhookTenantInFlight })},
		{Setting{"ws-max-conns-per-key", "LIGHTWATCH_WS_MAX_CONNS_PER_KEY", "100", "live WebSocket connections one API key may hold on one instance; more are answered 429 before the upgrade"},
			integer(func(c *Config) *int { return &c.WSMaxConnsPerKey })},
		{Setting{"ws-max-conns-per-tenant", "LIGHTWATCH_WS_MAX_CONNS_PER_TENANT", "1000", "live WebSocket connections one tenant's keys may hold together on one instance; more are answered 429 before the upgrade"},
			integer(func(c *Config) *int { return &c.WSMaxConnsPerTenant })},
		{Setting{"ws-handshake-rate", "LIGHTWATCH_WS_HANDSHAKE_RATE", "5", "WebSocket handshakes per second allowed per API key (bursts of 4 times as many), counted in Redis; more are answered 429; 0 turns the limit off"},
			integer(func(c *Config) *int { return &c.WSHandshakeRate })},
		{Setting{"ws-replay-max-age", "LIGHTWATCH_WS_REPLAY_MAX_AGE", "1h", "how far back a WebSocket client's since= cursor may replay; an older one starts that far back, after a reset message (reason replay_limit)"},
			duration(func(c *Config) *time.Duration { return &c.WSReplayMaxAge })},
		{Setting{"alert-rules-max", "LIGHTWATCH_ALERT_RULES_MAX", "200", "alert rules one tenant may have; creating more is answered 429; 0: no limit"},
			integer(func(c *Config) *int { return &c.AlertRulesMax })},
		{Setting{"alert-max-series", "LIGHTWATCH_ALERT_MAX_SERIES", "1000", "metric series one evaluation of a metric_threshold or anomaly rule may read; a rule matching more fails its evaluation (logged, counted in lightwatch_alert_evaluation_errors_total)"},
			integer(func(c *Config) *int { return &c.AlertMaxSeries })},
		{Setting{"alert-max-alerts-per-rule", "LIGHTWATCH_ALERT_MAX_ALERTS_PER_RULE", "100", "alerts one rule may hold open (one per series or service); past it the rest are not raised"},
			integer(func(c *Config) *int { return &c.AlertMaxAlertsPerRule })},
		{Setting{"secret-key", "LIGHTWATCH_SECRET_KEY", "", "server key (32 bytes as 64 hex digits or base64: openssl rand -hex 32) that encrypts webhook secrets at rest; the same on every instance; empty: generated into the data directory with the embedded store, none (secrets stored in plaintext, with a warning) with MongoDB"},
			str(func(c *Config) *string { return &c.SecretKey })},

		{Setting{"retention", "LIGHTWATCH_RETENTION", "7d", "how long events are kept, by their ts (e.g. 7d, 36h; 0 keeps them forever); older ones are dropped, and refused when they arrive"},
			retention(func(c *Config) *time.Duration { return &c.Retention })},
		{Setting{"retention-logs", "LIGHTWATCH_RETENTION_LOGS", "", "retention of log events; empty: LIGHTWATCH_RETENTION"},
			optionalRetention(func(c *Config) **time.Duration { return &c.RetentionLogs })},
		{Setting{"retention-metrics", "LIGHTWATCH_RETENTION_METRICS", "", "retention of raw metric samples; empty: LIGHTWATCH_RETENTION"},
			optionalRetention(func(c *Config) **time.Duration { return &c.RetentionMetrics })},
		{Setting{"retention-security", "LIGHTWATCH_RETENTION_SECURITY", "", "retention of security events; empty: LIGHTWATCH_RETENTION"},
			optionalRetention(func(c *Config) **time.Duration { return &c.RetentionSecurity })},
		{Setting{"retention-heartbeats", "LIGHTWATCH_RETENTION_HEARTBEATS", "", "retention of heartbeats; empty: LIGHTWATCH_RETENTION"},
			optionalRetention(func(c *Config) **time.Duration { return &c.RetentionHeartbeats })},
		{Setting{"retention-rollups", "LIGHTWATCH_RETENTION_ROLLUPS", "90d", "retention of the per-minute metric rollups that metric queries read"},
			retention(func(c *Config) *time.Duration { return &c.RetentionRollups })},
		{Setting{"max-disk", "LIGHTWATCH_MAX_DISK", "", "embedded store: size its database may reach (e.g. 50GiB, 500MB); past it the oldest logs are dropped first, never the newest minutes; empty: no cap"},
			byteSize(func(c *Config) *int64 { return &c.MaxDisk })},
		// Hardening limits: docs/security.md explains each.
		{Setting{"query-timeout", "LIGHTWATCH_QUERY_TIMEOUT", "15s", "longest one query API or alerting read may take; past it the request is answered 503 with Retry-After"},
			duration(func(c *Config) *time.Duration { return &c.QueryTimeout })},
		{Setting{"query-concurrency", "LIGHTWATCH_QUERY_CONCURRENCY", "2", "query API reads one tenant may run at once; more wait (within the query timeout) so that one tenant cannot take every store connection"},
			positive(func(c *Config) *int { return &c.QueryConcurrency })},
		{Setting{"read-header-timeout", "LIGHTWATCH_READ_HEADER_TIMEOUT", "10s", "longest a client may take to send a request's headers (slow clients are cut off)"},
			duration(func(c *Config) *time.Duration { return &c.ReadHeaderTimeout })},
		{Setting{"body-timeout", "LIGHTWATCH_BODY_TIMEOUT", "60s", "longest a client may take to send a request body (not WebSockets)"},
			duration(func(c *Config) *time.Duration { return &c.BodyTimeout })},
		{Setting{"response-timeout", "LIGHTWATCH_RESPONSE_TIMEOUT", "60s", "longest one HTTP request may take until its response is written, for clients that do not read it (not WebSockets)"},
			duration(func(c *Config) *time.Duration { return &c.ResponseTimeout })},
		{Setting{"auth-failure-limit", "LIGHTWATCH_AUTH_FAILURE_LIMIT", "60", "failed authentications one client address may make per minute; beyond it, keys this process does not already know are answered 429; 0: no limit"},
			integer(func(c *Config) *int { return &c.AuthFailureLimit })},
		// Per-request cost and live path (issue 16).
		{Setting{"rate-limit-sync", "LIGHTWATCH_RATE_LIMIT_SYNC", "0", "with a Redis URL: 0 asks Redis on every request (exact across instances); a duration counts locally and exchanges the counts through Redis that often (instances may together exceed a key's limit by (instances-1) x (burst + rate x this) around a sync). The embedded default counts in process"},
			nonNegativeDuration(func(c *Config) *time.Duration { return &c.RateLimitSync })},
	}
}

// ParseRetention parses a retention: a Go duration, optionally led by whole
// days ("7d", "1d12h", "36h"); "0" keeps forever.
func ParseRetention(v string) (time.Duration, error) {
	days, rest, hasDays := strings.Cut(v, "d")
	var d time.Duration
	if hasDays {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("%q: want whole days before d, as in 7d", v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		rest = v
	}
	if rest != "" {
		x, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("%q: want a duration such as 7d, 36h or 0", v)
		}
		d += x
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is negative", v)
	}
	return d, nil
}

func retention(f func(c *Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := ParseRetention(v)
		*f(c) = d
		return err
	}
}

func optionalRetention(f func(c *Config) **time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			*f(c) = nil
			return nil
		}
		d, err := ParseRetention(v)
		*f(c) = &d
		return err
	}
}

// byteUnits are the size suffixes ParseBytes accepts, longest first.
var byteUnits = []struct {
	suffix string
	n      float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// ParseBytes parses a size such as 50GiB, 500MB or 1.5TB ("0": none).
func ParseBytes(v string) (int64, error) {
	num, mult := v, 1.0
	for _, u := range byteUnits {
		if x, ok := strings.CutSuffix(v, u.suffix); ok {
			num, mult = strings.TrimSpace(x), u.n
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*mult > 1<<62 {
		return 0, fmt.Errorf("%q: want a size such as 50GiB or 500MB", v)
	}
	return int64(f * mult), nil
}

func byteSize(f func(c *Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			*f(c) = 0
			return nil
		}
		n, err := ParseBytes(v)
		*f(c) = n
		return err
	}
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Settings lists every setting, in the order of the README's table.
func Settings() []Setting {
	var out []Setting
	for _, s := range settings() {
		out = append(out, s.Setting)
	}
	return out
}

// Load parses args (without the program name) over the environment given by getenv.
func Load(name string, args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(usage)
	all := settings()
	for _, s := range all {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		if err := s.set(&c, def); err != nil {
			return Config{}, fmt.Errorf("%s: %w", s.Env, err)
		}
		fs.Func(s.Flag, fmt.Sprintf("%s (env %s, default %q)", s.Usage, s.Env, s.Default), func(v string) error {
			return s.set(&c, v)
		})
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Default stream lengths (see StreamLength).
const (
	StreamLengthRedis    = 100_000
	StreamLengthEmbedded = 10_000
)

// StreamLength is the MAXLEN of each stream: the configured one, or by default
// one that suits where the streams live. The embedded default keeps them in
// this process's memory, so there a tenth of a real server's length keeps
// memory down, at the price of a shorter history for resuming live clients.
func (c Config) StreamLength() int64 {
	switch {
	case c.StreamMaxLen > 0:
		return c.StreamMaxLen
	case c.RedisURL == "":
		return StreamLengthEmbedded
	}
	return StreamLengthRedis
}

// Logger builds the process logger the configuration asks for.
func (c Config) Logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel)) // validated by Load
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
