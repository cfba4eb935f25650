package alerting

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
)

// The lease scripts on a real Redis and on the embedded miniredis.
func TestLeases(t *testing.T) {
	for name, url := range map[string]string{"redis-server": redistest.Start(t), "miniredis": ""} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			client, stop, err := redisconn.Connect(ctx, url, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(stop)
			a := &leases{client: client, owner: "a", ttl: time.Minute}
			b := &leases{client: client, owner: "b", ttl: time.Minute}
			k1, k2 := RuleKey{"acme", "r1"}, RuleKey{"acme", "r2"}

			if got, err := a.acquire(ctx, []RuleKey{k1}, 1); err != nil || !got[0] {
				t.Fatalf("a acquires r1: %v %v", got, err)
			}
			if got, err := b.acquire(ctx, []RuleKey{k1, k2}, 2); err != nil || got[0] || !got[1] {
				t.Fatalf("b acquires r1, r2: %v %v; want r2 only", got, err)
			}
			if got, err := a.extend(ctx, []RuleKey{k1, k2}); err != nil || !got[0] || got[1] {
				t.Fatalf("a extends r1, r2: %v %v; want r1 only", got, err)
			}
			if err := b.release(ctx, []RuleKey{k1, k2}); err != nil {
				t.Fatal(err)
			}
			if owner, _ := client.Get(ctx, leaseKey(k1)).Result(); owner != "a" {
				t.Errorf("b's release took a's lease: owner %q", owner)
			}
			if n, _ := client.Exists(ctx, leaseKey(k2)).Result(); n != 0 {
				t.Error("b's release kept its own lease")
			}
			if ttl, _ := client.PTTL(ctx, leaseKey(k1)).Result(); ttl <= 0 || ttl > time.Minute {
				t.Errorf("lease ttl %v", ttl)
			}

			// acquire stops at its limit.
			k3, k4, k5 := RuleKey{"acme", "r3"}, RuleKey{"acme", "r4"}, RuleKey{"acme", "r5"}
			if got, err := b.acquire(ctx, []RuleKey{k1, k3, k4, k5}, 2); err != nil || got[0] || !got[1] || !got[2] || got[3] {
				t.Fatalf("b acquires 2 of r1, r3, r4, r5: %v %v; want r3 and r4", got, err)
			}

			// Instances alive: registered until their ttl, then forgotten.
			now := time.Now()
			if n, err := a.alive(ctx, now); err != nil || n != 1 {
				t.Fatalf("a alone: %d alive, %v", n, err)
			}
			if n, err := b.alive(ctx, now); err != nil || n != 2 {
				t.Fatalf("a and b: %d alive, %v", n, err)
			}
			if n, err := b.alive(ctx, now.Add(2*time.Minute)); err != nil || n != 1 {
				t.Fatalf("after a's ttl: %d alive, %v; want b alone", n, err)
			}
			if err := b.leave(ctx); err != nil {
				t.Fatal(err)
			}
			if n, _ := client.ZCard(ctx, instancesKey).Result(); n != 0 {
				t.Errorf("%d instances registered after b left, want 0", n)
			}
		})
	}
}
