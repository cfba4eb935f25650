// Package streams is the append-only log the live path runs on: one stream
// per event kind, entries with increasing ids, trimmed to a length, read from
// a cursor by every instance (the realtime reader) or shared out by consumer
// groups (alerting).
//
// Two implementations have the same semantics, proven by one conformance
// suite: Redis Streams through go-redis (NewRedis: XADD MAXLEN ~, XREAD,
// XRANGE, XREADGROUP, XACK, XAUTOCLAIM, XPENDING; what a deployment with
// LIGHTWATCH_REDIS_URL uses, shared by every instance), and an in-process log
// (NewMemory: the embedded default, one instance, no protocol on the hot
// path and blocking reads woken by the append itself).
package streams

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ID is an entry id, <ms>-<seq> as Redis writes it: the append time in Unix
// milliseconds and a sequence within it. Ids of one stream only increase.
type ID struct{ Ms, Seq uint64 }

// ParseID reads the full <ms>-<seq> form; a bare <ms>, which Redis also
// accepts in ranges, is refused (ParseUint also refuses signs, spaces and
// empty parts).
func ParseID(s string) (ID, error) {
	msPart, seqPart, ok := strings.Cut(s, "-")
	if !ok {
		return ID{}, errBadID
	}
	ms, err1 := strconv.ParseUint(msPart, 10, 64)
	seq, err2 := strconv.ParseUint(seqPart, 10, 64)
	if err1 != nil || err2 != nil {
		return ID{}, errBadID
	}
	return ID{ms, seq}, nil
}

var errBadID = errors.New("stream entry id is not <milliseconds>-<sequence>")

// Less orders ids.
func (a ID) Less(b ID) bool { return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq) }

// IsZero reports whether a is 0-0, before every entry.
func (a ID) IsZero() bool { return a == ID{} }

// Next is the smallest id after a.
func (a ID) Next() ID {
	if a.Seq == ^uint64(0) {
		return ID{a.Ms + 1, 0}
	}
	return ID{a.Ms, a.Seq + 1}
}

func (a ID) String() string {
	return strconv.FormatUint(a.Ms, 10) + "-" + strconv.FormatUint(a.Seq, 10)
}

// Entry is what an entry holds: the fields Lightwatch writes (stream.Field*).
// Tenant and Kind are copies out of Event so that a reader can skip entries
// without decoding them.
type Entry struct {
	Event  []byte // JSON; shared between readers, never modified
	Tenant string
	Kind   string
}

// Record is an entry to append to a stream.
type Record struct {
	Stream string
	Entry
}

// Message is an entry read back with its id.
type Message struct {
	ID ID
	Entry
}

// Cursor is a read position: entries of Stream after After.
type Cursor struct {
	Stream string
	After  ID
}

// Batch is what one read returned from one stream, oldest first.
type Batch struct {
	Stream   string
	Messages []Message
	// Trimmed says entries after the cursor were trimmed away before this
	// read could return them: the reader fell more than the stream's length
	// behind, and Messages start at the oldest entry left. Only the
	// in-process log reports it; on Redis it is always false.
	Trimmed bool
}

// ErrNoGroup is returned by group operations when the stream or the group
// does not exist (Redis's NOGROUP): create it again.
var ErrNoGroup = errors.New("streams: no such stream or consumer group")

// Streams is the log.
type Streams interface {
	// Add appends each record to its stream, in order, then trims every
	// stream it added to so that it keeps at least maxLen entries and not
	// many more (maxLen <= 0: no trimming). On error some records may have
	// been added.
	Add(ctx context.Context, maxLen int64, records []Record) error
	// Range returns up to count (<= 0: all) entries of stream with ids at
	// or after from, oldest first.
	Range(ctx context.Context, stream string, from ID, count int64) ([]Message, error)
	// Last returns the id of the stream's newest entry; ok is false when it
	// holds none.
	Last(ctx context.Context, stream string) (id ID, ok bool, err error)
	// First returns the id of the stream's oldest entry; ok is false when
	// it holds none.
	First(ctx context.Context, stream string) (id ID, ok bool, err error)
	// Reader returns a reader for blocking reads; Close it when done.
	Reader(ctx context.Context) Reader

	// CreateGroup creates group on stream (and the stream if need be),
	// delivering entries added from now on. An existing group is kept.
	CreateGroup(ctx context.Context, stream, group string) error
	// Ack acknowledges entries read by the group: they leave its pending
	// list.
	Ack(ctx context.Context, stream, group string, ids ...ID) error
	// AutoClaim hands consumer the group's pending entries from start on,
	// up to count, that have waited at least minIdle since their last
	// delivery, and returns them with the cursor of the next call (zero
	// when the pending list has been scanned to its end). Pending entries
	// trimmed from the stream leave the list and are not returned.
	AutoClaim(ctx context.Context, stream, group, consumer string, minIdle time.Duration, start ID, count int64) ([]Message, ID, error)
	// Pending returns how many entries the group delivered to consumer
	// that it has not acknowledged.
	Pending(ctx context.Context, stream, group, consumer string) (int64, error)
	// DelConsumer removes consumer from the group, with its pending entries.
	DelConsumer(ctx context.Context, stream, group, consumer string) error
}

// Reader does blocking reads. Its reads end early when the context given to
// Streams.Reader is done. After an error, Close it and take another. It is
// not safe for concurrent use.
type Reader interface {
	// Read returns up to count entries after each cursor, from the streams
	// that have any; when none has, it waits up to block (0: no wait) and
	// returns nil, nil if still none.
	Read(ctx context.Context, cursors []Cursor, count int64, block time.Duration) ([]Batch, error)
	// ReadGroup reads entries no consumer of group has been delivered yet,
	// up to count per stream, as consumer, waiting up to block like Read.
	// With noAck they are not added to the pending list.
	ReadGroup(ctx context.Context, group, consumer string, streams []string, count int64, block time.Duration, noAck bool) ([]Batch, error)
	Close()
}
