// Package groupcommit batches the events of concurrent requests into few store
// writes. One durable write (a SQLite transaction, a journaled MongoDB insert)
// costs about the same for 1 event as for 2,000, so writing each request on its
// own caps throughput at the store's commit rate; writing whatever has queued
// up since the last commit does not. The queue is bounded: when it is full,
// Submit fails at once with ErrOverloaded instead of letting memory grow.
package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// ErrOverloaded means the store is not keeping up: the events were not queued,
// or not written within the wait limit. The client should retry later.
var ErrOverloaded = errors.New("store overloaded")

// Writer is the store write the committer batches.
type Writer interface {
	InsertEvents(ctx context.Context, events []event.Event) (fresh []bool, err error)
}

// Committed receives the events each commit newly stored (not repeats), in
// commit order; the live stream is fed from it. It must not block for long.
type Committed func(events []event.Event)

// Options tune a Committer.
type Options struct {
	// MaxBatch is the most events in one write; default 4000. Larger writes
	// cost SQLite less per event (an index leaf that several events of the
	// write land in is written once), and 4000 takes in everything 8 clients
	// sending 500-event batches have outstanding, in one write.
	MaxBatch   int
	MaxQueued  int           // most events waiting; beyond it Submit fails; default 100000
	MaxWait    time.Duration // longest Submit waits for its write; default 10s
	Workers    int           // concurrent writes; 1 for SQLite (one writer), more for MongoDB
	OnCommit   Committed
	Metrics    *telemetry.Metrics
	Logger     *slog.Logger
	WriteLimit time.Duration // deadline of one store write; default 30s
	// Supervisor logs and counts a panic in a write (a store adapter's bug
	// meeting a bad value): the batch's requests are answered with an error
	// and the committer goes on.
	Supervisor supervise.Supervisor
	// Uncancelled hands writes a context that is never cancelled, instead of
	// one with WriteLimit's deadline. It suits the embedded SQLite store, whose
	// driver (modernc) pays for a cancellable context on every statement: it
	// starts a goroutine per statement to watch it, which cost a fifth of the
	// writer's time at one statement per event. A deadline buys SQLite little:
	// its lock waits end at busy_timeout anyway, and an interrupt cannot stop a
	// disk write that hangs.
	Uncancelled bool
}

// Committer runs the group commit loop.
type Committer struct {
	w    Writer
	opts Options
	in   chan *request

	mu     sync.Mutex
	queued int
}

type request struct {
	events   []event.Event
	done     chan result // buffered: the writer never blocks on a requester that gave up
	answered bool        // set by the worker that wrote it (one goroutine per batch)
}

type result struct {
	fresh []bool
	err   error
}

// New returns a committer; call Run to start writing.
func New(w Writer, opts Options) *Committer {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 4000
	}
	if opts.MaxQueued <= 0 {
		opts.MaxQueued = 100000
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 10 * time.Second
	}
	if opts.WriteLimit <= 0 {
		opts.WriteLimit = 30 * time.Second
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Metrics == nil {
		opts.Metrics = telemetry.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// Capacity in requests: MaxQueued bounds the events, this only has to be large enough never to block.
	return &Committer{w: w, opts: opts, in: make(chan *request, opts.MaxQueued)}
}

// Submit queues events for the next write and waits until they are durably
// stored. fresh[i] is false when events[i] was already stored. It fails with
// ErrOverloaded when the queue is full or the write takes longer than MaxWait;
// in the latter case the events may still be stored later, which is why
// clients that retry should send event ids.
func (c *Committer) Submit(ctx context.Context, events []event.Event) ([]bool, error) {
	if len(events) == 0 {
		return nil, nil
	}
	c.mu.Lock()
	if c.queued+len(events) > c.opts.MaxQueued && c.queued > 0 {
		c.mu.Unlock()
		c.opts.Metrics.Overloaded.Inc()
		return nil, ErrOverloaded
	}
	c.queued += len(events)
	c.mu.Unlock()

	req := &request{events: events, done: make(chan result, 1)}
	c.in <- req // never blocks: at most MaxQueued requests of at least one event are queued

	timer := time.NewTimer(c.opts.MaxWait)
	defer timer.Stop()
	select {
	case res := <-req.done:
		return res.fresh, res.err
	case <-timer.C:
		c.opts.Metrics.Overloaded.Inc()
		return nil, ErrOverloaded
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for commit: %w", ctx.Err())
	}
}

// Run writes batches until ctx is cancelled and then until the queue is empty,
// so that nothing accepted into it is dropped on shutdown. Stop submitting
// (shut the HTTP server down) before cancelling ctx.
func (c *Committer) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Go(func() { c.work(ctx) })
	}
	wg.Wait()
}

