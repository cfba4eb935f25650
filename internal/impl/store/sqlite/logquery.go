package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/bits-and-blooms/bloom/v3"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/eventblock"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// logFilter is a store.LogQuery as the head and the blocks apply it: the
// core's filter.Matcher decides which events match (so the blocks, realtime
// and alerting can never disagree), and the block metadata rules whole
// blocks out by tenant, service, level and time.
type logFilter struct {
	plan     listing.Plan
	m        *filter.Matcher
	services []string
	levels   []string
	// metadataOnly: nothing but service and level filters, so a block wholly
	// in the window can be counted from its metadata.
	metadataOnly bool
	withAttrs    bool // the filter reads attributes
}

func newLogFilter(q store.LogQuery) (*logFilter, error) {
	p, err := listing.New(q.Window)
	if err != nil {
		return nil, err
	}
	// A LogQuery reads the log fields only.
	f := filter.Filter{Services: q.Services, Levels: q.Levels, Host: q.Host, Text: q.Text, Attrs: q.Attrs}
	if err := f.Check(); err != nil {
		return nil, err
	}
	return &logFilter{
		plan: p, m: f.Compile(), services: listing.Distinct(q.Services), levels: listing.Strings(listing.Distinct(q.Levels)),
		metadataOnly: q.Host == "" && q.Text == "" && len(q.Attrs) == 0, withAttrs: len(q.Attrs) > 0,
	}, nil
}

// inRange checks the window and cursor.
func (f *logFilter) inRange(ts int64, id string) bool {
	p := f.plan
	if ts < p.Lo || ts > p.Hi {
		return false
	}
	if a := p.After; a != nil && ts == a.TS {
		if p.Desc {
			return id < a.ID
		}
		return id > a.ID
	}
	return true
}

func (f *logFilter) match(e *event.Event) bool {
	return e.Tenant == f.plan.Tenant && f.m.Match(e)
}

// admits reports whether b may hold matches.
func (f *logFilter) admits(b *logBlock) bool {
	if b.tenant != f.plan.Tenant || b.maxTS < f.plan.Lo || b.minTS > f.plan.Hi {
		return false
	}
	if len(f.services) > 0 && !slices.Contains(f.services, b.service) {
		return false
	}
	if len(f.levels) > 0 {
		for _, l := range f.levels {
			if b.levels[event.Level(l)] > 0 {
				return true
			}
		}
		return false
	}
	return true
}

// metadataCount is how many of b's events match, when its metadata says.
func (f *logFilter) metadataCount(b *logBlock) (int64, bool) {
	if !f.metadataOnly || b.minTS < f.plan.Lo || b.maxTS > f.plan.Hi {
		return 0, false
	}
	if len(f.levels) == 0 {
		return b.count, true
	}
	var n int64
	for _, l := range f.levels {
		n += b.levels[event.Level(l)]
	}
	return n, true
}

// before orders events in the listing's direction.
func (f *logFilter) before(a, b *event.Event) int {
	c := cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.ID, b.ID))
	if f.plan.Desc {
		return -c
	}
	return c
}

// QueryLogs merges the matching head events with those of the blocks the
// metadata admits, read newest first (oldest first when ascending) and only
// until no further block can make the page.
func (s *Store) QueryLogs(ctx context.Context, q store.LogQuery) (store.Page, error) {
	f, err := newLogFilter(q)
	if err != nil {
		return store.Page{}, fmt.Errorf("query logs: %w", err)
	}
	if f.plan.Empty {
		return store.Page{Events: []event.Event{}}, nil
	}
	st := s.logs.state.Load()
	fetch := f.plan.Fetch()
	var out []event.Event
	for i := range st.head {
		h := &st.head[i]
		if f.inRange(h.ts, h.e.ID) && f.match(&h.e) {
			out = append(out, h.e)
		}
	}
	trim := func() {
		slices.SortFunc(out, func(a, b event.Event) int { return f.before(&a, &b) })
		if len(out) > fetch {
			out = out[:fetch]
		}
	}
	trim()
	for _, b := range f.blockOrder(st.blocks) {
		if len(out) >= fetch {
			last := out[len(out)-1].TS.UnixNano()
			if (f.plan.Desc && b.maxTS < last) || (!f.plan.Desc && b.minTS > last) {
				break
			}
		}
		rows, err := s.readRows(ctx, b)
		if err != nil {
			return store.Page{}, fmt.Errorf("query logs: %w", err)
		}
		if n := f.scan(rows, fetch, func(i int) {
			e := rows.Event(i)
			e.Tenant, e.Service = b.tenant, b.service
			out = append(out, e)
		}); n > 0 {
			trim()
		}
	}
	if out == nil {
		out = []event.Event{}
	}
	n, more := f.plan.Cut(len(out))
	page := store.Page{Events: out[:n]}
	if more {
		last := out[n-1]
		page.Next = &store.Cursor{TS: last.TS, ID: last.ID}
	}
	return page, nil
}

// blockOrder returns the admitted blocks in the order their events can enter
// the page.
func (f *logFilter) blockOrder(blocks []*logBlock) []*logBlock {
	var out []*logBlock
	for _, b := range blocks {
		if f.admits(b) {
			out = append(out, b)
		}
	}
	if f.plan.Desc {
		slices.SortFunc(out, func(a, b *logBlock) int { return cmp.Compare(b.maxTS, a.maxTS) })
	} else {
		slices.SortFunc(out, func(a, b *logBlock) int { return cmp.Compare(a.minTS, b.minTS) })
	}
	return out
}

