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
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

// One request a minute with a burst of 3: a test finishes long before a token
// comes back, so the fourth request is denied without any sleeping.
var slow = ratelimit.Limit{Rate: 1, Burst: 3, Period: time.Minute}

// modes runs a test against every way a Limiter counts: in this process
// only (the embedded default), local first and synced with a real
// redis-server, and asking redis-server (or the embedded miniredis) on every
// request. newLimiter returns a Limiter of another instance each call, on
// the same Redis.
func modes(t *testing.T, test func(t *testing.T, newLimiter func(ratelimit.Limit) *ratelimit.Limiter)) {
	for name, mk := range map[string]func(t *testing.T) ratelimit.Options{
		"local": func(*testing.T) ratelimit.Options { return ratelimit.Options{} },
		"redis-server synced": func(t *testing.T) ratelimit.Options {
			return ratelimit.Options{Redis: connect(t, redistest.Start(t)), SyncInterval: time.Hour} // synced by hand
		},
		"redis-server per request": func(t *testing.T) ratelimit.Options {
			return ratelimit.Options{Redis: connect(t, redistest.Start(t))}
		},
		"miniredis per request": func(t *testing.T) ratelimit.Options {
			return ratelimit.Options{Redis: connect(t, "")}
		},
	} {
		t.Run(name, func(t *testing.T) {
			opts := mk(t)
			test(t, func(limit ratelimit.Limit) *ratelimit.Limiter {
				o := opts
				if o.Redis != nil { // another instance: a pool of its own
					o.Redis = redis.NewClient(opts.Redis.Options())
					t.Cleanup(func() { _ = o.Redis.Close() })
				}
				return newLimiter(t, limit, o)
			})
		})
	}
}

func connect(t *testing.T, url string) *redis.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	client, stop, err := redisconn.Connect(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(stop)
	return client
}

func newLimiter(t *testing.T, limit ratelimit.Limit, opts ratelimit.Options) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(limit, opts)
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

