package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bits-and-blooms/bloom/v3"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/eventblock"
)

// Log events live in two places (docs/storage.md has the measurements behind
// this design):
//
//   - the head: the newest events, as one log_head row per InsertEvents call
//     (the call's fresh logs, column-encoded and lightly compressed), so a
//     batch costs one row insert whatever its size, and a copy in memory that
//     queries scan;
//   - blocks: immutable log_blocks rows of up to BlockEvents events of one
//     tenant and service, sorted by (ts, id), column-encoded and compressed
//     with zstd, with metadata (time range, count per level) that queries use
//     to skip or count blocks without reading them.
//
// A compactor moves the head into blocks in the background: one transaction
// inserts the blocks and deletes the head rows they hold, so a crash leaves
// every event in exactly one of the two.
//
// Readers see the two through one immutable logState, swapped atomically when
// a compaction or a retention drop commits: a query's snapshot holds every
// event exactly once whatever runs beside it, so keyset pages neither skip
// nor repeat across the head/block boundary.

// Defaults of the head and block sizes; Options overrides them.
const (
	defaultBlockEvents = 1000
	defaultHeadEvents  = 8192
	defaultHeadAge     = time.Minute
)

// bloomBitsPerID and bloomHashes size the id filters: 16 bits and 10 hashes
// per id give about 1 false positive in 2,000 per filter.
const (
	bloomBitsPerID = 16
	bloomHashes    = 10
	// idSegmentIDs is the capacity of one segment of the union id filter.
	idSegmentIDs = 1 << 20
)

// logEvent is one event of the head.
type logEvent struct {
	seq int64 // its log_head row
	ts  int64
	e   event.Event
}

// logBlock is the in-memory metadata of one log_blocks row.
type logBlock struct {
	id           int64
	tenant       string
	service      string
	minTS, maxTS int64
	count        int64
	levels       map[event.Level]int64
	size         int64              // bytes of its ids and data
	ids          *bloom.BloomFilter // of tenant+"\x00"+id
	seg          *idSegment
}

// logState is what a query sees; never modified once published.
type logState struct {
	head   []logEvent  // in seq order
	blocks []*logBlock // in id order
}

// idSegment is part of the union id filter: every id of the blocks added to
// it while it was the newest, until it held idSegmentIDs.
type idSegment struct {
	f      *bloom.BloomFilter
	n      int
	blocks int // live blocks; a full segment with none left is dropped
}

// logStore is the log part of Store.
type logStore struct {
	blockEvents, headEvents int
	headAge                 time.Duration

	fast, compact *eventblock.Codec

	// mu serializes what changes the state: inserts, compactions, drops.
	mu      sync.Mutex
	state   atomic.Pointer[logState]
	headIDs map[string]struct{} // tenant+"\x00"+id of the head's events; under mu
	segs    []*idSegment        // under mu
	headAt  time.Time           // when the oldest head event was added; under mu

	compactMu sync.Mutex // one compaction at a time
	kick      chan struct{}
	stop      context.CancelFunc
	done      chan struct{}
	lastErr   atomic.Pointer[error]
	// hook, when set (by tests only), is called at the named points of the
	// write path: a crash test stalls there and kills the process.
	hook func(point string)
}

func (l *logStore) at(point string) {
	if l.hook != nil {
		l.hook(point)
	}
}

func idKey(tenant, id string) string { return tenant + "\x00" + id }

func newLogStore(o Options) (*logStore, error) {
	l := &logStore{
		blockEvents: cmp.Or(o.BlockEvents, defaultBlockEvents),
		headEvents:  cmp.Or(o.HeadEvents, defaultHeadEvents),
		headAge:     cmp.Or(o.HeadAge, defaultHeadAge),
		headIDs:     map[string]struct{}{},
		kick:        make(chan struct{}, 1),
	}
	var err error
	if l.fast, err = eventblock.NewCodec(eventblock.Fast); err != nil {
		return nil, err
	}
	if l.compact, err = eventblock.NewCodec(eventblock.Compact); err != nil {
		l.fast.Close()
		return nil, err
	}
	l.state.Store(&logState{})
	return l, nil
}

