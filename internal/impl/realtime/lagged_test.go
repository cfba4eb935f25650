package realtime

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// A client that does not read loses messages, and learns how many, while a
// client beside it that reads gets everything: the hub never waits for the
// slow one.
func TestSlowClientLagsAndOthersDoNot(t *testing.T) {
	const queue = 64
	h := newHarness(t, redisClient(t), func(o *Options) {
		o.QueueMessages = queue
		o.WriteTimeout = time.Minute // the slow client is slow, not gone
	})
	slow, _, err := h.tryDial("/ws/logs", acmeKey, smallReadBufferDialer())
	if err != nil {
		t.Fatal(err)
	}
	h.shrinkServerSendBuffers()
	fast := h.dial("/ws/logs", acmeKey)
	slow.expect(msgSubscribed)
	fast.expect(msgSubscribed)
	fastGot := fast.collect()

	// Publish in bursts smaller than the queue, each after the fast client
	// has everything so far, until the slow client's queue has overflowed.
	padding := strings.Repeat("x", 2000)
	dropped := h.svc.m.dropped.WithLabelValues("logs")
	var published []event.Event
	for round := 0; h.counter(dropped) == 0; round++ {
		batch := make([]event.Event, queue/2)
		for i := range batch {
			batch[i] = logEvent("acme", fmt.Sprintf("e-%06d", len(published)+i), "checkout", "info", padding, nil)
		}
		h.publish(batch...)
		published = append(published, batch...)
		waitFor(t, "the fast client to keep up", func() bool { return fastGot.count() == len(published) })
		if round > 5000 {
			t.Fatal("the slow client never lagged")
		}
	}
	t.Logf("the slow client lagged after %d events", len(published))
	fastGot.mu.Lock()
	if fastGot.err != nil {
		t.Fatalf("fast client: %v", fastGot.err)
	}
	fastGot.mu.Unlock()

	// The slow client now reads: what was queued, a lagged message saying
	// how many were lost, then newer events; in order, no duplicate, and
	// received + dropped = published.
	received, lost, lagged := 0, 0, 0
	prev := ""
	for received+lost < len(published) {
		m := slow.next()
		switch m.Type {
		case msgLagged:
			if m.Dropped <= 0 {
				t.Fatalf("lagged %s", m.raw)
			}
			lagged++
			lost += m.Dropped
		case msgEvent:
			if m.Event.ID <= prev {
				t.Fatalf("event %s after %s", m.Event.ID, prev)
			}
			prev = m.Event.ID
			received++
		default:
			t.Fatalf("unexpected %s", m.raw)
		}
	}
	if lagged == 0 || received+lost != len(published) {
		t.Fatalf("received %d, %d lagged messages with %d dropped, of %d published", received, lagged, lost, len(published))
	}
	// Caught up, it gets live events again.
	h.publish(logEvent("acme", "last", "checkout", "info", "bye", nil))
	if m := slow.expect(msgEvent); m.Event.ID != "last" {
		t.Fatalf("got %s, want the last event", m.raw)
	}
	if got := int(h.counter(dropped)); got != lost {
		t.Errorf("dropped metric %d, lagged messages said %d", got, lost)
	}
}
