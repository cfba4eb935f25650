package realtime

import (
	"context"
	"slices"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// `make run` reads the in-process streams: the reader's blocking read over
// four streams (woken by the append itself), the resume's range reads and
// the reset after trimming must work on them as on Redis.
func TestWorksOnInProcessStreams(t *testing.T) {
	h := newHarness(t, nil, func(o *Options) { o.ReplayChunk = 3 })
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

	// One more event, trimming the stream to its last three entries.
	more := logs("acme", "n", 1)
	if err := stream.New(h.log, 3).Publish(context.Background(), more); err != nil {
		t.Fatal(err)
	}
	trimmed := h.dial("/ws/logs?since="+cursors[4], acmeKey)
	trimmed.expect(msgSubscribed)
	if m := trimmed.expect(msgReset); m.Oldest != cursors[8] {
		t.Fatalf("reset %s, want oldest %s", m.raw, cursors[8])
	}
	if got := trimmed.eventsUntil("n-0000"); !slices.Equal(got, append(eventIDs(events[8:]), "n-0000")) {
		t.Fatalf("after reset got %v", got)
	}
}

// Entries trimmed before the reader read them are not lost silently: every
// client of the channel is sent a reset naming the oldest entry left, then
// delivery goes on from there.
func TestTrimmedUnreadEntriesReset(t *testing.T) {
	h := newHarness(t, nil, nil)
	c := h.dial("/ws/logs", acmeKey)
	c.expect(msgSubscribed)
	h.publish(logs("acme", "a", 1)...)
	if got := c.eventsUntil("a-0000"); len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	// One append of 20 that keeps 5: 15 are gone before the reader can look.
	burst := logs("acme", "b", 20)
	if err := stream.New(h.log, 5).Publish(context.Background(), burst); err != nil {
		t.Fatal(err)
	}
	kept := h.entryIDs(stream.Logs)
	if m := c.expect(msgReset); m.Oldest != kept[0] {
		t.Fatalf("reset %s, want oldest %s", m.raw, kept[0])
	}
	if got := c.eventsUntil("b-0019"); !slices.Equal(got, eventIDs(burst[15:])) {
		t.Fatalf("after the reset got %v, want %v", got, eventIDs(burst[15:]))
	}
	waitFor(t, "the reset counted", func() bool { return h.counter(h.svc.m.resets.WithLabelValues("logs")) == 1 })
}
