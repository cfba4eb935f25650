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