// load reads the head and the block metadata, rebuilding the id filters from
// the blocks' id streams.
func (l *logStore) load(ctx context.Context, db *sql.DB) error {
	st := &logState{}
	rows, err := db.QueryContext(ctx, "SELECT seq, ids, data FROM log_head ORDER BY seq")
	if err != nil {
		return fmt.Errorf("read log head: %w", err)
	}
	for rows.Next() {
		var seq int64
		var enc eventblock.Encoded
		if err := rows.Scan(&seq, &enc.IDs, &enc.Data); err != nil {
			rows.Close()
			return fmt.Errorf("read log head: %w", err)
		}
		events, err := l.fast.Decode(enc)
		if err != nil {
			rows.Close()
			return fmt.Errorf("read log head row %d: %w", seq, err)
		}
		for _, e := range events {
			st.head = append(st.head, logEvent{seq: seq, ts: e.TS.UnixNano(), e: e})
			l.headIDs[idKey(e.Tenant, e.ID)] = struct{}{}
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("read log head: %w", err)
	}
	rows, err = db.QueryContext(ctx, "SELECT id, tenant, service, min_ts, max_ts, count, levels, length(data) + length(ids), ids FROM log_blocks ORDER BY id")
	if err != nil {
		return fmt.Errorf("read log blocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b := &logBlock{}
		var levels string
		var ids []byte
		if err := rows.Scan(&b.id, &b.tenant, &b.service, &b.minTS, &b.maxTS, &b.count, &levels, &b.size, &ids); err != nil {
			return fmt.Errorf("read log blocks: %w", err)
		}
		if err := json.Unmarshal([]byte(levels), &b.levels); err != nil {
			return fmt.Errorf("read log block %d levels: %w", b.id, err)
		}
		list, err := l.compact.IDs(ids)
		if err != nil {
			return fmt.Errorf("read log block %d: %w", b.id, err)
		}
		l.index(b, list)
		st.blocks = append(st.blocks, b)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read log blocks: %w", err)
	}
	if len(st.head) > 0 {
		l.headAt = time.Now()
	}
	l.state.Store(st)
	return nil
}

// index builds b's id filter and adds its ids to the union filter. Under mu
// (or before the store is shared).
func (l *logStore) index(b *logBlock, ids []string) {
	b.ids = bloom.New(uint(max(64, len(ids)*bloomBitsPerID)), bloomHashes)
	if len(l.segs) == 0 || l.segs[len(l.segs)-1].n >= idSegmentIDs {
		l.segs = append(l.segs, &idSegment{f: bloom.New(idSegmentIDs*bloomBitsPerID, bloomHashes)})
	}
	seg := l.segs[len(l.segs)-1]
	seg.n += len(ids)
	seg.blocks++
	b.seg = seg
	for _, id := range ids {
		k := []byte(idKey(b.tenant, id))
		b.ids.Add(k)
		seg.f.Add(k)
	}
}

// unindex forgets a dropped block's segment share. Under mu.
func (l *logStore) unindex(b *logBlock) {
	b.seg.blocks--
	if b.seg.blocks == 0 && b.seg != l.segs[len(l.segs)-1] {
		l.segs = slices.DeleteFunc(l.segs, func(s *idSegment) bool { return s == b.seg })
	}
}

// inBlocks reports whether (tenant, id) is stored in a block: the union
// filter rules out almost every new id at once; the rest are checked against
// each block's filter and then its id stream. cache holds the id streams
// read during one call. Under mu.
func (l *logStore) inBlocks(ctx context.Context, db *sql.DB, st *logState, tenant, id string, cache map[int64]map[string]struct{}) (bool, error) {
	locs := bloom.Locations([]byte(idKey(tenant, id)), bloomHashes)
	maybe := false
	for _, s := range l.segs {
		if s.f.TestLocations(locs) {
			maybe = true
			break
		}
	}
	if !maybe {
		return false, nil
	}
	for _, b := range st.blocks {
		if b.tenant != tenant || !b.ids.TestLocations(locs) {
			continue
		}
		set, ok := cache[b.id]
		if !ok {
			var raw []byte
			err := db.QueryRowContext(ctx, "SELECT ids FROM log_blocks WHERE id = ?", b.id).Scan(&raw)
			if err != nil {
				return false, fmt.Errorf("read ids of log block %d: %w", b.id, err)
			}
			list, err := l.compact.IDs(raw)
			if err != nil {
				return false, fmt.Errorf("log block %d: %w", b.id, err)
			}
			set = make(map[string]struct{}, len(list))
			for _, x := range list {
				set[x] = struct{}{}
			}
			cache[b.id] = set
		}
		if _, ok := set[id]; ok {
			return true, nil
		}
	}
	return false, nil
}

// freshLogs decides which of the call's logs are new (neither stored nor
// repeating an earlier one of the call), sets their fresh flags and returns
// them. Under mu, which the caller holds until appendHead.
func (l *logStore) freshLogs(ctx context.Context, db *sql.DB, events []event.Event, fresh []bool) ([]event.Event, error) {
	st := l.state.Load()
	var out []event.Event
	var seen map[string]struct{}
	var cache map[int64]map[string]struct{}
	for i := range events {
		e := &events[i]
		if e.Kind != event.KindLog {
			continue
		}
		k := idKey(e.Tenant, e.ID)
		if _, dup := l.headIDs[k]; dup {
			continue
		}
		if _, dup := seen[k]; dup {
			continue
		}
		if cache == nil {
			cache = map[int64]map[string]struct{}{}
		}
		dup, err := l.inBlocks(ctx, db, st, e.Tenant, e.ID, cache)
		if err != nil {
			return nil, err
		}
		if dup {
			continue
		}
		if seen == nil {
			seen = map[string]struct{}{}
		}
		seen[k] = struct{}{}
		fresh[i] = true
		out = append(out, ownLog(e))
	}
	return out, nil
}

// ownLog is the head's copy of e: sharing nothing with the caller, and as
// a block would read it back (UTC times, no empty attribute map).
func ownLog(e *event.Event) event.Event {
	c := *e
	l := *e.Log
	c.Log = &l
	c.TS = check.Time(e.TS.UnixNano())
	if !e.ReceivedAt.IsZero() {
		c.ReceivedAt = check.Time(e.ReceivedAt.UnixNano())
	}
	c.Attributes = nil
	if len(e.Attributes) > 0 {
		c.Attributes = maps.Clone(e.Attributes)
	}
	return c
}

// appendHead publishes the committed head row seq holding events. Under mu.
func (l *logStore) appendHead(seq int64, events []event.Event) {
	if len(events) == 0 {
		return
	}
	st := l.state.Load()
	if len(st.head) == 0 {
		l.headAt = time.Now()
	}
	// Appending never writes where a published state reads: states share
	// the head's array only up to their own length.
	head := st.head
	for _, e := range events {
		head = append(head, logEvent{seq: seq, ts: e.TS.UnixNano(), e: e})
		l.headIDs[idKey(e.Tenant, e.ID)] = struct{}{}
	}
	l.state.Store(&logState{head: head, blocks: st.blocks})
	if len(head) >= l.headEvents {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// headOlderThan reports whether the head holds an event before ts.
func (l *logStore) headOlderThan(ts int64) bool {
	for _, h := range l.state.Load().head {
		if h.ts < ts {
			return true
		}
	}
	return false
}

// builtBlock is a block encoded outside the lock, waiting for its row.
type builtBlock struct {
	meta *logBlock
	enc  eventblock.Encoded
	ids  []string
}

// build groups events by tenant and service, sorts each group by (ts, id)
// and cuts it into blocks.
func (l *logStore) build(events []event.Event) ([]builtBlock, error) {
	type group struct{ tenant, service string }
	groups := map[group][]event.Event{}
	var order []group
	for _, e := range events {
		g := group{e.Tenant, e.Service}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], e)
	}
	var out []builtBlock
	for _, g := range order {
		evs := groups[g]
		slices.SortFunc(evs, func(a, b event.Event) int {
			return cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.ID, b.ID))
		})
		for start := 0; start < len(evs); start += l.blockEvents {
			chunk := evs[start:min(start+l.blockEvents, len(evs))]
			enc, err := l.compact.Encode(chunk)
			if err != nil {
				return nil, err
			}
			m := &logBlock{
				tenant: g.tenant, service: g.service,
				minTS: chunk[0].TS.UnixNano(), maxTS: chunk[len(chunk)-1].TS.UnixNano(),
				count: int64(len(chunk)), levels: map[event.Level]int64{},
				size: int64(len(enc.IDs) + len(enc.Data)),
			}
			ids := make([]string, len(chunk))
			for i, e := range chunk {
				m.levels[e.Log.Level]++
				ids[i] = e.ID
			}
			out = append(out, builtBlock{meta: m, enc: enc, ids: ids})
		}
	}
	return out, nil
}

