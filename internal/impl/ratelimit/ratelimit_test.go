package ratelimit_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/ratelimit"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
)

// One request a minute with a burst of 3: a test finishes long before a token
// comes back, so the fourth request is denied without any sleeping.
var slow = ratelimit.Limit{Rate: 1, Burst: 3, Period: time.Minute}

// backends runs a test against a real redis-server and against the embedded
// miniredis, which must behave the same for the limiter to be usable in the
// default setup. Each call of newClient returns another connection pool to
// the same server, as two ingest instances would have.
func backends(t *testing.T, test func(t *testing.T, newClient func() *redis.Client)) {
	for name, url := range map[string]func(t *testing.T) string{
		"redis-server": func(t *testing.T) string { return redistest.Start(t) },
		"miniredis":    func(*testing.T) string { return "" },
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
			defer cancel()
			first, stop, err := redisconn.Connect(ctx, url(t), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			t.Cleanup(stop)
			used := false
			test(t, func() *redis.Client {
				if !used {
					used = true
					return first
				}
				c := redis.NewClient(first.Options())
				t.Cleanup(func() { _ = c.Close() })
				return c
			})
		})
	}
}

func newLimiter(t *testing.T, client *redis.Client, limit ratelimit.Limit) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(client, limit)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return l
}

func allow(t *testing.T, l *ratelimit.Limiter, key string) ratelimit.Decision {
	t.Helper()
	d, err := l.Allow(t.Context(), key)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	return d
}

func TestBurstThenDeny(t *testing.T) {
	backends(t, func(t *testing.T, newClient func() *redis.Client) {
		l := newLimiter(t, newClient(), slow)
		for i, wantRemaining := range []int{2, 1, 0} {
			d := allow(t, l, "tenant-a")
			if !d.Allowed || d.RetryAfter != 0 || d.Remaining != wantRemaining {
				t.Fatalf("request %d = %+v, want allowed with %d remaining", i+1, d, wantRemaining)
			}
		}
		d := allow(t, l, "tenant-a")
		if d.Allowed || d.Remaining != 0 {
			t.Fatalf("request 4 = %+v, want denied with 0 remaining", d)
		}
		// The next token is one emission interval (Period/Rate) away.
		if d.RetryAfter <= 50*time.Second || d.RetryAfter > time.Minute {
			t.Fatalf("RetryAfter = %s, want just under 1m", d.RetryAfter)
		}
	})
}

func TestKeysAreIndependent(t *testing.T) {
	backends(t, func(t *testing.T, newClient func() *redis.Client) {
		l := newLimiter(t, newClient(), slow)
		for range slow.Burst + 1 {
			allow(t, l, "tenant-a")
		}
		if d := allow(t, l, "tenant-a"); d.Allowed {
			t.Fatal("tenant-a not limited after its burst")
		}
		if d := allow(t, l, "tenant-b"); !d.Allowed || d.Remaining != slow.Burst-1 {
			t.Fatalf("tenant-b = %+v, want allowed with a full burst", d)
		}
	})
}

// TestInstancesShareCounter is why the counters live in Redis: two ingest
// instances, each with its own client and Limiter, enforce one limit.
func TestInstancesShareCounter(t *testing.T) {
	backends(t, func(t *testing.T, newClient func() *redis.Client) {
		a := newLimiter(t, newClient(), slow)
		b := newLimiter(t, newClient(), slow)
		allowed := 0
		for i := range 2 * slow.Burst {
			l := a
			if i%2 == 1 {
				l = b
			}
			if allow(t, l, "tenant-a").Allowed {
				allowed++
			}
		}
		if allowed != slow.Burst {
			t.Fatalf("two instances allowed %d requests together, want the shared burst %d", allowed, slow.Burst)
		}
	})
}

// TestConcurrentCallsNeverOverAdmit proves the check-and-count is atomic.
func TestConcurrentCallsNeverOverAdmit(t *testing.T) {
	backends(t, func(t *testing.T, newClient func() *redis.Client) {
		limit := ratelimit.Limit{Rate: 1, Burst: 10, Period: time.Hour}
		l := newLimiter(t, newClient(), limit)
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			allowed int
		)
		for range 8 {
			wg.Go(func() {
				for range 10 {
					d, err := l.Allow(t.Context(), "tenant-a")
					if err != nil {
						t.Errorf("Allow: %v", err)
						return
					}
					if d.Allowed {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if allowed != limit.Burst {
			t.Fatalf("80 concurrent requests: %d allowed, want exactly %d", allowed, limit.Burst)
		}
	})
}

func TestUnlimitedMakesNoRedisCall(t *testing.T) {
	l := newLimiter(t, nil, ratelimit.Limit{}) // a nil client would panic if used
	for range 1000 {
		if d := allow(t, l, "tenant-a"); !d.Allowed || d.Remaining != -1 || d.RetryAfter != 0 {
			t.Fatalf("unlimited = %+v, want allowed, Remaining -1", d)
		}
	}
}

func TestNewRejectsBadLimits(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	t.Cleanup(func() { _ = client.Close() })
	for _, tc := range []struct {
		name   string
		client *redis.Client
		limit  ratelimit.Limit
		want   string
	}{
		{"negative rate", client, ratelimit.Limit{Rate: -1}, "rate -1 is negative"},
		{"no period", client, ratelimit.Limit{Rate: 5, Burst: 5}, "period 0s must be positive"},
		{"no burst", client, ratelimit.Limit{Rate: 5, Period: time.Second}, "burst 0 must be at least 1"},
		{"no client", nil, ratelimit.Limit{Rate: 5, Burst: 5, Period: time.Second}, "needs a Redis client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratelimit.New(tc.client, tc.limit)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%+v) = %v, want an error mentioning %q", tc.limit, err, tc.want)
			}
		})
	}
}

func TestAllowFailsWhenRedisIsDown(t *testing.T) {
	srv := redistest.StartServer(t)
	client, stop, err := redisconn.Connect(t.Context(), srv.URL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(stop)
	l := newLimiter(t, client, slow)
	allow(t, l, "tenant-a")

	srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := l.Allow(ctx, "tenant-a"); err == nil || !strings.Contains(err.Error(), `ratelimit: allow "tenant-a"`) {
		t.Fatalf("Allow with Redis down = %v, want a wrapped error", err)
	}
}
