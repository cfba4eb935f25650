package streams

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"
)

// compactAfter is how many trimmed slots a stream's array may lead with
// before the live entries are moved down: trimming one entry per append
// then costs O(1), and the copy happens once per compactAfter appends.
const compactAfter = 4096

// Memory is the in-process Streams: the embedded default. It holds its
// streams in this process's memory, so it serves one instance, and loses
// them on restart.
type Memory struct {
	mu      sync.RWMutex
	streams map[string]*memLog
	// appended is closed, and replaced, by every Add: blocked readers wait
	// on it, so an append wakes them without polling.
	appended chan struct{}
	now      func() time.Time
}

type memLog struct {
	msgs []Message // msgs[head:] are the entries, oldest first
	head int
	last ID // the newest id ever given, even if since trimmed
	// trimmedTo is the id of the newest entry trimmed away; zero if none.
	trimmedTo ID
	groups    map[string]*memGroup
}

type memGroup struct {
	lastDelivered ID
	pending       map[ID]*memPending
}

type memPending struct {
	consumer  string
	delivered time.Time
}

// NewMemory returns an empty in-process Streams.
func NewMemory() *Memory {
	return &Memory{streams: map[string]*memLog{}, appended: make(chan struct{}), now: time.Now}
}

var _ Streams = (*Memory)(nil)

func (m *Memory) log(stream string) *memLog {
	l := m.streams[stream]
	if l == nil {
		l = &memLog{groups: map[string]*memGroup{}}
		m.streams[stream] = l
	}
	return l
}

func (l *memLog) live() []Message { return l.msgs[l.head:] }

// after returns the index in live() of the first entry after id.
func (l *memLog) after(id ID) int {
	live := l.live()
	return sort.Search(len(live), func(i int) bool { return id.Less(live[i].ID) })
}

// from returns the index in live() of the first entry at or after id.
func (l *memLog) from(id ID) int {
	live := l.live()
	return sort.Search(len(live), func(i int) bool { return !live[i].ID.Less(id) })
}

func (l *memLog) trim(maxLen int64) {
	n := int64(len(l.msgs) - l.head)
	if maxLen <= 0 || n <= maxLen {
		return
	}
	drop := int(n - maxLen)
	l.trimmedTo = l.msgs[l.head+drop-1].ID
	clear(l.msgs[l.head : l.head+drop]) // let the payloads go
	l.head += drop
	if l.head >= compactAfter && l.head >= len(l.msgs)/2 {
		k := copy(l.msgs, l.msgs[l.head:])
		clear(l.msgs[k:])
		l.msgs, l.head = l.msgs[:k], 0
	}
}

// Add implements Streams.
func (m *Memory) Add(_ context.Context, maxLen int64, records []Record) error {
	if len(records) == 0 {
		return nil
	}
	ms := uint64(m.now().UnixMilli())
	m.mu.Lock()
	touched := make(map[*memLog]struct{}, 4)
	for _, r := range records {
		l := m.log(r.Stream)
		id := ID{ms, 0}
		if ms <= l.last.Ms {
			id = ID{l.last.Ms, l.last.Seq + 1}
		}
		l.last = id
		l.msgs = append(l.msgs, Message{ID: id, Entry: r.Entry})
		touched[l] = struct{}{}
	}
	for l := range touched {
		l.trim(maxLen)
	}
	close(m.appended)
	m.appended = make(chan struct{})
	m.mu.Unlock()
	return nil
}

// copyOut copies messages out of a log's array, which a later trim clears.
func copyOut(msgs []Message, count int64) []Message {
	if count > 0 && int64(len(msgs)) > count {
		msgs = msgs[:count]
	}
	if len(msgs) == 0 {
		return nil
	}
	return slices.Clone(msgs)
}

// Range implements Streams.
func (m *Memory) Range(_ context.Context, stream string, from ID, count int64) ([]Message, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	l := m.streams[stream]
	if l == nil {
		return nil, nil
	}
	return copyOut(l.live()[l.from(from):], count), nil
}

// Last implements Streams.
func (m *Memory) Last(_ context.Context, stream string) (ID, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if l := m.streams[stream]; l != nil && len(l.live()) > 0 {
		live := l.live()
		return live[len(live)-1].ID, true, nil
	}
	return ID{}, false, nil
}

// First implements Streams.
func (m *Memory) First(_ context.Context, stream string) (ID, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if l := m.streams[stream]; l != nil && len(l.live()) > 0 {
		return l.live()[0].ID, true, nil
	}
	return ID{}, false, nil
}

// CreateGroup implements Streams.
func (m *Memory) CreateGroup(_ context.Context, stream, group string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.log(stream)
	if l.groups[group] == nil {
		l.groups[group] = &memGroup{lastDelivered: l.last, pending: map[ID]*memPending{}}
	}
	return nil
}

