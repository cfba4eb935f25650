// Package app assembles a Lightwatch process from its configuration: the store,
// Redis, the group committer, the stream forwarder and the HTTP surfaces. The
// binaries in cmd/ and the end-to-end tests use it alike.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/contract"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/groupcommit"
	"github.com/lightwatch/lightwatch/internal/impl/ingest"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/ratelimit"
	"github.com/lightwatch/lightwatch/internal/impl/realtime"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streamforward"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Surfaces selects what a process serves; cmd/lightwatch serves all of them.
type Surfaces struct {
	Ingest bool // /ingest/*
	API    bool // /api/*: the query API, its documents and Swagger UI
	// Realtime serves /ws/*: live events over WebSocket.
	Realtime bool
}

// App is one running Lightwatch process.
type App struct {
	cfg       config.Config
	logger    *slog.Logger
	metrics   *telemetry.Metrics
	store     store.Store
	ownsStore bool
	writers   int
	redis     *redis.Client
	stopRedis func()
	// log holds the event streams: in process when Redis is embedded
	// (this process is then their only reader and writer), Redis Streams
	// otherwise.
	log       streams.Streams
	committer *groupcommit.Committer
	forwarder *streamforward.Forwarder
	// repairSink is the forwarder once it exists: the MongoDB store's repairer
	// hands it the events of calls it completed (see mongo.Options.Repaired).
	repairSink atomic.Pointer[streamforward.Forwarder]
	handler    http.Handler
	authn      *apikey.Authenticator
	limiter    *ratelimit.Limiter
	readiness  *readiness

	realtimeRun      func(context.Context)
	realtimeShutdown func(context.Context)
	alertingRun      func(context.Context)
	alertingEdits    []func(*alerting.Options)
	realtimeEdits    []func(*realtime.Options)
	// secrets seals webhook secrets at rest; nil: stored in plaintext.
	secrets *secretbox.Box
}

// Option changes how New builds an App.
type Option func(*App)

// WithStore makes the App use s, with that many concurrent writers, instead
// of the store the configuration names; the caller keeps ownership of s.
// Tests use it to put a store under conditions (slow, failing) or on FerretDB.
func WithStore(s store.Store, writers int) Option {
	return func(a *App) { a.store, a.writers = s, writers }
}

// repaired publishes the events of a write the store completed after its
// caller gave up, as OnCommit does for a commit.
func (a *App) repaired(events []event.Event) {
	if f := a.repairSink.Load(); f != nil {
		f.Forward(events)
	}
}