func (c *Committer) work(ctx context.Context) {
	for {
		var first *request
		select {
		case first = <-c.in:
		case <-ctx.Done():
			select {
			case first = <-c.in:
			default:
				return
			}
		}
		batch := []*request{first}
		n := len(first.events)
	fill:
		for n < c.opts.MaxBatch {
			select {
			case r := <-c.in:
				batch = append(batch, r)
				n += len(r.events)
			default:
				break fill
			}
		}
		c.commitSafely(batch, n)
	}
}

// ErrPanicked answers the requests of a write that panicked.
var ErrPanicked = errors.New("store write failed unexpectedly")

// commitSafely is commit, answering with ErrPanicked whatever requests a
// panic left unanswered, so that the panic costs one batch, not the process.
func (c *Committer) commitSafely(batch []*request, n int) {
	if !c.opts.Supervisor.Recover("group commit", func() { c.commit(batch, n) }) {
		return
	}
	c.opts.Metrics.StoreWriteErrors.Inc()
	for _, r := range batch {
		if !r.answered {
			c.release(len(r.events))
			r.answered = true
			r.done <- result{err: ErrPanicked}
		}
	}
}

func (c *Committer) commit(batch []*request, n int) {
	all := make([]event.Event, 0, n)
	for _, r := range batch {
		all = append(all, r.events...)
	}
	fresh, err := c.write(all)
	if err != nil && len(batch) > 1 {
		// One request's events may be what the store refuses (a value it
		// cannot hold, a bug in an adapter): that must not fail the requests
		// that happened to share its write. Each is retried alone, so only
		// the request whose write fails on its own is answered with an error.
		c.opts.Logger.Warn("group commit failed; retrying its requests one by one", "events", n, "requests", len(batch), "err", err)
		for _, r := range batch {
			fresh, err := c.write(r.events)
			c.reply([]*request{r}, r.events, fresh, err)
		}
		return
	}
	c.reply(batch, all, fresh, err)
}

// write stores events in one store write and records its metrics.
func (c *Committer) write(all []event.Event) ([]bool, error) {
	// The write gets its own deadline, not a request's: it serves many requests,
	// and a shutdown must not abort a write whose events were accepted.
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if !c.opts.Uncancelled {
		ctx, cancel = context.WithTimeout(ctx, c.opts.WriteLimit)
	}
	start := time.Now()
	var fresh []bool
	var err error
	if c.opts.Supervisor.Recover("group commit", func() { fresh, err = c.w.InsertEvents(ctx, all) }) {
		fresh, err = nil, ErrPanicked // and the requests of a shared write are retried alone
	}
	cancel()
	c.opts.Metrics.StoreWriteSeconds.Observe(time.Since(start).Seconds())
	c.opts.Metrics.StoreBatchEvents.Observe(float64(len(all)))
	if err == nil && len(fresh) != len(all) {
		err = fmt.Errorf("store returned %d results for %d events", len(fresh), len(all))
	}
	if err != nil {
		c.opts.Metrics.StoreWriteErrors.Inc()
		c.opts.Logger.Error("group commit failed", "events", len(all), "err", err)
	}
	return fresh, err
}

func (c *Committer) release(n int) {
	c.mu.Lock()
	c.queued -= n
	c.mu.Unlock()
}

// reply hands what a write newly stored to OnCommit and answers its requests.
func (c *Committer) reply(batch []*request, all []event.Event, fresh []bool, err error) {
	// Hand on before replying, so that an acknowledged event is already queued for the live path.
	if err == nil && c.opts.OnCommit != nil {
		stored := make([]event.Event, 0, len(all))
		for i, f := range fresh {
			if f {
				stored = append(stored, all[i])
			}
		}
		if len(stored) > 0 {
			c.opts.OnCommit(stored)
		}
	}
	off := 0
	for _, r := range batch {
		res := result{err: err}
		if err == nil {
			res.fresh = fresh[off : off+len(r.events) : off+len(r.events)]
		}
		off += len(r.events)
		c.release(len(r.events))
		r.answered = true
		r.done <- res
	}
}

// Queued returns how many events are waiting for, or in, a write.
func (c *Committer) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queued
}
