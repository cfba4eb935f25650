package realtime

import (
	"context"
	"errors"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// errClosed says the connection ended while a message waited for room.
var errClosed = errors.New("connection closed")

// spareCap bounds the batch slice a client keeps for reuse between writes:
// enough for the usual burst, small enough that 10,000 idle connections do
// not each pin a large array after one busy moment.
const spareCap = 64

// client is one WebSocket connection: its subscription, its bounded send
// queue and its resume state. The reader goroutine delivers to it without
// ever blocking (deliver); the connection's own goroutines (read loop,
// resume) may wait for room (deliverWait, control); one writer goroutine
// drains the queue (take).
type client struct {
	conn    *websocket.Conn
	channel Channel
	tenant  string
	limits  limits
	m       clientMetrics

	// wake tells the writer that the queue is not empty (capacity 1: one
	// pending wake-up covers any number of messages).
	wake chan struct{}
	// done is closed when the connection has ended (see finish); closeReq
	// when the server wants it closed (see requestClose).
	done       chan struct{}
	finishOnce sync.Once
	closeReq   chan struct{}
	closeOnce  sync.Once
	closeCode  int
	closeText  string

	mu     sync.Mutex
	filter *subscription
	// pending holds pre-encoded messages, oldest first. Data messages are
	// shared with other clients and never modified.
	pending      [][]byte
	pendingBytes int
	spare        [][]byte
	// dropped counts messages lost to a full queue since the writer last
	// took it; the writer follows what it takes with a lagged message.
	dropped int
	// room, when not nil, is closed by the writer once it has taken the
	// queue, waking everyone waiting for room.
	room chan struct{}
	// last is the id of the newest entry delivered (or skipped as already
	// delivered); entries at or before it are never sent again. It is what
	// makes the switch from replay to live free of duplicates.
	last streams.ID
	// While replaying, live entries are held here instead of queued, up to
	// limits.replayBuffer; past that, heldOverflow makes the replay read the
	// stream again.
	replaying    bool
	held         []*entry
	heldOverflow bool
}

// limits are the per-connection bounds, from Options.
type limits struct {
	queueMessages int
	queueBytes    int
	replayBuffer  int
}

func newClient(conn *websocket.Conn, ch Channel, tenant string, f *subscription, l limits, m clientMetrics) *client {
	return &client{
		conn: conn, channel: ch, tenant: tenant, filter: f, limits: l, m: m,
		wake: make(chan struct{}, 1), done: make(chan struct{}), closeReq: make(chan struct{}),
	}
}

// deliver is the live path, called by the reader goroutine for each entry
// of the client's channel and tenant. It never blocks: with the queue full
// the message is dropped and counted, so one slow client cannot hold up the
// others. matched, when not nil, caches the entry's match against each
// distinct filter (keyed by its normalized form) for this dispatch.
func (c *client) deliver(e *entry, matched map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// At or before last: delivered already, or before the resume point.
	if !c.last.Less(e.id) || !c.matches(e, matched) {
		return
	}
	if c.replaying {
		if c.heldOverflow {
			return
		}
		if len(c.held) >= c.limits.replayBuffer {
			c.held, c.heldOverflow = nil, true
			return
		}
		c.held = append(c.held, e)
		return
	}
	c.last = e.id
	if !c.hasRoomLocked(len(e.msg)) {
		c.dropped++
		c.m.dropped.Inc()
		return
	}
	c.appendLocked(e.msg)
}

// matches reports whether e passes c's filter, through matched when given.
// The caller holds c.mu, under which the filter may change.
func (c *client) matches(e *entry, matched map[string]bool) bool {
	if matched == nil {
		return c.filter.match(e)
	}
	ok, seen := matched[string(c.filter.echo)]
	if !seen {
		ok = c.filter.match(e)
		matched[string(c.filter.echo)] = ok
	}
	return ok
}

// deliverWait is the replay path: it waits for room rather than drop, since
// the replaying goroutine belongs to this connection and waiting slows only
// it. The filter is read under the lock, so that after a subscribed message
// only entries matching the new filters follow.
func (c *client) deliverWait(ctx context.Context, e *entry) error {
	return c.push(ctx, func() ([]byte, func()) {
		if !c.filter.match(e) || !c.last.Less(e.id) {
			return nil, nil
		}
		return e.msg, func() { c.last = e.id }
	})
}

// control queues a message of the connection's own (subscribed, reset,
// error), waiting for room. then, when not nil, runs under the lock just
// before the message is queued: a subscribe swaps the filter there, so the
// swap and its subscribed message are one step for every other sender.
func (c *client) control(ctx context.Context, msg []byte, then func()) error {
	return c.push(ctx, func() ([]byte, func()) { return msg, then })
}

// push queues the message pick chooses, waiting for room for it. pick runs
// under the lock, again after every wait (the filter may have changed):
// it returns nil to queue nothing, and a commit to run, under the same
// lock, if and when the message is queued.
func (c *client) push(ctx context.Context, pick func() (msg []byte, commit func())) error {
	for {
		c.mu.Lock()
		msg, commit := pick()
		if msg == nil {
			c.mu.Unlock()
			return nil
		}
		if c.hasRoomLocked(len(msg)) {
			if commit != nil {
				commit()
			}
			c.appendLocked(msg)
			c.mu.Unlock()
			return nil
		}
		if c.room == nil {
			c.room = make(chan struct{})
		}
		room := c.room
		c.mu.Unlock()
		select {
		case <-room:
		case <-c.done:
			return errClosed
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// hasRoomLocked bounds the queue by messages and bytes; an empty queue
// always takes one message, however large, so that a big event is delayed,
// never refused forever.
func (c *client) hasRoomLocked(size int) bool {
	n := len(c.pending)
	return n == 0 || (n < c.limits.queueMessages && c.pendingBytes+size <= c.limits.queueBytes)
}

func (c *client) appendLocked(msg []byte) {
	c.pending = append(c.pending, msg)
	c.pendingBytes += len(msg)
	select {
	case c.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// hasPending reports whether anything waits to be written.
func (c *client) hasPending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) > 0 || c.dropped > 0
}

// take hands the writer everything queued, followed by a lagged message
// when messages were dropped since the last take: the dropped ones were
// newer than everything taken and older than anything queued later, so
// that is exactly where the client learns of the gap.
func (c *client) take() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	batch := c.pending
	c.pending, c.spare = c.spare, nil
	c.pendingBytes = 0
	if c.dropped > 0 {
		batch = append(batch, laggedMessage(c.dropped))
		c.dropped = 0
	}
	if c.room != nil {
		close(c.room)
		c.room = nil
	}
	return batch
}

// recycle returns a written batch's slice for reuse, dropping its references
// so the messages can be collected.
func (c *client) recycle(batch [][]byte) {
	if cap(batch) > spareCap {
		return
	}
	clear(batch)
	c.mu.Lock()
	if c.spare == nil {
		c.spare = batch[:0]
	}
	c.mu.Unlock()
}

// finish ends the connection: it closes the socket, which ends the read
// loop, and releases everyone waiting for room or for the end. Any of the
// connection's goroutines may call it, any number of times.
func (c *client) finish() {
	c.finishOnce.Do(func() {
		close(c.done)
		_ = c.conn.Close()
	})
}

// requestClose asks the writer to flush, send a close frame with code and
// text, and end the connection. Only the first request counts.
func (c *client) requestClose(code int, text string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.closeReq)
	})
}

// takeHeld ends one step of the switch from replay to live. With live
// entries held, it returns them (still replaying, so that entries arriving
// meanwhile are held too, in order). With none, the client is live from now
// on: done. After an overflow it returns overflow, and the caller replays
// from the stream again.
func (c *client) takeHeld() (held []*entry, overflow, done bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.heldOverflow:
		c.held, c.heldOverflow = nil, false
		return nil, true, false
	case len(c.held) == 0:
		c.replaying, c.held = false, nil
		return nil, false, true
	}
	held, c.held = c.held, nil
	return held, false, false
}