// New opens the process's dependencies and builds its handler. out receives
// what a person starting the process must see (a generated key).
func New(ctx context.Context, cfg config.Config, surfaces Surfaces, logger *slog.Logger, out io.Writer, opts ...Option) (_ *App, err error) {
	a := &App{cfg: cfg, logger: logger, metrics: telemetry.New()}
	a.readiness = newReadiness(a.metrics.Registry)
	for _, o := range opts {
		o(a)
	}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.store == nil {
		if a.store, a.writers, err = openStore(ctx, cfg, a.repaired); err != nil {
			return nil, err
		}
		a.ownsStore = true
	}
	if a.redis, a.stopRedis, err = redisconn.Connect(ctx, cfg.RedisURL, logger); err != nil {
		return nil, fmt.Errorf("connect redis: %w", err)
	}
	if cfg.RedisURL == "" {
		a.log = streams.NewMemory()
	} else {
		a.log = streams.NewRedis(a.redis)
	}
	if a.secrets, err = openSecretBox(cfg, logger); err != nil {
		return nil, err
	}
	if err := ensureBootstrapKey(ctx, a.store, cfg.BootstrapKey, cfg.DataDir, cfg.MongoURI == "", out, logger); err != nil {
		return nil, err
	}
	a.forwarder = streamforward.New(stream.New(a.log, cfg.StreamLength()), 1024, a.metrics, logger)
	a.repairSink.Store(a.forwarder)
	a.committer = groupcommit.New(a.store, groupcommit.Options{
		MaxQueued: cfg.WriteQueue, MaxWait: cfg.WriteTimeout, Workers: a.writers,
		OnCommit: a.forwarder.Forward, Metrics: a.metrics, Logger: logger,
		Uncancelled: a.ownsStore && cfg.MongoURI == "", // the embedded SQLite store: see the option
		Supervisor:  supervise.Supervisor{Logger: logger, Panics: a.metrics.LoopPanics},
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", a.ready)
	if rep, ok := a.store.(store.StorageReporter); ok {
		a.metrics.Registry.MustRegister(storageCollector{rep})
	}
	mux.Handle("GET /metrics", a.metrics.Handler())
	// The embedded Redis is this process's alone: count in process, with no
	// round trip. A shared Redis is asked on every request, unless
	// RateLimitSync > 0 opts in to local counts synced that often.
	limOpts := ratelimit.Options{}
	if cfg.RedisURL != "" {
		limOpts = ratelimit.Options{Redis: a.redis, SyncInterval: cfg.RateLimitSync}
	}
	if a.limiter, err = ratelimit.New(ratelimit.Limit{Rate: cfg.RateLimit, Burst: cfg.RateBurst, Period: time.Second}, limOpts); err != nil {
		return nil, fmt.Errorf("rate limiter: %w", err)
	}
	a.authn = apikey.NewAuthenticator(a.store.KeyByHash, apikey.Options{
		TTL: 10 * time.Second, FailuresPerMinute: cfg.AuthFailureLimit,
	})
	if surfaces.Ingest {
		h, err := a.ingestHandler()
		if err != nil {
			return nil, err
		}
		mux.Handle("/ingest/", h)
		for _, prefix := range protocolPrefixes {
			mux.Handle(prefix, h)
		}
	}
	if surfaces.API {
		if err := a.apiHandler(mux); err != nil {
			return nil, err
		}
	}
	if surfaces.API && cfg.Alerting {
		if a.alertingRun, err = a.newAlerting(cfg.AlertInterval, cfg.WebhookRetryBudget, cfg.Anomaly); err != nil {
			return nil, err
		}
	}
	if surfaces.Realtime {
		if a.realtimeRun, a.realtimeShutdown, err = a.realtimeHandler(mux); err != nil {
			return nil, err
		}
	}
	a.handler = middleware.Chain(mux,
		middleware.Deadlines(cfg.BodyTimeout, cfg.ResponseTimeout),
		middleware.SecurityHeaders,
		middleware.ClientAddress,
		middleware.Recover(logger),
		middleware.RequestID,
		middleware.AccessLog(logger, a.metrics),
	)
	return a, nil
}

func (a *App) ingestHandler() (http.Handler, error) {
	spec, err := ingestapi.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load ingest spec: %w", err)
	}
	c, err := contract.New(spec)
	if err != nil {
		return nil, err
	}
	srv, err := ingest.New(c, a.committer, a.metrics, a.logger)
	if err != nil {
		return nil, err
	}
	r := storeRetention(a.cfg)
	for _, kind := range event.Kinds {
		srv.RefuseOlderThan(kind, r.For(kind))
	}
	inner := http.NewServeMux()
	ingestapi.HandlerWithOptions(
		a.withProtocols(srv, ingestapi.NewStrictHandlerWithOptions(nativeIngest{Server: srv}, nil, ingestapi.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  ingest.RequestError,
			ResponseErrorHandlerFunc: a.responseError,
		})),
		ingestapi.StdHTTPServerOptions{BaseRouter: inner, ErrorHandlerFunc: ingest.RequestError},
	)
	return a.guarded(c, inner, ingest.MaxBodyBytes, c.ValidateParams), nil
}

// guarded puts the chain every spec-served surface shares in front of h, in
// the README's order: the spec's operation, the key, its rate limit, the body
// caps, then the surface's own validation.
func (a *App) guarded(c *contract.Spec, h http.Handler, bodyLimit int64, validation ...middleware.Middleware) http.Handler {
	chain := []middleware.Middleware{
		c.Route,
		middleware.Auth(a.authn, contract.Scope, contract.AllowsBasic, a.logger),
		middleware.Query, // a malformed query string is a 400, not silently dropped pairs
		middleware.RateLimit(limiterAdapter{a.limiter}, a.metrics, a.logger),
		contract.ForBody(middleware.Body(bodyLimit)),
	}
	return middleware.Chain(h, append(chain, validation...)...)
}

func (a *App) responseError(w http.ResponseWriter, r *http.Request, err error) {
	a.logger.ErrorContext(r.Context(), "write response", "err", err, "request_id", middleware.InfoFrom(r.Context()).RequestID)
	problem.Write(w, r, problem.New(http.StatusInternalServerError, "internal error"))
}

// MaxHeaderBytes bounds a request's headers (net/http's default is 1 MiB):
// Lightwatch's requests carry a key and a few standard headers.
const MaxHeaderBytes = 64 << 10

// Store is the store the App writes to.
func (a *App) Store() store.Store { return a.store }

