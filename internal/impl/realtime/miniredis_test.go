package realtime

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// `make run` embeds miniredis: the reader's XREAD over four streams, the
// resume's XRANGE and the reset check must work on it as on Redis.
//
// The second run polls when told of appends, as `make run` does: its
// ReadBlock of an hour makes a missed wake-up fail the test.
func TestWorksOnEmbeddedMiniredis(t *testing.T) {
	t.Run("blocking read", func(t *testing.T) {
		rdb := connectRedis(t, "")
		testEmbedded(t, rdb, newHarness(t, rdb, func(o *Options) { o.ReplayChunk = 3 }))
	})
	t.Run("polling on appends", func(t *testing.T) {
		rdb := connectRedis(t, "")
		appended := redisconn.WatchAppends(rdb)
		testEmbedded(t, rdb, newHarness(t, rdb, func(o *Options) {
			o.ReplayChunk, o.Appended, o.ReadBlock = 3, appended, time.Hour
		}))
	})
}

func testEmbedded(t *testing.T, rdb *redis.Client, h *harness) {
	live := h.dial("/ws/logs?service=checkout", acmeKey)
	alerts := h.dial("/ws/alerts", acmeKey)
	live.expect(msgSubscribed)
	alerts.expect(msgSubscribed)
	events := logs("acme", "m", 10)
	h.publish(events...)
	h.publishAlert("acme", alert("a1", "r1", "firing", "critical"))
	if got := live.eventsUntil("m-0009"); !slices.Equal(got, eventIDs(events)) {
		t.Fatalf("live got %v", got)
	}
	if m := alerts.expect(msgAlert); m.Alert["id"] != "a1" {
		t.Fatalf("alert %s", m.raw)
	}

	cursors := h.entryIDs(stream.Logs)
	resumed := h.dial("/ws/logs?since="+cursors[4], acmeKey)
	resumed.expect(msgSubscribed)
	if got := resumed.eventsUntil("m-0009"); !slices.Equal(got, eventIDs(events[5:])) {
		t.Fatalf("resumed got %v", got)
	}

	if err := rdb.XTrimMaxLen(context.Background(), stream.Logs, 2).Err(); err != nil {
		t.Fatal(err)
	}
	trimmed := h.dial("/ws/logs?since="+cursors[4], acmeKey)
	trimmed.expect(msgSubscribed)
	if m := trimmed.expect(msgReset); m.Oldest != cursors[8] {
		t.Fatalf("reset %s, want oldest %s", m.raw, cursors[8])
	}
	if got := trimmed.eventsUntil("m-0009"); !slices.Equal(got, eventIDs(events[8:])) {
		t.Fatalf("after reset got %v", got)
	}
}