// scan calls take for the rows of a block that match, in the listing's
// order (a block is sorted by (ts, id)), at most limit of them: further
// ones could not enter the page before those. It returns how many it took.
func (f *logFilter) scan(rows *eventblock.Rows, limit int, take func(i int)) int {
	var (
		e event.Event
		l event.Log
	)
	n := 0
	for k := range rows.N {
		i := k
		if f.plan.Desc {
			i = rows.N - 1 - k
		}
		if !f.inRange(rows.TS[i], rows.ID[i]) {
			continue
		}
		rows.Peek(i, &e, &l, f.withAttrs)
		if !f.match(&e) {
			continue
		}
		take(i)
		if n++; n >= limit {
			break
		}
	}
	return n
}

// readEncoded reads one block's row; false when retention dropped it since
// the caller's snapshot.
func (s *Store) readEncoded(ctx context.Context, b *logBlock) (eventblock.Encoded, bool, error) {
	var enc eventblock.Encoded
	err := s.r.QueryRowContext(ctx, "SELECT ids, data FROM log_blocks WHERE id = ?", b.id).Scan(&enc.IDs, &enc.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return enc, false, nil
	}
	if err != nil {
		return enc, false, fmt.Errorf("read log block %d: %w", b.id, err)
	}
	return enc, true, nil
}

// readRows reads one block into columns. A block dropped by retention since
// the caller's snapshot reads as empty: its events are gone.
func (s *Store) readRows(ctx context.Context, b *logBlock) (*eventblock.Rows, error) {
	enc, ok, err := s.readEncoded(ctx, b)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &eventblock.Rows{}, nil
	}
	rows, err := s.logs.compact.DecodeRows(enc)
	if err != nil {
		return nil, fmt.Errorf("log block %d: %w", b.id, err)
	}
	return rows, nil
}

// readBlock reads and decodes one block. A block dropped by retention since
// the caller's snapshot reads as empty: its events are gone.
func (s *Store) readBlock(ctx context.Context, b *logBlock) ([]event.Event, error) {
	enc, ok, err := s.readEncoded(ctx, b)
	if err != nil || !ok {
		return nil, err
	}
	events, err := s.logs.compact.Decode(enc)
	if err != nil {
		return nil, fmt.Errorf("log block %d: %w", b.id, err)
	}
	for i := range events {
		// Blocks hold one tenant and service; the stream repeats them.
		events[i].Tenant, events[i].Service = b.tenant, b.service
	}
	return events, nil
}

// CountLogs counts head matches, then blocks: from their metadata when they
// lie wholly in the window and only service and level filter, else decoded.
func (s *Store) CountLogs(ctx context.Context, q store.LogQuery, upTo int64) (int64, error) {
	if upTo < 1 {
		return 0, errors.New("count logs: count cap must be at least 1")
	}
	q.Window = countWindow(q.Window)
	f, err := newLogFilter(q)
	if err != nil {
		return 0, fmt.Errorf("count logs: %w", err)
	}
	if f.plan.Empty {
		return 0, nil
	}
	st := s.logs.state.Load()
	var n int64
	for i := range st.head {
		h := &st.head[i]
		if f.inRange(h.ts, h.e.ID) && f.match(&h.e) {
			if n++; n >= upTo {
				return upTo, nil
			}
		}
	}
	for _, b := range st.blocks {
		if !f.admits(b) {
			continue
		}
		if c, ok := f.metadataCount(b); ok {
			n += c
		} else {
			rows, err := s.readRows(ctx, b)
			if err != nil {
				return 0, fmt.Errorf("count logs: %w", err)
			}
			n += int64(f.scan(rows, int(min(upTo-n, int64(rows.N)+1)), func(int) {}))
		}
		if n >= upTo {
			return upTo, nil
		}
	}
	return n, nil
}

// getLogs finds ids in the head, then in the blocks whose filters admit them.
func (s *Store) getLogs(ctx context.Context, tenant string, ids []string) ([]event.Event, error) {
	st := s.logs.state.Load()
	want := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		want[id] = struct{}{}
	}
	var out []event.Event
	for i := range st.head {
		e := &st.head[i].e
		if _, ok := want[e.ID]; ok && e.Tenant == tenant {
			out = append(out, *e)
			delete(want, e.ID)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	locs := make(map[string][]uint64, len(want))
	for id := range want {
		locs[id] = bloom.Locations([]byte(idKey(tenant, id)), bloomHashes)
	}
	for _, b := range st.blocks {
		if b.tenant != tenant {
			continue
		}
		maybe := false
		for _, l := range locs {
			if b.ids.TestLocations(l) {
				maybe = true
				break
			}
		}
		if !maybe {
			continue
		}
		events, err := s.readBlock(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if _, ok := want[e.ID]; ok {
				out = append(out, e)
				delete(want, e.ID)
				delete(locs, e.ID)
			}
		}
		if len(want) == 0 {
			break
		}
	}
	return out, nil
}

// countAll is CountEvents for logs, from the head and block metadata.
func (l *logStore) countAll(tenant string) int64 {
	st := l.state.Load()
	var n int64
	for i := range st.head {
		if st.head[i].e.Tenant == tenant {
			n++
		}
	}
	for _, b := range st.blocks {
		if b.tenant == tenant {
			n += b.count
		}
	}
	return n
}
