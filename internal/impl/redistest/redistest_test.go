package redistest_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redistest"
)

func TestStartAnswersAndStopKills(t *testing.T) {
	s := redistest.StartServer(t)
	opts, err := redis.ParseURL(s.URL)
	if err != nil {
		t.Fatalf("parse %q: %v", s.URL, err)
	}
	opts.MaxRetries = -1
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatalf("ping a started server: %v", err)
	}

	s.Stop()
	s.Stop() // idempotent: the cleanup calls it again
	if err := client.Ping(ctx).Err(); err == nil {
		t.Fatal("ping after Stop succeeded, want an error")
	}
}

func TestStartGivesEachCallItsOwnServer(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	if a == b {
		t.Fatalf("two servers share the URL %s", a)
	}
}

// A failover through SENTINEL FAILOVER promotes the replica, and data written
// before it (and synced) is on the new master.
func TestSentinelGroupFailsOver(t *testing.T) {
	g := redistest.StartSentinelGroup(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := g.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: first.Addr})
	defer c.Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(ctx, 1, 5*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	g.Failover(t)
	second, err := g.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatalf("master is still %s after the failover", first.Addr)
	}
	c2 := redis.NewClient(&redis.Options{Addr: second.Addr})
	defer c2.Close()
	if v, err := c2.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET k on the new master = %q, %v", v, err)
	}
}
