package realtime

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/streamforward"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// stalledPublisher is a publisher starved of CPU: the first Publish does not
// return until release is closed.
type stalledPublisher struct {
	h        *harness
	entered  chan struct{}
	release  chan struct{}
	stalling sync.Once
}

func (p *stalledPublisher) Publish(ctx context.Context, events []event.Event) error {
	p.stalling.Do(func() { close(p.entered); <-p.release })
	p.h.publish(events...)
	return nil
}

// Starving the publisher fills the stream forwarder's queue; the events it
// then drops never reach the stream, and every live client whose filters
// match them is told with a lagged message counting exactly those, while
// clients they do not concern hear nothing. What was queued still arrives.
func TestStarvedPublisherTellsAffectedClients(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	checkout := h.dial("/ws/logs?service=checkout", acmeKey)
	other := h.dial("/ws/logs?service=billing", acmeKey)
	globex := h.dial("/ws/logs", globexKey)
	for _, c := range []*wsClient{checkout, other, globex} {
		c.expect(msgSubscribed)
	}

	pub := &stalledPublisher{h: h, entered: make(chan struct{}), release: make(chan struct{})}
	f := streamforward.New(pub, 1, telemetry.New(), slog.New(slog.DiscardHandler))
	f.OnMissed(h.svc.Missed)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { f.Run(ctx); close(ran) }()
	t.Cleanup(func() { cancel(); <-ran })

	f.Forward([]event.Event{logEvent("acme", "e-1", "checkout", "info", "first", nil)}) // the stalled publish
	<-pub.entered
	f.Forward([]event.Event{logEvent("acme", "e-2", "checkout", "info", "queued", nil)}) // fills the one-batch queue
	// Dropped: two of checkout's, one of another service, one of globex's.
	f.Forward([]event.Event{
		logEvent("acme", "e-3", "checkout", "info", "lost", nil),
		logEvent("acme", "e-4", "billing-x", "info", "lost", nil),
		logEvent("acme", "e-5", "checkout", "error", "lost", nil),
		logEvent("globex", "e-6", "checkout", "info", "lost", nil),
	})
	close(pub.release)

	var got []string
	lost := 0
	for len(got)+lost < 4 {
		switch m := checkout.next(); m.Type {
		case msgEvent:
			got = append(got, m.Event.ID)
		case msgLagged:
			lost += m.Dropped
		default:
			t.Fatalf("checkout client: unexpected %s", m.raw)
		}
	}
	if lost != 2 || len(got) != 2 || got[0] != "e-1" || got[1] != "e-2" {
		t.Fatalf("checkout client: events %v and %d reported lost, want e-1, e-2 and 2 lost", got, lost)
	}
	if m := globex.next(); m.Type != msgLagged || m.Dropped != 1 {
		t.Fatalf("globex client: %s, want lagged with 1 dropped", m.raw)
	}
	waitFor(t, "the missed events to be counted", func() bool {
		return h.counter(h.svc.m.missed.WithLabelValues("logs")) == 3
	})
	// The billing client's filter matched nothing lost: a later event is the next thing it sees.
	h.publish(logEvent("acme", "e-7", "billing", "info", "later", nil))
	if m := other.next(); m.Type != msgEvent || m.Event.ID != "e-7" {
		t.Fatalf("billing client: %s, want event e-7 and no lagged message", m.raw)
	}
}