// Metrics are the App's Prometheus instruments.
func (a *App) Metrics() *telemetry.Metrics { return a.metrics }

// Handler is the process's whole HTTP surface.
func (a *App) Handler() http.Handler { return a.handler }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully: it
// stops accepting, lets in-flight requests finish (up to the shutdown timeout),
// writes what is still queued for the store and publishes what is queued for
// the streams.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.committer.Run(bg) })
	fwdCtx, stopFwd := context.WithCancel(context.WithoutCancel(ctx))
	var fwg sync.WaitGroup
	fwg.Go(func() { a.forwarder.Run(fwdCtx) })
	rtCtx, stopRT := context.WithCancel(context.WithoutCancel(ctx))
	var rtg sync.WaitGroup
	if a.realtimeRun != nil {
		rtg.Go(func() { a.realtimeRun(rtCtx) })
	}
	// Readiness is checked every second whether or not anyone asks, so that
	// /metrics (lightwatch_redis_up, lightwatch_alerting_active) and the log
	// tell of an outage as it starts.
	var probes sync.WaitGroup
	probes.Go(func() {
		t := time.NewTicker(readyTTL)
		defer t.Stop()
		for {
			a.checkReadiness(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	defer probes.Wait()
	limCtx, stopLim := context.WithCancel(context.WithoutCancel(ctx))
	var limg sync.WaitGroup
	limg.Go(func() { a.limiter.Run(limCtx, a.rateSyncFailed()) })
	alCtx, stopAlerting := context.WithCancel(context.WithoutCancel(ctx))
	var alg sync.WaitGroup
	if a.alertingRun != nil {
		alg.Go(func() { a.alertingRun(alCtx) })
	}

	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: a.cfg.ReadHeaderTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.logger.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if a.realtimeShutdown != nil { // http.Server.Shutdown neither closes nor waits for upgraded connections
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
		a.realtimeShutdown(sctx)
		cancel()
	}
	stopAlerting() // releases rule leases: another instance takes over at once
	alg.Wait()
	stopRT()
	rtg.Wait()
	stopBG()
	wg.Wait() // the committer drains its queue first, then the forwarder publishes what it produced
	stopFwd()
	fwg.Wait()
	stopLim() // after the last request: its final sync carries every count
	limg.Wait()
	return err
}

// rateSyncFailed logs failed rate-limit syncs, at most one line per
// syncLogEvery: while Redis is down every sync fails.
func (a *App) rateSyncFailed() func(error) {
	var last time.Time
	return func(err error) {
		if now := time.Now(); now.Sub(last) >= syncLogEvery {
			last = now
			a.logger.Warn("rate limit: sync with redis failed; each instance limits on its own until it works again", "err", err)
		}
	}
}

// syncLogEvery spaces out the warnings of a failing rate-limit sync.
const syncLogEvery = 10 * time.Second

// Close releases the store and Redis.
func (a *App) Close() {
	if a.stopRedis != nil {
		a.stopRedis()
	}
	if a.store != nil && a.ownsStore {
		if err := a.store.Close(); err != nil {
			a.logger.Error("close store", "err", err)
		}
	}
}

// limiterAdapter adapts ratelimit.Limiter to the middleware's Limiter.
type limiterAdapter struct{ l *ratelimit.Limiter }

func (la limiterAdapter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	d, err := la.l.Allow(ctx, key)
	return d.Allowed, d.RetryAfter, err
}

// SecretKeyFile is where the embedded default keeps its generated
// LIGHTWATCH_SECRET_KEY, inside the data directory, readable by its owner only.
const SecretKeyFile = "secret-key"

// openSecretBox returns the box that seals webhook secrets: under the
// configured key, or (embedded store) one generated into the data
// directory; with MongoDB and no key, none, with a warning: instances must
// share the key, so none is made up.
func openSecretBox(cfg config.Config, logger *slog.Logger) (*secretbox.Box, error) {
	var key []byte
	var err error
	switch {
	case cfg.SecretKey != "":
		key, err = secretbox.ParseKey(cfg.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("LIGHTWATCH_SECRET_KEY: %w", err)
		}
	case cfg.MongoURI == "":
		if key, err = secretbox.LoadOrCreate(filepath.Join(cfg.DataDir, SecretKeyFile)); err != nil {
			return nil, err
		}
	default:
		logger.Warn("LIGHTWATCH_SECRET_KEY is not set: webhook secrets are stored in plaintext")
		return nil, nil
	}
	return secretbox.New(key)
}
