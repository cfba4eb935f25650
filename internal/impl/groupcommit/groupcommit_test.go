package groupcommit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/groupcommit"
)

// gatedWriter records each write and, while gate is set, blocks writes until it is closed.
type gatedWriter struct {
	mu      sync.Mutex
	seen    map[string]bool
	batches []int
	gate    chan struct{}
	entered chan struct{} // receives once per write that reached the gate
	fail    error
}

func newWriter() *gatedWriter {
	return &gatedWriter{seen: map[string]bool{}, entered: make(chan struct{}, 100)}
}

func (w *gatedWriter) InsertEvents(_ context.Context, evs []event.Event) ([]bool, error) {
	if w.gate != nil {
		w.entered <- struct{}{}
		<-w.gate
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return nil, w.fail
	}
	w.batches = append(w.batches, len(evs))
	fresh := make([]bool, len(evs))
	for i, e := range evs {
		fresh[i] = !w.seen[e.ID]
		w.seen[e.ID] = true
	}
	return fresh, nil
}

func events(prefix string, n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		out[i] = event.Event{ID: fmt.Sprintf("%s-%d", prefix, i), Kind: event.KindLog}
	}
	return out
}

// waitQueued waits, with a deadline, until n events are queued.
func waitQueued(t *testing.T, c *groupcommit.Committer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d events queued", c.Queued(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func run(t *testing.T, c *groupcommit.Committer) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestConcurrentRequestsShareWrites(t *testing.T) {
	w := newWriter()
	w.gate = make(chan struct{})
	var committed []event.Event
	var mu sync.Mutex
	c := groupcommit.New(w, groupcommit.Options{OnCommit: func(e []event.Event) { mu.Lock(); committed = append(committed, e...); mu.Unlock() }})
	run(t, c)

	// The first request holds the writer at the gate; the next 20 queue up behind it.
	results := make(chan error, 21)
	go func() { _, err := c.Submit(context.Background(), events("first", 1)); results <- err }()
	<-w.entered
	for i := range 20 {
		go func() {
			fresh, err := c.Submit(context.Background(), events(fmt.Sprint("r", i), 10))
			if err == nil && len(fresh) != 10 {
				err = fmt.Errorf("%d results for 10 events", len(fresh))
			}
			results <- err
		}()
	}
	waitQueued(t, c, 201)
	close(w.gate)
	for range 21 {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
	if len(w.batches) != 2 || w.batches[1] != 200 {
		t.Fatalf("writes %v, want [1 200]: queued requests must share one write", w.batches)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(committed) != 201 {
		t.Fatalf("%d events handed on after commit, want 201", len(committed))
	}
}

func TestFreshIsPerRequestAndRepeatsAreNotHandedOn(t *testing.T) {
	w := newWriter()
	var handed int
	var mu sync.Mutex
	c := groupcommit.New(w, groupcommit.Options{OnCommit: func(e []event.Event) { mu.Lock(); handed += len(e); mu.Unlock() }})
	run(t, c)
	if _, err := c.Submit(context.Background(), events("a", 3)); err != nil {
		t.Fatal(err)
	}
	fresh, err := c.Submit(context.Background(), append(events("a", 2), events("b", 1)...))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(fresh) != "[false false true]" {
		t.Fatalf("fresh = %v", fresh)
	}
	mu.Lock()
	defer mu.Unlock()
	if handed != 4 {
		t.Fatalf("handed on %d events, want 4 (repeats are not published again)", handed)
	}
}

func TestFullQueueFailsFastWithErrOverloaded(t *testing.T) {
	w := newWriter()
	w.gate = make(chan struct{})
	c := groupcommit.New(w, groupcommit.Options{MaxQueued: 10})
	run(t, c)
	t.Cleanup(func() { close(w.gate) })

	go func() { _, _ = c.Submit(context.Background(), events("held", 1)) }()
	<-w.entered // that write is in progress; its event still counts as queued
	go func() { _, _ = c.Submit(context.Background(), events("queued", 9)) }()
	waitQueued(t, c, 10)
	if _, err := c.Submit(context.Background(), events("extra", 1)); !errors.Is(err, groupcommit.ErrOverloaded) {
		t.Fatalf("err = %v, want ErrOverloaded", err)
	}
}

func TestSlowStoreAnswersErrOverloadedAfterMaxWait(t *testing.T) {
	w := newWriter()
	w.gate = make(chan struct{})
	c := groupcommit.New(w, groupcommit.Options{MaxWait: 50 * time.Millisecond})
	run(t, c)
	t.Cleanup(func() { close(w.gate) })
	if _, err := c.Submit(context.Background(), events("slow", 1)); !errors.Is(err, groupcommit.ErrOverloaded) {
		t.Fatalf("err = %v, want ErrOverloaded", err)
	}
}

func TestWriteErrorReachesEveryRequestOfTheBatch(t *testing.T) {
	w := newWriter()
	w.fail = errors.New("disk full")
	c := groupcommit.New(w, groupcommit.Options{})
	run(t, c)
	if _, err := c.Submit(context.Background(), events("x", 2)); err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v", err)
	}
}

func TestRunDrainsTheQueueOnCancel(t *testing.T) {
	w := newWriter()
	w.gate = make(chan struct{})
	c := groupcommit.New(w, groupcommit.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()

	results := make(chan error, 2)
	go func() { _, err := c.Submit(context.Background(), events("a", 1)); results <- err }()
	<-w.entered
	go func() { _, err := c.Submit(context.Background(), events("b", 1)); results <- err }()
	waitQueued(t, c, 2)
	cancel() // shutdown begins while one write is in progress and another request waits
	close(w.gate)
	for range 2 {
		if err := <-results; err != nil {
			t.Fatalf("request lost on shutdown: %v", err)
		}
	}
	<-done
}

// ctxWriter records whether each write's context could be cancelled and its deadline.
type ctxWriter struct {
	mu        sync.Mutex
	done      []bool // ctx.Done() != nil
	deadlines []bool
}

func (w *ctxWriter) InsertEvents(ctx context.Context, evs []event.Event) ([]bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := ctx.Deadline()
	w.done = append(w.done, ctx.Done() != nil)
	w.deadlines = append(w.deadlines, ok)
	return make([]bool, len(evs)), nil
}

func TestWriteContexts(t *testing.T) {
	for _, uncancelled := range []bool{false, true} {
		w := &ctxWriter{}
		c := groupcommit.New(w, groupcommit.Options{Uncancelled: uncancelled, WriteLimit: time.Minute})
		run(t, c)
		if _, err := c.Submit(context.Background(), events("a", 1)); err != nil {
			t.Fatal(err)
		}
		w.mu.Lock()
		cancellable, deadline := w.done[0], w.deadlines[0]
		w.mu.Unlock()
		if cancellable == uncancelled || deadline == uncancelled {
			t.Errorf("Uncancelled %v: write context cancellable %v, deadline %v", uncancelled, cancellable, deadline)
		}
	}
}

// poisonWriter refuses any write that holds an event whose id starts with "poison".
type poisonWriter struct{ *gatedWriter }

func (w poisonWriter) InsertEvents(ctx context.Context, evs []event.Event) ([]bool, error) {
	for _, e := range evs {
		if strings.HasPrefix(e.ID, "poison") {
			return nil, errors.New("store refuses " + e.ID)
		}
	}
	return w.gatedWriter.InsertEvents(ctx, evs)
}

// One request's events that the store refuses must not fail the requests that
// share its write: they are retried alone and succeed; only it fails.
func TestOneRequestsFailureDoesNotFailOthersInItsWrite(t *testing.T) {
	w := poisonWriter{newWriter()}
	w.gate = make(chan struct{})
	var handed int
	var mu sync.Mutex
	c := groupcommit.New(w, groupcommit.Options{OnCommit: func(e []event.Event) { mu.Lock(); handed += len(e); mu.Unlock() }})
	run(t, c)

	// The first write holds the writer; a poisoned request and 5 good ones queue up behind it, into one write.
	type res struct {
		name string
		err  error
	}
	results := make(chan res, 7)
	go func() { _, err := c.Submit(context.Background(), events("first", 1)); results <- res{"first", err} }()
	<-w.entered
	go func() { _, err := c.Submit(context.Background(), events("poison", 2)); results <- res{"poison", err} }()
	waitQueued(t, c, 3)
	for i := range 5 {
		go func() {
			_, err := c.Submit(context.Background(), events(fmt.Sprint("good", i), 3))
			results <- res{"good", err}
		}()
	}
	waitQueued(t, c, 18)
	close(w.gate)
	for range 7 {
		r := <-results
		switch {
		case r.name == "poison" && r.err == nil:
			t.Error("the poisoned request succeeded")
		case r.name != "poison" && r.err != nil:
			t.Errorf("a %s request failed with the poisoned one: %v", r.name, r.err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if handed != 16 {
		t.Errorf("handed on %d events, want 16", handed)
	}
	if c.Queued() != 0 {
		t.Errorf("%d events still counted as queued", c.Queued())
	}
}

// panicWriter panics on a write that holds an event whose id starts with "panic".
type panicWriter struct{ *gatedWriter }

func (w panicWriter) InsertEvents(ctx context.Context, evs []event.Event) ([]bool, error) {
	for _, e := range evs {
		if strings.HasPrefix(e.ID, "panic") {
			panic("adapter bug")
		}
	}
	return w.gatedWriter.InsertEvents(ctx, evs)
}

// A panicking write fails its own request only; the committer goes on.
func TestPanicInAWriteFailsOnlyItsRequest(t *testing.T) {
	w := panicWriter{newWriter()}
	w.gate = make(chan struct{})
	c := groupcommit.New(w, groupcommit.Options{})
	run(t, c)
	errs := make(chan error, 3)
	go func() { _, err := c.Submit(context.Background(), events("first", 1)); errs <- err }()
	<-w.entered
	bad := make(chan error, 1)
	go func() { _, err := c.Submit(context.Background(), events("panic", 1)); bad <- err }()
	waitQueued(t, c, 2)
	for i := range 2 {
		go func() { _, err := c.Submit(context.Background(), events(fmt.Sprint("ok", i), 1)); errs <- err }()
	}
	waitQueued(t, c, 4)
	close(w.gate)
	if err := <-bad; !errors.Is(err, groupcommit.ErrPanicked) {
		t.Errorf("the panicking request: %v, want ErrPanicked", err)
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("another request: %v", err)
		}
	}
	if _, err := c.Submit(context.Background(), events("later", 1)); err != nil {
		t.Errorf("after the panic: %v", err)
	}
}