// compactHead moves every event now in the head into blocks. force compacts
// even a small, young head (Close and tests do).
func (s *Store) compactHead(ctx context.Context, force bool) error {
	l := s.logs
	l.compactMu.Lock()
	defer l.compactMu.Unlock()
	l.mu.Lock()
	head := l.state.Load().head
	young := time.Since(l.headAt) < l.headAge
	l.mu.Unlock()
	if len(head) == 0 || (!force && len(head) < l.headEvents && young) {
		return nil
	}
	events := make([]event.Event, len(head))
	for i, h := range head {
		events[i] = h.e
	}
	built, err := l.build(events)
	if err != nil {
		return fmt.Errorf("compact log head: %w", err)
	}
	lastSeq := head[len(head)-1].seq

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := s.commitBlocks(ctx, built, lastSeq, 0); err != nil {
		return fmt.Errorf("compact log head: %w", err)
	}
	st := l.state.Load()
	blocks := slices.Clip(st.blocks)
	for _, b := range built {
		l.index(b.meta, b.ids)
		blocks = append(blocks, b.meta)
	}
	for _, h := range head {
		delete(l.headIDs, idKey(h.e.Tenant, h.e.ID))
	}
	rest := st.head[len(head):]
	if len(rest) == 0 {
		rest = nil // let the old array go
	} else {
		l.headAt = time.Now()
	}
	l.state.Store(&logState{head: rest, blocks: blocks})
	return nil
}