func sync_(t *testing.T, ls ...*ratelimit.Limiter) {
	t.Helper()
	for _, l := range ls {
		if err := l.Sync(t.Context()); err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
}

func TestBurstThenDeny(t *testing.T) {
	modes(t, func(t *testing.T, newLimiter func(ratelimit.Limit) *ratelimit.Limiter) {
		l := newLimiter(slow)
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
		sync_(t, l) // a sync changes nothing for a single instance
		if d := allow(t, l, "tenant-a"); d.Allowed {
			t.Fatalf("request 5 after a sync = %+v, want denied", d)
		}
	})
}

func TestKeysAreIndependent(t *testing.T) {
	modes(t, func(t *testing.T, newLimiter func(ratelimit.Limit) *ratelimit.Limiter) {
		l := newLimiter(slow)
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

// TestInstancesShareCounter is why the counters reach Redis: two ingest
// instances, each with its own client and Limiter, enforce one limit, once
// they have synced.
func TestInstancesShareCounter(t *testing.T) {
	modes(t, func(t *testing.T, newLimiter func(ratelimit.Limit) *ratelimit.Limiter) {
		if t.Name() == "TestInstancesShareCounter/local" {
			t.Skip("in-process limiters share nothing by design: the embedded default is one instance")
		}
		a, b := newLimiter(slow), newLimiter(slow)
		allowed := 0
		for range slow.Burst {
			if allow(t, a, "tenant-a").Allowed {
				allowed++
			}
		}
		sync_(t, a, b)
		for range slow.Burst {
			if allow(t, b, "tenant-a").Allowed {
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
	modes(t, func(t *testing.T, newLimiter func(ratelimit.Limit) *ratelimit.Limiter) {
		limit := ratelimit.Limit{Rate: 1, Burst: 10, Period: time.Hour}
		l := newLimiter(limit)
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

// TestSyncedInstancesStayWithinTolerance is the stated tolerance with two
// instances on one redis-server: between syncs each decides alone, so
// together they admit at most Burst + (N-1) × Burst here (no time passes at
// one request a minute), and once synced neither admits more.
func TestSyncedInstancesStayWithinTolerance(t *testing.T) {
	url := redistest.Start(t)
	limit := ratelimit.Limit{Rate: 1, Burst: 10, Period: time.Minute}
	a := newLimiter(t, limit, ratelimit.Options{Redis: connect(t, url), SyncInterval: time.Hour})
	b := newLimiter(t, limit, ratelimit.Options{Redis: connect(t, url), SyncInterval: time.Hour})
	total := 0
	for round := range 5 {
		admitted := 0
		for range 3 * limit.Burst {
			for _, l := range []*ratelimit.Limiter{a, b} {
				if allow(t, l, "tenant-a").Allowed {
					admitted++
				}
			}
		}
		sync_(t, a, b)
		if round > 0 && admitted > 0 {
			t.Fatalf("round %d: %d admitted after both instances synced an exhausted budget", round, admitted)
		}
		total += admitted
	}
	if want := limit.Burst + (2-1)*limit.Burst; total > want || total < limit.Burst {
		t.Fatalf("two instances admitted %d, want between the burst %d and the tolerance %d", total, limit.Burst, want)
	}
}

// TestRunSyncs shows the background sync at work: what one instance
// admits reaches the other within a few intervals, without a hand-made Sync.
func TestRunSyncs(t *testing.T) {
	url := redistest.Start(t)
	a := newLimiter(t, slow, ratelimit.Options{Redis: connect(t, url), SyncInterval: 10 * time.Millisecond})
	b := newLimiter(t, slow, ratelimit.Options{Redis: connect(t, url), SyncInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	for _, l := range []*ratelimit.Limiter{a, b} {
		wg.Go(func() { l.Run(ctx, func(err error) { t.Errorf("sync: %v", err) }) })
	}
	for range slow.Burst {
		if !allow(t, a, "tenant-a").Allowed {
			t.Fatal("a denied within its burst")
		}
	}
	// Only a's background sync can tell Redis; b then learns it by its own
	// sync of the key, which a's Redis state makes deny.
	testwait.Until(t, "a's counts to reach Redis", 10*time.Second, func() bool {
		n, err := connect(t, url).Exists(t.Context(), "rate:tenant-a").Result()
		return err == nil && n == 1
	})
	sync_(t, b)
	if d := allow(t, b, "tenant-a"); d.Allowed {
		t.Fatalf("b after a spent the shared burst = %+v, want denied", d)
	}
}

func TestUnlimitedNeedsNothing(t *testing.T) {
	l := newLimiter(t, ratelimit.Limit{}, ratelimit.Options{})
	for range 1000 {
		if d := allow(t, l, "tenant-a"); !d.Allowed || d.Remaining != -1 || d.RetryAfter != 0 {
			t.Fatalf("unlimited = %+v, want allowed, Remaining -1", d)
		}
	}
}

func TestNewRejectsBadLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit ratelimit.Limit
		opts  ratelimit.Options
		want  string
	}{
		{"negative rate", ratelimit.Limit{Rate: -1}, ratelimit.Options{}, "rate -1 is negative"},
		{"no period", ratelimit.Limit{Rate: 5, Burst: 5}, ratelimit.Options{}, "period 0s must be positive"},
		{"no burst", ratelimit.Limit{Rate: 5, Period: time.Second}, ratelimit.Options{}, "burst 0 must be at least 1"},
		{"negative sync", ratelimit.Limit{Rate: 5, Burst: 5, Period: time.Second}, ratelimit.Options{SyncInterval: -time.Second}, "sync interval -1s is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ratelimit.New(tc.limit, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%+v) = %v, want an error mentioning %q", tc.limit, err, tc.want)
			}
		})
	}
}

// With Redis down, a per-request limiter reports it; a synced one keeps
// limiting locally and its sync reports it.
func TestRedisDown(t *testing.T) {
	srv := redistest.StartServer(t)
	client := connect(t, srv.URL)
	exact := newLimiter(t, slow, ratelimit.Options{Redis: client})
	synced := newLimiter(t, slow, ratelimit.Options{Redis: client, SyncInterval: time.Hour})
	allow(t, exact, "tenant-a")
	allow(t, synced, "tenant-b")
	sync_(t, synced)

	srv.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := exact.Allow(ctx, "tenant-a"); err == nil || !strings.Contains(err.Error(), `ratelimit: allow "tenant-a"`) {
		t.Fatalf("Allow with Redis down = %v, want a wrapped error", err)
	}
	for i, want := range []bool{true, true, false} {
		if d := allow(t, synced, "tenant-b"); d.Allowed != want {
			t.Fatalf("synced request %d with Redis down = %+v, want allowed %v (local limit)", i+2, d, want)
		}
	}
	if err := synced.Sync(ctx); err == nil || !strings.Contains(err.Error(), "ratelimit: sync") {
		t.Fatalf("Sync with Redis down = %v, want a wrapped error", err)
	}
}
