// Package ratelimit limits requests per key (for example per tenant or API
// key) with counters kept in Redis, so that several ingest instances behind a
// load balancer enforce one shared limit instead of one limit each.
//
// It wraps github.com/go-redis/redis_rate (GCRA in one Lua script, atomic in
// Redis, one round trip per call) rather than hand-written Lua. The script
// reads Redis's TIME, so instances with skewed clocks still agree.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
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
// asking Redis; callers use it to leave out rate-limit response headers.
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

// Limiter applies one Limit to any number of keys. It is safe for concurrent
// use, and Limiters on different processes that share a Redis and a Limit
// share their counters.
type Limiter struct {
	rl    *redis_rate.Limiter
	limit redis_rate.Limit
}

// New returns a Limiter for limit. client may be nil when limit is
// unlimited, since no Redis call is then made.
func New(client *redis.Client, limit Limit) (*Limiter, error) {
	if err := limit.validate(); err != nil {
		return nil, fmt.Errorf("ratelimit: invalid limit: %w", err)
	}
	if limit.Unlimited() {
		return &Limiter{}, nil
	}
	if client == nil {
		return nil, errors.New("ratelimit: a limited Limiter needs a Redis client")
	}
	return &Limiter{
		rl:    redis_rate.NewLimiter(client),
		limit: redis_rate.Limit{Rate: limit.Rate, Burst: limit.Burst, Period: limit.Period},
	}, nil
}

// Allow counts one request against key and says whether it may proceed.
// Keys are stored in Redis as "rate:" + key; callers namespace them (e.g.
// "ingest:" + tenant) so different limits never share a counter.
//
// An error means Redis could not be asked; whether to fail open or closed is
// the caller's policy.
func (l *Limiter) Allow(ctx context.Context, key string) (Decision, error) {
	if l.rl == nil {
		return Decision{Allowed: true, Remaining: -1}, nil
	}
	res, err := l.rl.Allow(ctx, key, l.limit)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: allow %q: %w", key, err)
	}
	d := Decision{Allowed: res.Allowed > 0, Remaining: res.Remaining}
	if !d.Allowed {
		d.RetryAfter = max(res.RetryAfter, 0)
	}
	return d, nil
}
