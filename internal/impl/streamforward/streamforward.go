// Package streamforward hands committed events to the stream publisher off
// the request path. Streams are the live path and the store is the record, so
// a slow or absent Redis must never hold up an acknowledgement: the hand-off
// queue is bounded, and events that find it full are dropped and counted.
//
// Dropped is never silent for live clients: events that find the queue full
// (a slow Redis, or a publisher starved of CPU) or whose publish fails are
// handed to the Missed hook, which the realtime service uses to send a
// lagged message to every connection whose filters the events match.
package streamforward

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Publisher publishes events to their streams.
type Publisher interface {
	Publish(ctx context.Context, events []event.Event) error
}

// MaxQueuedEvents bounds the events waiting to be published. A batch is a
// whole group commit (up to thousands of events), so a bound in batches alone
// let a slow Redis pile up millions of events, about a kilobyte of memory
// each; this keeps the queue to tens of megabytes.
const MaxQueuedEvents = 50_000

// dropLogEvery spaces the warnings about dropped events: a Redis that cannot
// keep up drops a batch per commit, and a line each flooded the log.
const dropLogEvery = 10 * time.Second

// Publishing a batch may take publishTimeout plus publishTimePerEvent for
// each of its events: a fixed bound failed the 10,000-event batches of a
// busy machine, whose Redis was slow but alive.
const (
	publishTimeout      = 5 * time.Second
	publishTimePerEvent = time.Millisecond
)

// Forwarder queues batches of events and publishes them in order.
type Forwarder struct {
	pub    Publisher
	queue  chan []event.Event
	queued atomic.Int64 // events queued or being published
	// dropped counts the events dropped since the last warning, at lastWarn (Unix ns).
	dropped, lastWarn atomic.Int64
	metrics           *telemetry.Metrics
	logger            *slog.Logger
	missed            func([]event.Event)
}

// OnMissed sets the hook that learns of events that will never reach the
// streams (see the package doc). Call it before Forward and Run; fn must not
// block for long, since drops happen on the committer's path.
func (f *Forwarder) OnMissed(fn func(events []event.Event)) { f.missed = fn }

// New returns a forwarder holding at most queueBatches batches and
// MaxQueuedEvents events; call Run.
func New(pub Publisher, queueBatches int, m *telemetry.Metrics, logger *slog.Logger) *Forwarder {
	return &Forwarder{pub: pub, queue: make(chan []event.Event, queueBatches), metrics: m, logger: logger}
}

// Forward queues events for publishing without blocking. It is a groupcommit.Committed.
func (f *Forwarder) Forward(events []event.Event) {
	n := int64(len(events))
	// A batch larger than the bound still goes through an empty queue.
	if q := f.queued.Add(n); q <= MaxQueuedEvents || q == n {
		select {
		case f.queue <- events:
			return
		default:
		}
	}
	f.queued.Add(-n)
	f.metrics.StreamDropped.Add(float64(len(events)))
	if f.missed != nil {
		f.missed(events)
	}
	f.dropped.Add(n)
	now, last := time.Now().UnixNano(), f.lastWarn.Load()
	if now-last >= int64(dropLogEvery) && f.lastWarn.CompareAndSwap(last, now) {
		f.logger.Warn("stream publish queue full; events stored but not published (count since the last such warning)",
			"events", f.dropped.Swap(0))
	}
}

// Run publishes queued batches until ctx is cancelled, then publishes what is
// still queued (each try bounded by a timeout) and returns.
func (f *Forwarder) Run(ctx context.Context) {
	for {
		select {
		case evs := <-f.queue:
			f.publishSafely(evs)
		case <-ctx.Done():
			for {
				select {
				case evs := <-f.queue:
					f.publishSafely(evs)
				default:
					return
				}
			}
		}
	}
}

// publishSafely is publish, surviving a panic (one bad event meeting an
// encoder bug): the batch counts as not published, the forwarder goes on.
func (f *Forwarder) publishSafely(events []event.Event) {
	sv := supervise.Supervisor{Logger: f.logger, Panics: f.metrics.LoopPanics}
	if sv.Recover("stream forwarder", func() { f.publish(events) }) {
		f.metrics.StreamPublishErrors.Add(float64(len(events)))
	}
}

func (f *Forwarder) publish(events []event.Event) {
	defer f.queued.Add(-int64(len(events)))
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout+time.Duration(len(events))*publishTimePerEvent)
	defer cancel()
	start := time.Now()
	err := f.pub.Publish(ctx, events)
	f.metrics.StreamPublishSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		f.metrics.StreamPublishErrors.Add(float64(len(events)))
		f.logger.Error("publish to redis streams failed; events are stored but missed the live path", "events", len(events), "err", err)
		if f.missed != nil { // some may have made it (see stream.Publisher): clients hear of at most this many lost
			f.missed(events)
		}
		return
	}
	f.metrics.StreamPublished.Add(float64(len(events)))
}
