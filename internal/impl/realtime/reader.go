package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
)

// Reader retry bounds: a Redis outage is retried forever, from the same
// position, with a backoff that neither hammers Redis nor leaves clients
// waiting long once it is back.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// pollPace is the least time between two reads of a polling reader (see
// Options.Appended) while entries keep coming. The embedded Redis scans each
// stream from its start on every read, so reading after every append would
// cost a scan per append; pacing bounds the scans to a few hundred a second
// for at most this much more latency.
const pollPace = 5 * time.Millisecond

// reader is the instance's single consumer of the streams: one XREAD BLOCK
// over all four, from the last id it saw of each. It uses no consumer group
// on purpose: a group would split entries between instances, while every
// instance must see every entry to serve its own clients.
type reader struct {
	redis  *redis.Client
	hub    *hub
	logger *slog.Logger
	m      *Metrics
	block  time.Duration
	count  int64
	// appended, when not nil, makes the reader poll: it reads without
	// BLOCK, and when nothing is new waits for a wake-up from it (or block,
	// in case). See Options.Appended.
	appended <-chan struct{}
	// ready is closed once the start position is known. Connections wait for
	// it, so that an entry added after a client was told "subscribed" is
	// always one the reader will read.
	ready chan struct{}
}

// run reads until ctx is done. Redis errors are logged, counted and retried;
// run returns only when ctx is done.
func (r *reader) run(ctx context.Context) error {
	ids, err := r.start(ctx)
	if err != nil {
		return nil // ctx is done
	}
	close(r.ready)
	args := make([]string, 2*numChannels)
	block := r.block
	if r.appended != nil {
		block = -1 // no BLOCK argument: answer at once
	}
	var (
		idle     *time.Timer
		lastRead time.Time
		backlog  bool // the last read was full: more is waiting
		// A blocking reader reads on a connection of its own, which a stop
		// wakes at once rather than after ReadBlock.
		conn    *redis.Conn
		release = func() {}
	)
	defer func() { release() }()
	backoff := minBackoff
	for ctx.Err() == nil {
		if r.appended != nil && !backlog {
			if !sleep(ctx, pollPace-time.Since(lastRead)) {
				return nil
			}
			lastRead = time.Now()
		}
		for i, ch := range channels {
			args[i], args[numChannels+i] = ch.stream(), ids[i].String()
		}
		var client redis.Cmdable = r.redis
		if r.appended == nil {
			if conn == nil {
				conn, release = redisconn.Blocking(ctx, r.redis)
			}
			client = conn
		}
		res, err := client.XRead(ctx, &redis.XReadArgs{Streams: args, Count: r.count, Block: block}).Result()
		switch {
		case errors.Is(err, redis.Nil) && r.appended == nil: // the block timed out with nothing new
			continue
		case errors.Is(err, redis.Nil): // nothing new: wait to be told
			if idle == nil {
				idle = time.NewTimer(r.block)
			} else {
				idle.Reset(r.block)
			}
			select {
			case <-r.appended:
			case <-idle.C:
			case <-ctx.Done():
				return nil
			}
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			if conn != nil { // a new connection, with a client id of its own, next time
				release()
				conn, release = nil, func() {}
			}
			r.m.readErrors.Inc()
			r.logger.WarnContext(ctx, "realtime: read streams; retrying", "err", err, "backoff", backoff)
			if !sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		backlog = false
		for _, s := range res {
			backlog = backlog || int64(len(s.Messages)) >= r.count
			ch, ok := channelOf(s.Stream)
			if !ok {
				continue
			}
			i := ch.index()
			for _, m := range s.Messages {
				if id, ok := mustParseStreamID(m.ID); ok {
					ids[i] = id
				}
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
func (r *reader) offer(ctx context.Context, i int, ch Channel, m redis.XMessage) {
	defer func() {
		if v := recover(); v != nil {
			r.m.badEntries.Inc()
			r.logger.ErrorContext(ctx, "realtime: panic on stream entry; skipped", "stream", ch.stream(), "id", m.ID,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if !r.hub.watched(i, entryTenant(m)) {
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
func (r *reader) start(ctx context.Context) ([numChannels]streamID, error) {
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

func (r *reader) lastIDs(ctx context.Context) ([numChannels]streamID, error) {
	var ids [numChannels]streamID
	pipe := r.redis.Pipeline()
	cmds := make([]*redis.XMessageSliceCmd, numChannels)
	for i, ch := range channels {
		cmds[i] = pipe.XRevRangeN(ctx, ch.stream(), "+", "-", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return ids, fmt.Errorf("XREVRANGE: %w", err)
	}
	for i, cmd := range cmds {
		msgs, err := cmd.Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return ids, fmt.Errorf("XREVRANGE %s: %w", channels[i].stream(), err)
		}
		if len(msgs) > 0 {
			id, ok := mustParseStreamID(msgs[0].ID)
			if !ok {
				return ids, fmt.Errorf("XREVRANGE %s: entry id %q is not <ms>-<seq>", channels[i].stream(), msgs[0].ID)
			}
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
