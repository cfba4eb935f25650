package alerting

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/streams"

	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
)

// Store is what the engine reads and writes.
type Store interface {
	Reader
	store.Alerts
	store.Rules
}

// Deps are the engine's dependencies.
type Deps struct {
	Store Store
	// Redis holds the rule leases, the nudges (pub/sub) and handed-over
	// notifications.
	Redis *redis.Client
	// Streams are the event streams and stream:alerts: the in-process log
	// of the embedded default, or Redis Streams. nil: Redis Streams on Redis.
	Streams streams.Streams
	Logger  *slog.Logger // nil: discard
	// Registerer receives the engine's metrics; nil: a private registry.
	Registerer prometheus.Registerer
	// Sender delivers webhooks; nil: webhook.New(Options.Notify.Allow).
	Sender Sender
	// Secrets opens the webhook secrets the API sealed; nil: only plaintext.
	Secrets *secretbox.Box
	// Supervisor logs and counts panics in the engine's loops, evaluations
	// and deliveries, which it survives (a loop restarts, an evaluation or a
	// delivery is given up). The zero value only survives them.
	Supervisor supervise.Supervisor
}

// Options tune the engine; zero values are the defaults.
type Options struct {
	// Interval is how often every held rule is evaluated and leases are
	// renewed and sought. Default 500ms.
	Interval time.Duration
	// RuleRefresh is how often the rule set is reloaded from the store.
	// Default 2s.
	RuleRefresh time.Duration
	// LeaseTTL is how long a rule's lease lasts unless renewed: how long a
	// dead instance's rules wait for another. Default 5s; at least 3 Intervals.
	LeaseTTL time.Duration
	// EvalTimeout bounds one rule's evaluation, its store reads included
	// (LIGHTWATCH_QUERY_TIMEOUT). Default 30s.
	EvalTimeout time.Duration
	// ClaimIdle is how long an event stream entry may stay unacknowledged
	// by a consumer (which died) before another takes it over. Default 30s.
	ClaimIdle time.Duration
	// Workers is how many rules are evaluated at once. Default 4.
	Workers int
	// DisableAnomaly turns anomaly rules off (LIGHTWATCH_ANOMALY=off): they
	// never hold, so their open alerts resolve.
	DisableAnomaly bool
	// StreamMaxLen caps stream:alerts (MAXLEN ~). Default 100000.
	StreamMaxLen int64
	// SoleConsumer says no other engine reads the event streams and none
	// could take over this one's entries: the embedded Redis, which lives and
	// dies with this process. Entries are then read without acknowledgement
	// (XREADGROUP NOACK): the bookkeeping buys no recovery there, and on the
	// embedded Redis each acknowledged entry costs two searches of strings.
	SoleConsumer bool
	// InstanceID names this instance in leases and the consumer group.
	// Default: host name, process id and a random suffix.
	InstanceID string
	// Now is the clock of evaluations and alert times (not of leases, which
	// Redis times). Default time.Now; tests move it by hand.
	Now    func() time.Time
	Notify NotifyOptions
	// MaxSeries is the most metric series one evaluation of a rule may read;
	// a rule over more fails its evaluation, logged and counted. Default
	// 1000 (LIGHTWATCH_ALERT_MAX_SERIES).
	MaxSeries int
	// MaxAlertsPerRule bounds the alerts one rule holds open; past it the
	// rest are not raised. Default 100 (LIGHTWATCH_ALERT_MAX_ALERTS_PER_RULE).
	MaxAlertsPerRule int
}

