package streamforward_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/streamforward"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// gatedPublisher records what it publishes; the first Publish waits for gate.
type gatedPublisher struct {
	entered chan struct{}
	gate    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	got     int
}

func (p *gatedPublisher) Publish(_ context.Context, events []event.Event) error {
	p.once.Do(func() { p.entered <- struct{}{}; <-p.gate })
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got += len(events)
	return nil
}

func batch(n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		out[i] = event.Event{ID: fmt.Sprint(i), Kind: event.KindLog}
	}
	return out
}

func TestQueueIsBoundedInEvents(t *testing.T) {
	pub := &gatedPublisher{entered: make(chan struct{}), gate: make(chan struct{})}
	m := telemetry.New()
	f := streamforward.New(pub, 1024, m, slog.New(slog.DiscardHandler))
	var missed int
	f.OnMissed(func(evs []event.Event) { missed += len(evs) }) // called by Forward, on this goroutine
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()

	f.Forward(batch(10)) // taken by the publisher, which then waits at the gate
	<-pub.entered
	const size = 4000
	accepted := 0
	for accepted+size <= streamforward.MaxQueuedEvents {
		f.Forward(batch(size))
		accepted += size
	}
	f.Forward(batch(size)) // past the bound: dropped
	f.Forward(batch(size))
	if got := testutil.ToFloat64(m.StreamDropped); got != 2*size {
		t.Errorf("dropped %v events, want %d", got, 2*size)
	}
	if missed != 2*size {
		t.Errorf("the missed hook heard of %d events, want the %d dropped", missed, 2*size)
	}

	close(pub.gate)
	cancel() // Run publishes what is queued before it returns
	<-done
	if pub.got != 10+accepted {
		t.Errorf("published %d events, want %d", pub.got, 10+accepted)
	}
}

func TestOversizedBatchPassesAnEmptyQueue(t *testing.T) {
	pub := &gatedPublisher{entered: make(chan struct{}, 1), gate: make(chan struct{})}
	close(pub.gate)
	m := telemetry.New()
	f := streamforward.New(pub, 8, m, slog.New(slog.DiscardHandler))
	f.Forward(batch(streamforward.MaxQueuedEvents + 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Run(ctx)
	if pub.got != streamforward.MaxQueuedEvents+1 || testutil.ToFloat64(m.StreamDropped) != 0 {
		t.Errorf("published %d, dropped %v; want all published", pub.got, testutil.ToFloat64(m.StreamDropped))
	}
}

type failingPublisher struct{}

func (failingPublisher) Publish(context.Context, []event.Event) error {
	return errors.New("redis is down")
}

// A failed publish is a loss for live clients too: the hook hears of it.
func TestFailedPublishIsMissed(t *testing.T) {
	m := telemetry.New()
	f := streamforward.New(failingPublisher{}, 8, m, slog.New(slog.DiscardHandler))
	got := make(chan int, 1)
	f.OnMissed(func(evs []event.Event) { got <- len(evs) })
	f.Forward(batch(7))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Run(ctx) // publishes what is queued, then returns
	select {
	case n := <-got:
		if n != 7 {
			t.Fatalf("missed hook heard of %d events, want 7", n)
		}
	default:
		t.Fatal("a failed publish did not reach the missed hook")
	}
	if e := testutil.ToFloat64(m.StreamPublishErrors); e != 7 {
		t.Errorf("publish errors = %v, want 7", e)
	}
}
