package realtime

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Reader retry bounds: an outage of the streams (Redis) is retried forever, from the same
// position, with a backoff that neither hammers Redis nor leaves clients
// waiting long once it is back.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// reader is the instance's single consumer of the streams: one blocking
// read over all four, from the last id it saw of each. It uses no consumer
// group on purpose: a group would split entries between instances, while
// every instance must see every entry to serve its own clients.
type reader struct {
	log    streams.Streams
	hub    *hub
	logger *slog.Logger
	m      *Metrics
	block  time.Duration
	count  int64
	// ready is closed once the start position is known. Connections wait for
	// it, so that an entry added after a client was told "subscribed" is
	// always one the reader will read.
	ready chan struct{}
}

// run reads until ctx is done. Read errors are logged, counted and retried;
// run returns only when ctx is done.
func (r *reader) run(ctx context.Context) error {
	ids, err := r.start(ctx)
	if err != nil {
		return nil // ctx is done
	}
	close(r.ready)
	cursors := make([]streams.Cursor, numChannels)
	// A reader of its own: on Redis a connection, which a stop wakes at
	// once rather than after the block.
	var rd streams.Reader
	defer func() {
		if rd != nil {
			rd.Close()
		}
	}()
	backoff := minBackoff
	for ctx.Err() == nil {
		for i, ch := range channels {
			cursors[i] = streams.Cursor{Stream: ch.stream(), After: ids[i]}
		}
		if rd == nil {
			rd = r.log.Reader(ctx)
		}
		res, err := rd.Read(ctx, cursors, r.count, r.block)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			rd.Close() // a new reader (on Redis a connection with a client id of its own) next time
			rd = nil
			r.m.readErrors.Inc()
			r.logger.WarnContext(ctx, "realtime: read streams; retrying", "err", err, "backoff", backoff)
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		for _, b := range res {
			ch, ok := channelOf(b.Stream)
			if !ok {
				continue
			}
			i := ch.index()
			if b.Trimmed && len(b.Messages) > 0 {
				// The reader fell behind the stream's length: entries were
				// trimmed unread. Every client of the channel is told before
				// delivery goes on from the oldest entry left.
				r.hub.trimmed(i, b.Messages[0].ID)
			}
			for _, m := range b.Messages {
				ids[i] = m.ID
				r.offer(ctx, i, ch, m)
			}
		}
	}
	return nil
}

// offer decodes an entry and dispatches it, unless nobody of its tenant
// watches the channel: then it is skipped undecoded, which keeps an instance
// with few clients cheap however busy the streams are.
//
// A panic in decoding or dispatching one entry (a bug meeting a bad value)
// skips that entry, logged with its stack and counted as a bad entry; the
// reader, which serves every live client of this process, goes on.
func (r *reader) offer(ctx context.Context, i int, ch Channel, m streams.Message) {
	defer func() {
		if v := recover(); v != nil {
			r.m.badEntries.Inc()
			r.logger.ErrorContext(ctx, "realtime: panic on stream entry; skipped", "stream", ch.stream(), "id", m.ID,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if !r.hub.watched(i, m.Tenant) {
		return
	}
	e, err := decodeEntry(ch, m, "")
	if err != nil {
		r.m.badEntries.Inc()
		r.logger.WarnContext(ctx, "realtime: skip stream entry", "stream", ch.stream(), "err", err)
		return
	}
	r.hub.dispatch(i, e)
}

// start resolves "$" once: the id of each stream's newest entry now (0-0 for
// an empty stream). Reading from concrete ids afterwards, rather than from
// "$" on every call, is what makes the reader miss nothing between calls.
func (r *reader) start(ctx context.Context) ([numChannels]streams.ID, error) {
	backoff := minBackoff
	for {
		ids, err := r.lastIDs(ctx)
		if err == nil {
			return ids, nil
		}
		if ctx.Err() != nil {
			return ids, ctx.Err()
		}
		r.m.readErrors.Inc()
		r.logger.WarnContext(ctx, "realtime: find the streams' last entries; retrying", "err", err, "backoff", backoff)
		if !sleep(ctx, backoff) {
			return ids, ctx.Err()
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (r *reader) lastIDs(ctx context.Context) ([numChannels]streams.ID, error) {
	var ids [numChannels]streams.ID
	for i, ch := range channels {
		id, ok, err := r.log.Last(ctx, ch.stream())
		if err != nil {
			return ids, err
		}
		if ok {
			ids[i] = id
		}
	}
	return ids, nil
}

// sleep waits d, or less when ctx is done first; it reports whether ctx is
// still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