// NotifyOptions tune webhook deliveries.
type NotifyOptions struct {
	// Budget bounds the time a notification is retried for. Default 5m.
	Budget time.Duration
	// RetryBase and RetryMax bound the exponential backoff between attempts
	// (full jitter: a uniform wait up to min(RetryMax, RetryBase·2^(n-1))).
	// Defaults 1s and 1m.
	RetryBase, RetryMax time.Duration
	// Queue is how many notifications may wait; more are dropped and
	// counted. Default 1024.
	Queue int
	// InFlight bounds attempts in progress, all tenants together. Default 64.
	InFlight int
	// TenantQueue is how many of one tenant's notifications may wait; more
	// are dropped and counted. Default 256 (LIGHTWATCH_WEBHOOK_TENANT_QUEUE).
	TenantQueue int
	// TenantInFlight bounds one tenant's deliveries in progress (retrying
	// ones included). Default 8 (LIGHTWATCH_WEBHOOK_TENANT_IN_FLIGHT).
	TenantInFlight int
	// BreakerFailures consecutive failed attempts to a target pause it for
	// BreakerCooldown. Defaults 5 and 30s.
	BreakerFailures int
	BreakerCooldown time.Duration
	// Allow is what the default Sender may connect to beyond public
	// addresses on ports 80 and 443 (LIGHTWATCH_WEBHOOK_ALLOW).
	Allow webhook.Policy
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Interval, 500*time.Millisecond)
	def(&o.RuleRefresh, 2*time.Second)
	def(&o.LeaseTTL, 5*time.Second)
	o.LeaseTTL = max(o.LeaseTTL, 3*o.Interval)
	def(&o.ClaimIdle, 30*time.Second)
	def(&o.EvalTimeout, 30*time.Second)
	def(&o.Notify.Budget, 5*time.Minute)
	def(&o.Notify.RetryBase, time.Second)
	def(&o.Notify.RetryMax, time.Minute)
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Notify.Queue <= 0 {
		o.Notify.Queue = 1024
	}
	if o.Notify.InFlight <= 0 {
		o.Notify.InFlight = 64
	}
	if o.Notify.TenantQueue <= 0 {
		o.Notify.TenantQueue = 256
	}
	if o.Notify.TenantInFlight <= 0 {
		o.Notify.TenantInFlight = 8
	}
	if o.Notify.BreakerFailures <= 0 {
		o.Notify.BreakerFailures = 5
	}
	def(&o.Notify.BreakerCooldown, 30*time.Second)
	if o.MaxSeries <= 0 {
		o.MaxSeries = 1000
	}
	if o.MaxAlertsPerRule <= 0 {
		o.MaxAlertsPerRule = 100
	}
	if o.StreamMaxLen <= 0 {
		o.StreamMaxLen = 100_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.InstanceID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.InstanceID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
}

// Engine evaluates alert rules. See the package documentation.
type Engine struct {
	store    Store
	redis    *redis.Client
	log      streams.Streams
	logger   *slog.Logger
	opts     Options
	metrics  *metrics
	rules    *rules
	cond     *conditions
	rec      *recorder
	leases   *leases
	notifier *notifier
	sv       supervise.Supervisor
	queue    *queue

	mu     sync.Mutex
	states map[RuleKey]*ruleState // rules whose lease this instance holds

	noteMu     sync.Mutex // serialises NotifyError updates
	refreshNow chan struct{}
	rounds     atomic.Int64 // ticks done, for tests to wait on

	logMu  sync.Mutex
	logged map[string]time.Time // failure → when last logged
}

// New builds an engine; Run starts it.
func New(deps Deps, opts Options) *Engine {
	opts.defaults()
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "alerting")
	reg := deps.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	sender := deps.Sender
	if sender == nil {
		sender = webhook.New(opts.Notify.Allow)
	}
	m := newMetrics(reg)
	if deps.Streams == nil {
		deps.Streams = streams.NewRedis(deps.Redis)
	}
	e := &Engine{
		store: deps.Store, redis: deps.Redis, log: deps.Streams, logger: logger, opts: opts, metrics: m,
		rules:      newRules(deps.Store, logger, m, deps.Secrets),
		cond:       &conditions{store: deps.Store, anomaly: !opts.DisableAnomaly, maxSeries: opts.MaxSeries},
		rec:        &recorder{store: deps.Store, log: deps.Streams, maxLen: opts.StreamMaxLen, metrics: m, logger: logger},
		leases:     &leases{client: deps.Redis, owner: opts.InstanceID, ttl: opts.LeaseTTL},
		queue:      newQueue(),
		states:     map[RuleKey]*ruleState{},
		refreshNow: make(chan struct{}, 1),
		logged:     map[string]time.Time{},
	}
	e.sv = deps.Supervisor
	if e.sv.Logger == nil {
		e.sv.Logger = logger
	}
	e.notifier = newNotifier(sender, opts.Notify, e.noteDelivery, m, logger)
	e.notifier.sv = e.sv
	return e
}