// commitBlocks is the compaction's one transaction: the blocks in, the head
// rows up to lastSeq (0: none) out, or the old logs table's rows up to rowid
// legacyUpTo (0: none). Under mu.
func (s *Store) commitBlocks(ctx context.Context, built []builtBlock, lastSeq, legacyUpTo int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO log_blocks (tenant, service, min_ts, max_ts, count, levels, ids, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer ins.Close()
	for _, b := range built {
		levels, err := json.Marshal(b.meta.levels)
		if err != nil {
			return err
		}
		m := b.meta
		res, err := ins.ExecContext(ctx, m.tenant, m.service, m.minTS, m.maxTS, m.count, string(levels), b.enc.IDs, b.enc.Data)
		if err != nil {
			return fmt.Errorf("insert block: %w", err)
		}
		if m.id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert block: %w", err)
		}
	}
	if lastSeq > 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM log_head WHERE seq <= ?", lastSeq); err != nil {
			return fmt.Errorf("delete head: %w", err)
		}
	}
	if legacyUpTo > 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM logs WHERE rowid <= ?", legacyUpTo); err != nil {
			return fmt.Errorf("delete moved rows: %w", err)
		}
	}
	s.logs.at("compaction before commit")
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.logs.at("compaction after commit")
	return nil
}

// runCompactor compacts when the head is full (kicked by appendHead) or old.
func (s *Store) runCompactor(ctx context.Context) {
	l := s.logs
	defer close(l.done)
	t := time.NewTicker(max(l.headAge/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.kick:
		case <-t.C:
		}
		if err := s.compactHead(ctx, false); err != nil {
			if ctx.Err() != nil {
				return
			}
			l.lastErr.Store(&err)
			s.logger.Error("log compaction failed", "err", err)
			continue
		}
		l.lastErr.Store(nil)
	}
}

// Compact moves the whole log head into blocks now. The compactor does this
// by itself; Close and tests call it to leave no head behind.
func (s *Store) Compact(ctx context.Context) error {
	return s.compactHead(ctx, true)
}