func (m *Memory) group(stream, group string) (*memLog, *memGroup, error) {
	l := m.streams[stream]
	if l == nil || l.groups[group] == nil {
		return nil, nil, ErrNoGroup
	}
	return l, l.groups[group], nil
}

// Ack implements Streams.
func (m *Memory) Ack(_ context.Context, stream, group string, ids ...ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, g, err := m.group(stream, group); err == nil {
		for _, id := range ids {
			delete(g.pending, id)
		}
	}
	return nil
}

// AutoClaim implements Streams.
func (m *Memory) AutoClaim(_ context.Context, stream, group, consumer string, minIdle time.Duration, start ID, count int64) ([]Message, ID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, g, err := m.group(stream, group)
	if err != nil {
		return nil, ID{}, err
	}
	ids := make([]ID, 0, len(g.pending))
	for id := range g.pending {
		if !id.Less(start) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b ID) int {
		if a.Less(b) {
			return -1
		}
		if b.Less(a) {
			return 1
		}
		return 0
	})
	now := m.now()
	var out []Message
	scanned := int64(0)
	for i, id := range ids {
		if count > 0 && scanned == count {
			return out, ids[i], nil
		}
		p := g.pending[id]
		live := l.live()
		j := l.from(id)
		if j == len(live) || live[j].ID != id { // trimmed away
			delete(g.pending, id)
			scanned++
			continue
		}
		if now.Sub(p.delivered) < minIdle {
			continue
		}
		p.consumer, p.delivered = consumer, now
		out = append(out, live[j])
		scanned++
	}
	return out, ID{}, nil
}

// Pending implements Streams.
func (m *Memory) Pending(_ context.Context, stream, group, consumer string) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, g, err := m.group(stream, group)
	if err != nil {
		return 0, err
	}
	n := int64(0)
	for _, p := range g.pending {
		if p.consumer == consumer {
			n++
		}
	}
	return n, nil
}

// DelConsumer implements Streams.
func (m *Memory) DelConsumer(_ context.Context, stream, group, consumer string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, g, err := m.group(stream, group)
	if err != nil {
		return err
	}
	for id, p := range g.pending {
		if p.consumer == consumer {
			delete(g.pending, id)
		}
	}
	return nil
}

// Reader implements Streams.
func (m *Memory) Reader(ctx context.Context) Reader { return &memReader{m: m, done: ctx.Done()} }

type memReader struct {
	m    *Memory
	done <-chan struct{}
}

func (r *memReader) Close() {}

// Read implements Reader.
func (r *memReader) Read(ctx context.Context, cursors []Cursor, count int64, block time.Duration) ([]Batch, error) {
	return r.wait(ctx, block, func() ([]Batch, error) {
		var out []Batch
		for _, c := range cursors {
			l := r.m.streams[c.Stream]
			if l == nil {
				continue
			}
			if msgs := copyOut(l.live()[l.after(c.After):], count); len(msgs) > 0 {
				out = append(out, Batch{Stream: c.Stream, Messages: msgs, Trimmed: c.After.Less(l.trimmedTo)})
			}
		}
		return out, nil
	})
}

// ReadGroup implements Reader.
func (r *memReader) ReadGroup(ctx context.Context, group, consumer string, streams []string, count int64, block time.Duration, noAck bool) ([]Batch, error) {
	return r.wait(ctx, block, func() ([]Batch, error) {
		for _, s := range streams {
			if _, _, err := r.m.group(s, group); err != nil {
				return nil, err
			}
		}
		var out []Batch
		now := r.m.now()
		for _, s := range streams {
			l, g, _ := r.m.group(s, group)
			msgs := copyOut(l.live()[l.after(g.lastDelivered):], count)
			if len(msgs) == 0 {
				continue
			}
			g.lastDelivered = msgs[len(msgs)-1].ID
			if !noAck {
				for _, msg := range msgs {
					g.pending[msg.ID] = &memPending{consumer: consumer, delivered: now}
				}
			}
			out = append(out, Batch{Stream: s, Messages: msgs})
		}
		return out, nil
	})
}

// wait runs read under the lock until it returns something, an error, or
// block has passed; an append between two tries wakes it at once.
func (r *memReader) wait(ctx context.Context, block time.Duration, read func() ([]Batch, error)) ([]Batch, error) {
	var timer *time.Timer
	for {
		r.m.mu.Lock() // read may move a group's position
		out, err := read()
		appended := r.m.appended
		r.m.mu.Unlock()
		if err != nil || len(out) > 0 || block <= 0 {
			return out, err
		}
		if timer == nil {
			timer = time.NewTimer(block)
			defer timer.Stop()
		}
		select {
		case <-appended:
		case <-timer.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-r.done:
			return nil, nil
		}
	}
}
