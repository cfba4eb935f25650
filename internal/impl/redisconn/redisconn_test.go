package redisconn_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var discard = slog.New(slog.DiscardHandler)

// roundTrip proves the client does real work, not only PING: a stream write
// and read is what Lightwatch uses Redis for.
func roundTrip(ctx context.Context, t *testing.T, client *redis.Client) {
	t.Helper()
	if err := client.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"k", "v"}}).Err(); err != nil {
		t.Fatalf("XADD: %v", err)
	}
	got, err := client.XRange(ctx, "s", "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE: %v", err)
	}
	if len(got) != 1 || got[0].Values["k"] != "v" {
		t.Fatalf("XRANGE = %+v, want one entry k=v", got)
	}
}

func TestConnectEmbeddedWhenURLEmpty(t *testing.T) {
	ctx := testContext(t)
	client, stop, err := redisconn.Connect(ctx, "", discard)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(stop)
	if addr := client.Options().Addr; !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("embedded server listens on %s, want loopback", addr)
	}
	roundTrip(ctx, t, client)

	addr := client.Options().Addr
	stop()
	stop() // idempotent
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("embedded server at %s still accepts connections after stop", addr)
	}
}

func TestConnectEmbeddedInstancesAreSeparate(t *testing.T) {
	ctx := testContext(t)
	a, stopA, err := redisconn.Connect(ctx, "", discard)
	if err != nil {
		t.Fatalf("Connect a: %v", err)
	}
	t.Cleanup(stopA)
	b, stopB, err := redisconn.Connect(ctx, "", discard)
	if err != nil {
		t.Fatalf("Connect b: %v", err)
	}
	t.Cleanup(stopB)
	if err := a.Set(ctx, "k", "a", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	if n := b.Exists(ctx, "k").Val(); n != 0 {
		t.Fatalf("key written through a is visible through b")
	}
}

func TestConnectURL(t *testing.T) {
	ctx := testContext(t)
	client, stop, err := redisconn.Connect(ctx, redistest.Start(t), discard)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(stop)
	roundTrip(ctx, t, client)
	stop()
	if err := client.Ping(ctx).Err(); err == nil {
		t.Error("PING after stop succeeded, want the client closed")
	}
}

func TestConnectURLErrors(t *testing.T) {
	ctx := testContext(t)
	// A port nothing listens on: bind one, then release it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name, url, want string
	}{
		{"bad scheme", "http://127.0.0.1:6379", "parse redis URL"},
		{"bad db", "redis://127.0.0.1:6379/x", "parse redis URL"},
		{"unparsable keeps password secret", "redis://u:s3cret@127.0.0.1:bad/0", "parse redis URL"},
		{"unreachable", "redis://u:s3cret@" + deadAddr + "/0", "connect to redis at " + deadAddr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, stop, err := redisconn.Connect(ctx, tc.url, discard)
			if err == nil {
				stop()
				t.Fatalf("Connect(%q) = %v, want an error", tc.url, client)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestConnectURLHonoursContext(t *testing.T) {
	// A listener that accepts but never answers: only the context ends the PING.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()

	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = redisconn.Connect(ctx, "redis://"+l.Addr().String()+"/0", discard)
	if err == nil {
		t.Fatal("Connect to a silent server succeeded")
	}
	// Below go-redis's 3 s default ReadTimeout, which is what bounds the call
	// when the client ignores the context.
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Connect took %s, want it bounded by the context", took)
	}
}

// TestEmbeddedExpiresKeys guards the TTL ageing that miniredis lacks: rate
// limit counters and other EX keys must go away in the default setup too.
func TestEmbeddedExpiresKeys(t *testing.T) {
	ctx := testContext(t)
	client, stop, err := redisconn.Connect(ctx, "", discard)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(stop)
	if err := client.Set(ctx, "short", "v", 100*time.Millisecond).Err(); err != nil {
		t.Fatalf("SET PX: %v", err)
	}
	if err := client.Set(ctx, "long", "v", time.Hour).Err(); err != nil {
		t.Fatalf("SET EX: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for client.Exists(ctx, "short").Val() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a key with a 100ms TTL still exists after 5s")
		}
		<-tick.C
	}
	if client.Exists(ctx, "long").Val() != 1 {
		t.Fatal("a key with a 1h TTL expired too")
	}
}

// A read blocked forever on a Blocking connection returns once its context
// is done: the connection's client is woken with CLIENT UNBLOCK.
func TestBlockingReadEndsWithItsContext(t *testing.T) {
	client, stop, err := redisconn.Connect(testContext(t), redistest.Start(t), discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	// No deadline: only the cancellation can end the read.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn, release := redisconn.Blocking(ctx, client)
	defer release()
	done := make(chan error, 1)
	go func() {
		_, err := conn.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 0}).Result() // BLOCK 0: forever
		done <- err
	}()
	// Cancel only once the read is blocked in Redis.
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := client.Info(testContext(t), "clients").Result()
		if err == nil && strings.Contains(n, "blocked_clients:1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read never blocked: %v %q", err, n)
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the blocked read did not return after its context was cancelled")
	}
}
