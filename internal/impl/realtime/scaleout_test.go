package realtime

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// Two instances against one Redis each deliver every event to their own
// clients: they read with plain XREAD, never a consumer group that would
// split the entries between them.
func TestEveryInstanceDeliversEverything(t *testing.T) {
	rdb := redisClient(t)
	a, b := newHarness(t, rdb, nil), newHarness(t, rdb, nil)
	clients := []*wsClient{a.dial("/ws/logs", acmeKey), a.dial("/ws/logs", acmeKey), b.dial("/ws/logs", acmeKey)}
	for _, c := range clients {
		c.expect(msgSubscribed)
	}
	events := logs("acme", "e", 300)
	a.publish(events...)
	for i, c := range clients {
		if got := c.eventsUntil("e-0299"); !slices.Equal(got, eventIDs(events)) {
			t.Errorf("client %d got %d events, want all %d", i, len(got), len(events))
		}
	}
	for _, name := range []string{stream.Logs, stream.Security, stream.Metrics, stream.Alerts} {
		groups, err := rdb.XInfoGroups(context.Background(), name).Result()
		if err != nil && !strings.Contains(err.Error(), "no such key") && !errors.Is(err, context.Canceled) {
			t.Fatalf("XINFO GROUPS %s: %v", name, err)
		}
		if len(groups) != 0 {
			t.Errorf("%s has consumer groups %v", name, groups)
		}
	}
}
