package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// resumeCase connects with since=<cursor of history[from]> while more
// events are published during the replay (from its first XRANGE on), and
// expects every event after the cursor exactly once, in stream order.
func TestResumeHasNoGapAndNoDuplicate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		// paused publishes everything of "during" while the replay waits,
		// rather than beside it; after is how many live events follow.
		paused bool
		after  int
	}{
		// Small chunks: the replay reads the stream many times while it grows.
		{"small chunks", func(o *Options) { o.ReplayChunk = 7 }, false, 30},
		// A hold smaller than what arrives during the replay: it overflows,
		// and the replay reads the stream again from where it was.
		{"hold overflows", func(o *Options) { o.ReplayChunk = 7; o.ReplayBuffer = 3 }, false, 30},
		// A queue smaller than a chunk: the replay waits for the client
		// instead of dropping. Everything of "during" is published before
		// the second XRANGE, so the replay reads it all. (Live bursts would
		// overflow such a queue, which is the lagged test's subject: one
		// live event here.)
		{"tiny queue", func(o *Options) { o.ReplayChunk = 5; o.QueueMessages = 2 }, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redisClient(t)
			during := logs("acme", "during", 120)
			published := make(chan struct{})
			publish := func() {
				defer close(published)
				for chunk := range slices.Chunk(during, 10) {
					if err := stream.New(streams.NewRedis(rdb), 0).Publish(context.Background(), chunk); err != nil {
						t.Errorf("publish: %v", err)
						return
					}
				}
			}
			var once sync.Once
			h := newHarness(t, rdb, func(o *Options) {
				tc.edit(o)
				o.afterReplayRead = func() {
					once.Do(func() {
						if tc.paused {
							publish()
							return
						}
						// From another goroutine while the replay proceeds,
						// in bursts, to interleave with its reads.
						go publish()
					})
				}
			})
			history := logs("acme", "old", 60)
			h.publish(history...)
			h.publish(logs("globex", "other", 10)...) // another tenant's, interleaved
			cursors := h.entryIDs(stream.Logs)
			const from = 20 // resume after history[20]

			c := h.dial("/ws/logs?since="+cursors[from], acmeKey)
			c.expect(msgSubscribed)
			<-published
			after := logs("acme", "after", tc.after)
			h.publish(after...)

			want := append(eventIDs(history[from+1:]), eventIDs(during)...)
			want = append(want, eventIDs(after)...)
			got := c.eventsUntil(want[len(want)-1])
			if !slices.Equal(got, want) {
				t.Fatalf("got %d events, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
			}
		})
	}
}

func TestResumeCursorsContinueWhereAClientLeftOff(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	c := h.dial("/ws/logs", acmeKey)
	c.expect(msgSubscribed)
	first := logs("acme", "first", 5)
	h.publish(first...)
	var cursor string
	for range 3 {
		cursor = c.expect(msgEvent).Cursor
	}
	_ = c.conn.Close()
	h.publish(logs("acme", "missed", 3)...)

	// Reconnect with the last cursor received: the rest, then live.
	c = h.dial("/ws/logs?since="+cursor, acmeKey)
	c.expect(msgSubscribed)
	h.publish(logEvent("acme", "live", "checkout", "info", "x", nil))
	want := []string{"first-0003", "first-0004", "missed-0000", "missed-0001", "missed-0002", "live"}
	if got := c.eventsUntil("live"); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	// since=0-0 is everything the stream holds, with no reset.
	c = h.dial("/ws/logs?since=0-0&service=checkout", acmeKey)
	c.expect(msgSubscribed)
	if m := c.expect(msgEvent); m.Event.ID != "first-0000" {
		t.Fatalf("since=0-0 started with %s", m.raw)
	}
	// A cursor from the future: nothing until entries after it arrive.
	c = h.dial("/ws/logs?since=99999999999999-0", acmeKey)
	c.expect(msgSubscribed)
	h.publish(logEvent("acme", "later", "checkout", "info", "x", nil)) // before the cursor
	future, _ := json.Marshal(logEvent("acme", "future", "checkout", "info", "x", nil))
	if err := h.rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream.Logs, ID: "99999999999999-1",
		Values: []any{stream.FieldEvent, future, stream.FieldTenant, "acme", stream.FieldKind, "log"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if m := c.expect(msgEvent); m.Event.ID != "future" || m.Cursor != "99999999999999-1" {
		t.Fatalf("got %s, want only the entry after the cursor", m.raw)
	}
}

func TestResumeFromTrimmedHistorySendsResetFirst(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	h.publish(logs("acme", "old", 50)...)
	cursors := h.entryIDs(stream.Logs)
	if err := h.rdb.XTrimMaxLen(context.Background(), stream.Logs, 20).Err(); err != nil {
		t.Fatal(err)
	}
	kept := h.entryIDs(stream.Logs)
	if len(kept) != 20 {
		t.Fatalf("after XTRIM the stream holds %d entries", len(kept))
	}

	c := h.dial("/ws/logs?since="+cursors[10], acmeKey)
	c.expect(msgSubscribed)
	r := c.expect(msgReset)
	if r.Reason != "history_trimmed" || r.Oldest != kept[0] {
		t.Fatalf("reset = %s, want oldest %s", r.raw, kept[0])
	}
	var want []string
	for i := 30; i < 50; i++ {
		want = append(want, fmt.Sprintf("old-%04d", i))
	}
	if got := c.eventsUntil("old-0049"); !slices.Equal(got, want) {
		t.Fatalf("after reset got %v, want %v", got, want)
	}
	if n := h.counter(h.svc.m.resets.WithLabelValues("logs")); n != 1 {
		t.Errorf("resets = %v, want 1", n)
	}

	// A cursor the stream still holds is no reset.
	c = h.dial("/ws/logs?since="+kept[18], acmeKey)
	c.expect(msgSubscribed)
	if m := c.next(); m.Type != msgEvent || m.Event.ID != "old-0049" {
		t.Fatalf("got %s, want event old-0049", m.raw)
	}
}
