package streams

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
)

// Entry field names in Redis. They are shared with every consumer; never
// change them (package stream re-exports them).
const (
	FieldEvent  = "event"
	FieldTenant = "tenant"
	FieldKind   = "kind"
)

// pipelineChunk bounds how many XADDs go in one round trip: large enough to
// amortise the round trip, small enough that a single pipeline's buffers and
// Redis's reply stay modest.
const pipelineChunk = 500

// Redis is Streams on Redis Streams through go-redis.
type Redis struct{ client *redis.Client }

// NewRedis returns Streams backed by client.
func NewRedis(client *redis.Client) *Redis { return &Redis{client: client} }

var _ Streams = (*Redis)(nil)

// Client is the go-redis client the streams use.
func (r *Redis) Client() *redis.Client { return r.client }

// Add implements Streams: pipelined XADD ... MAXLEN ~ maxLen * in chunks of
// pipelineChunk. Trimming is approximate, which lets Redis drop whole
// internal nodes instead of single entries: far cheaper, and a stream may
// briefly hold somewhat more than maxLen entries.
func (r *Redis) Add(ctx context.Context, maxLen int64, records []Record) error {
	maxLen = max(maxLen, 0)
	for start := 0; start < len(records); start += pipelineChunk {
		end := min(start+pipelineChunk, len(records))
		pipe := r.client.Pipeline()
		for _, rec := range records[start:end] {
			// []byte, not string: go-redis writes it as is, with no copy.
			pipe.XAdd(ctx, &redis.XAddArgs{
				Stream: rec.Stream, MaxLen: maxLen, Approx: maxLen > 0, ID: "*",
				Values: []any{FieldEvent, rec.Event, FieldTenant, rec.Tenant, FieldKind, rec.Kind},
			})
		}
		// Exec returns the first failed command's error; that is enough to
		// report, since the caller must treat the whole chunk as unsure anyway.
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("streams: pipelined XADD of records %d-%d of %d (%d already sent): %w",
				start, end-1, len(records), start, err)
		}
	}
	return nil
}

func fromXMessages(msgs []redis.XMessage) ([]Message, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		id, err := ParseID(m.ID)
		if err != nil {
			return nil, fmt.Errorf("entry id %q: %w", m.ID, err)
		}
		ev, _ := m.Values[FieldEvent].(string)
		tenant, _ := m.Values[FieldTenant].(string)
		kind, _ := m.Values[FieldKind].(string)
		out[i] = Message{ID: id, Entry: Entry{Event: []byte(ev), Tenant: tenant, Kind: kind}}
	}
	return out, nil
}

func fromXStreams(res []redis.XStream) ([]Batch, error) {
	out := make([]Batch, 0, len(res))
	for _, s := range res {
		msgs, err := fromXMessages(s.Messages)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", s.Stream, err)
		}
		if len(msgs) > 0 {
			out = append(out, Batch{Stream: s.Stream, Messages: msgs})
		}
	}
	return out, nil
}

// Range implements Streams with XRANGE stream from + [COUNT count].
func (r *Redis) Range(ctx context.Context, stream string, from ID, count int64) ([]Message, error) {
	var msgs []redis.XMessage
	var err error
	if count > 0 {
		msgs, err = r.client.XRangeN(ctx, stream, from.String(), "+", count).Result()
	} else {
		msgs, err = r.client.XRange(ctx, stream, from.String(), "+").Result()
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("streams: XRANGE %s: %w", stream, err)
	}
	out, err := fromXMessages(msgs)
	if err != nil {
		return nil, fmt.Errorf("streams: XRANGE %s: %w", stream, err)
	}
	return out, nil
}

func (r *Redis) one(ctx context.Context, cmd string, msgs []redis.XMessage, err error, stream string) (ID, bool, error) {
	if err != nil && !errors.Is(err, redis.Nil) {
		return ID{}, false, fmt.Errorf("streams: %s %s: %w", cmd, stream, err)
	}
	if len(msgs) == 0 {
		return ID{}, false, nil
	}
	id, err := ParseID(msgs[0].ID)
	if err != nil {
		return ID{}, false, fmt.Errorf("streams: %s %s: entry id %q: %w", cmd, stream, msgs[0].ID, err)
	}
	return id, true, nil
}

// Last implements Streams with XREVRANGE stream + - COUNT 1.
func (r *Redis) Last(ctx context.Context, stream string) (ID, bool, error) {
	msgs, err := r.client.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	return r.one(ctx, "XREVRANGE", msgs, err, stream)
}

// First implements Streams with XRANGE stream - + COUNT 1.
func (r *Redis) First(ctx context.Context, stream string) (ID, bool, error) {
	msgs, err := r.client.XRangeN(ctx, stream, "-", "+", 1).Result()
	return r.one(ctx, "XRANGE", msgs, err, stream)
}

