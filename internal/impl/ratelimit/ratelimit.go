// Package ratelimit limits requests per key (for example per tenant or API
// key) with GCRA, the generic cell rate algorithm: each key keeps one
// timestamp, its theoretical arrival time (TAT).
//
// A Limiter counts in one of three modes, chosen by Options:
//
//   - In process (no Redis client): every Allow is decided from a bucket in
//     memory, with no round trip. The embedded default (one instance).
//   - Per request (a Redis client, SyncInterval 0): every Allow asks Redis
//     (go-redis/redis_rate): exact across instances, one round trip per
//     request. What Lightwatch uses with a Redis URL unless
//     LIGHTWATCH_RATE_LIMIT_SYNC is set.
//   - Synced, OPT-IN (a Redis client and SyncInterval > 0): decided locally
//     like the in-process mode, and the buckets are exchanged with Redis every
//     SyncInterval (Run). It is not the default because
//     TestAlertingTwoInstancesNoDuplicates failed with it on, for a cause not
//     yet found (docs/speed.md).
//
// In the synced mode each sync adds the requests this instance admitted since
// the last one to the key's shared TAT (a Lua script, atomic in Redis, reading
// Redis's TIME so that skewed clocks agree) and takes the shared TAT back. The
// shared value uses the format and key ("rate:" + key) of
// github.com/go-redis/redis_rate, so the two Redis modes share state. A key an
// instance has not seen lately is first read from Redis, once, so that a new
// instance or a tenant moving between instances starts from the shared state
// rather than a whole budget.
//
// Tolerance of the synced mode: between two syncs an instance decides from
// what it last knew, so N instances together can admit up to
// (N-1) × (Burst + Rate × SyncInterval) more than the limit would allow in the
// window around one sync. Every admitted request still reaches the shared
// TAT, so the excess is paid back afterwards and over time the shared rate
// holds exactly. With one instance (or none sharing Redis) the limit is exact.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limit allows Rate requests per Period on average, and up to Burst at once.
// The zero Limit (Rate 0) means unlimited.
type Limit struct {
	Rate   int
	Burst  int
	Period time.Duration
}

// Unlimited reports whether the limit lets everything through without
// counting; callers use it to leave out rate-limit response headers.
func (l Limit) Unlimited() bool { return l.Rate == 0 }

func (l Limit) validate() error {
	switch {
	case l.Rate < 0:
		return fmt.Errorf("rate %d is negative", l.Rate)
	case l.Unlimited():
		return nil
	case l.Period <= 0:
		return fmt.Errorf("period %s must be positive", l.Period)
	case l.Burst < 1:
		// GCRA with burst 0 denies every request: always a configuration mistake.
		return fmt.Errorf("burst %d must be at least 1", l.Burst)
	}
	return nil
}

// emission is the time one request takes from the budget: Period/Rate.
func (l Limit) emission() time.Duration { return l.Period / time.Duration(l.Rate) }

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed bool
	// RetryAfter is how long to wait before the next request can be allowed;
	// 0 when Allowed. It feeds the Retry-After header.
	RetryAfter time.Duration
	// Remaining is how many more requests would be allowed right now; -1 when
	// the limit is unlimited.
	Remaining int
}

// Options configure a Limiter.
type Options struct {
	// Redis, when not nil, shares the limit with every Limiter using the same
	// Redis and Limit. nil keeps the counts in this process only.
	Redis *redis.Client
	// SyncInterval, when > 0 with a Redis client, turns on the opt-in synced
	// mode: local counts exchanged with Redis this often (Run does it). 0
	// with a Redis client asks Redis on every request.
	SyncInterval time.Duration
}

// Limiter applies one Limit to any number of keys. It is safe for concurrent
// use.
type Limiter struct {
	limit Limit
	local *buckets            // nil when unlimited or in per-request mode
	exact *redis_rate.Limiter // per-request mode: SyncInterval 0 with Redis
	sync  *syncer             // nil without Redis
}

// New returns a Limiter for limit. Call Run when opts.Redis and
// opts.SyncInterval are set.
func New(limit Limit, opts Options) (*Limiter, error) {
	if err := limit.validate(); err != nil {
		return nil, fmt.Errorf("ratelimit: invalid limit: %w", err)
	}
	if opts.SyncInterval < 0 {
		return nil, fmt.Errorf("ratelimit: sync interval %s is negative", opts.SyncInterval)
	}
	l := &Limiter{limit: limit}
	switch {
	case limit.Unlimited():
	case opts.Redis != nil && opts.SyncInterval == 0:
		l.exact = redis_rate.NewLimiter(opts.Redis)
	default:
		l.local = newBuckets(limit)
		if opts.Redis != nil {
			l.sync = &syncer{client: opts.Redis, interval: opts.SyncInterval, buckets: l.local,
				em: strconv.FormatFloat(l.local.emission.Seconds(), 'f', -1, 64)}
		}
	}
	return l, nil
}

// Allow counts one request against key and says whether it may proceed.
// Callers namespace keys (e.g. "ingest:" + tenant) so different limits never
// share a counter.
//
// An error means Redis could not be asked, which only happens when Redis is
// asked on every request (SyncInterval 0); whether to fail open or closed is
// then the caller's policy. Local-first limiters never fail: while Redis is
// away each instance keeps limiting on its own.
func (l *Limiter) Allow(ctx context.Context, key string) (Decision, error) {
	switch {
	case l.local != nil:
		if l.sync != nil && !l.local.known(key) {
			l.sync.learn(ctx, key)
		}
		return l.local.allow(key, time.Now()), nil
	case l.exact != nil:
		res, err := l.exact.Allow(ctx, key, redis_rate.Limit{Rate: l.limit.Rate, Burst: l.limit.Burst, Period: l.limit.Period})
		if err != nil {
			return Decision{}, fmt.Errorf("ratelimit: allow %q: %w", key, err)
		}
		d := Decision{Allowed: res.Allowed > 0, Remaining: res.Remaining}
		if !d.Allowed {
			d.RetryAfter = max(res.RetryAfter, 0)
		}
		return d, nil
	}
	return Decision{Allowed: true, Remaining: -1}, nil
}

// Run synchronises the local buckets with Redis every SyncInterval until ctx
// is done, then once more so that the last counts are not lost. It returns at
// once when there is nothing to synchronise. Failed syncs are passed to
// onError (which may be nil) and retried at the next interval.
func (l *Limiter) Run(ctx context.Context, onError func(error)) {
	if l.sync == nil {
		return
	}
	l.sync.run(ctx, onError)
}

// Sync exchanges the local counts with Redis now: it adds what this instance
// admitted since the last sync to the shared state and takes that state back.
// Run calls it every SyncInterval.
func (l *Limiter) Sync(ctx context.Context) error {
	if l.sync == nil {
		return nil
	}
	return l.sync.once(ctx)
}