// InstanceID is the name this engine holds leases and consumes streams under.
func (e *Engine) InstanceID() string { return e.opts.InstanceID }

// Run evaluates rules until ctx is cancelled. It then finishes the
// evaluations in progress, releases its leases (so that another instance
// takes its rules over at once), hands the webhook deliveries not done over
// to the other instances (through Redis) and returns nil. Redis or store
// failures are logged, counted and retried; they never end Run.
func (e *Engine) Run(ctx context.Context) error {
	if err := e.rules.refresh(ctx); err != nil && ctx.Err() == nil {
		e.logger.ErrorContext(ctx, "load alert rules", "err", err)
	}
	var loops, eval sync.WaitGroup
	loops.Go(func() { e.sv.Loop(ctx, "alerting rule refresh", e.refreshLoop) })
	loops.Go(func() { e.sv.Loop(ctx, "alerting consumer", e.consumeLoop) })
	loops.Go(func() { e.sv.Loop(ctx, "alerting claimer", e.claimLoop) })
	loops.Go(func() { e.sv.Loop(ctx, "alerting subscriber", e.subscribeLoop) })
	eval.Go(func() { e.sv.Loop(ctx, "alerting ticker", e.tickLoop) })
	for range e.opts.Workers {
		eval.Go(func() { e.sv.Loop(ctx, "alerting worker", e.work) })
	}
	nctx, stopNotify := context.WithCancel(context.WithoutCancel(ctx))
	var notifyDone sync.WaitGroup
	notifyDone.Go(func() { e.sv.Loop(nctx, "webhook notifier", e.notifier.run) })

	<-ctx.Done()
	// Leases go first, as soon as no evaluation can write any more, so that
	// another instance takes over without waiting for the consumer's
	// blocking read to return.
	eval.Wait()
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	e.releaseAll(bg)
	stopNotify()
	notifyDone.Wait()
	e.handOver(bg, e.notifier.leftovers())
	loops.Wait()
	e.leaveGroup(bg)
	return nil
}

func (e *Engine) refreshLoop(ctx context.Context) {
	t := time.NewTicker(e.opts.RuleRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.refreshNow:
		}
		if err := e.rules.refresh(ctx); err != nil && ctx.Err() == nil {
			e.logger.WarnContext(ctx, "reload alert rules", "err", err)
		}
	}
}

// requestRefresh asks for a reload of the rule set soon.
func (e *Engine) requestRefresh() {
	select {
	case e.refreshNow <- struct{}{}:
	default:
	}
}

// tickLoop renews and seeks leases, then queues every held rule.
func (e *Engine) tickLoop(ctx context.Context) {
	t := time.NewTicker(e.opts.Interval)
	defer t.Stop()
	for {
		e.leaseRound(ctx)
		for _, k := range e.heldKeys() {
			e.queue.push(k)
		}
		e.adopt(ctx)
		e.rounds.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// work evaluates queued rules until ctx is cancelled. An evaluation under way
// is finished even so, within a bound, so that a stop never leaves an alert
// stored but not published.
func (e *Engine) work(ctx context.Context) {
	for {
		k, ok := e.queue.pop(ctx)
		if !ok {
			return
		}
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opts.EvalTimeout)
		e.sv.Recover("alerting evaluation", func() { e.evaluate(ectx, k) })
		cancel()
		e.queue.done(k)
	}
}