// CreateGroup implements Streams with XGROUP CREATE stream group $ MKSTREAM.
func (r *Redis) CreateGroup(ctx context.Context, stream, group string) error {
	err := r.client.XGroupCreateMkStream(ctx, stream, group, "$").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("streams: XGROUP CREATE %s %s: %w", stream, group, err)
	}
	return nil
}

func noGroup(err error) error {
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		return fmt.Errorf("%w (%v)", ErrNoGroup, err)
	}
	return err
}

func idStrings(ids []ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// Ack implements Streams with XACK.
func (r *Redis) Ack(ctx context.Context, stream, group string, ids ...ID) error {
	if len(ids) == 0 {
		return nil
	}
	if err := r.client.XAck(ctx, stream, group, idStrings(ids)...).Err(); err != nil {
		return fmt.Errorf("streams: XACK %s %s: %w", stream, group, noGroup(err))
	}
	return nil
}

// AutoClaim implements Streams with XAUTOCLAIM.
func (r *Redis) AutoClaim(ctx context.Context, stream, group, consumer string, minIdle time.Duration, start ID, count int64) ([]Message, ID, error) {
	msgs, next, err := r.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: stream, Group: group, Consumer: consumer, MinIdle: minIdle, Start: start.String(), Count: count,
	}).Result()
	if err != nil {
		return nil, ID{}, fmt.Errorf("streams: XAUTOCLAIM %s %s: %w", stream, group, noGroup(err))
	}
	out, err := fromXMessages(msgs)
	if err != nil {
		return nil, ID{}, fmt.Errorf("streams: XAUTOCLAIM %s: %w", stream, err)
	}
	nextID, _ := ParseID(next) // "0-0" or "" when done
	return out, nextID, nil
}

// Pending implements Streams with XPENDING stream group (the summary, which
// counts per consumer).
func (r *Redis) Pending(ctx context.Context, stream, group, consumer string) (int64, error) {
	p, err := r.client.XPending(ctx, stream, group).Result()
	if err != nil {
		return 0, fmt.Errorf("streams: XPENDING %s %s: %w", stream, group, noGroup(err))
	}
	return p.Consumers[consumer], nil
}

// DelConsumer implements Streams with XGROUP DELCONSUMER.
func (r *Redis) DelConsumer(ctx context.Context, stream, group, consumer string) error {
	if err := r.client.XGroupDelConsumer(ctx, stream, group, consumer).Err(); err != nil {
		return fmt.Errorf("streams: XGROUP DELCONSUMER %s %s: %w", stream, group, noGroup(err))
	}
	return nil
}

// Reader implements Streams: blocking reads go over a connection of their
// own (redisconn.Blocking), which ctx's end wakes with CLIENT UNBLOCK.
func (r *Redis) Reader(ctx context.Context) Reader {
	conn, release := redisconn.Blocking(ctx, r.client)
	return &redisReader{conn: conn, release: release}
}

type redisReader struct {
	conn    *redis.Conn
	release func()
}

func (r *redisReader) Close() { r.release() }

// blockArg maps Reader's block (0: none) to go-redis's (negative: none; 0
// would block forever).
func blockArg(block time.Duration) time.Duration {
	if block <= 0 {
		return -1
	}
	return block
}

// Read implements Reader with XREAD [BLOCK ms] COUNT count STREAMS ...
func (r *redisReader) Read(ctx context.Context, cursors []Cursor, count int64, block time.Duration) ([]Batch, error) {
	args := make([]string, 2*len(cursors))
	for i, c := range cursors {
		args[i], args[len(cursors)+i] = c.Stream, c.After.String()
	}
	res, err := r.conn.XRead(ctx, &redis.XReadArgs{Streams: args, Count: count, Block: blockArg(block)}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("streams: XREAD: %w", err)
	}
	out, err := fromXStreams(res)
	if err != nil {
		return nil, fmt.Errorf("streams: XREAD: %w", err)
	}
	return out, nil
}

// ReadGroup implements Reader with XREADGROUP GROUP group consumer ... > ...
func (r *redisReader) ReadGroup(ctx context.Context, group, consumer string, streams []string, count int64, block time.Duration, noAck bool) ([]Batch, error) {
	args := append(append([]string{}, streams...), make([]string, len(streams))...)
	for i := range streams {
		args[len(streams)+i] = ">"
	}
	res, err := r.conn.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: consumer, Streams: args,
		Count: count, Block: blockArg(block), NoAck: noAck}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("streams: XREADGROUP: %w", noGroup(err))
	}
	out, err := fromXStreams(res)
	if err != nil {
		return nil, fmt.Errorf("streams: XREADGROUP: %w", err)
	}
	return out, nil
}
