package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Retention drops data older than Options.Retention and, past its MaxDisk,
// the oldest log blocks, and gives the pages back to the file system.
//
// Log blocks make this cheap: a block is dropped whole once its newest event
// is older than the retention, by deleting its row; the freed pages are then
// cut off the end of the file by an incremental vacuum (the database runs
// with auto_vacuum=INCREMENTAL). A block holding both older and newer events
// stays until its newest is old, so an event may outlive its retention by
// the time span of its block (a compaction's worth of one service's events).
//
// Metrics, security events and heartbeats are still one row each: they are
// deleted in bounded batches, which costs per row, and found by a scan, so
// the background sweeps them only every tenth of their retention.

// deleteBatch bounds one retention transaction on a row table, so that
// ingest never waits long for the writer.
const deleteBatch = 5000

var _ store.Retainer = (*Store)(nil)
var _ store.StorageReporter = (*Store)(nil)

// retention is the Store's retention state.
type retention struct {
	cfg   store.Retention
	every time.Duration

	mu      sync.Mutex // one pass at a time
	dropped map[event.Kind]map[string]int64
	swept   map[string]time.Time // last sweep of each row table
	stop    context.CancelFunc
	done    chan struct{}
}

// retentionEvery is how often retention runs: a tenth of the shortest limit,
// between 50 ms and a minute.
func retentionEvery(r store.Retention) time.Duration {
	every := time.Minute
	for _, d := range []time.Duration{r.Logs, r.Metrics, r.Security, r.Heartbeats, r.Rollups} {
		if d > 0 {
			every = min(every, d/10)
		}
	}
	return max(every, 50*time.Millisecond)
}

func (s *Store) startRetention() {
	r := &s.ret
	r.dropped = map[event.Kind]map[string]int64{}
	r.swept = map[string]time.Time{}
	if r.cfg == (store.Retention{}) {
		return
	}
	r.every = retentionEvery(r.cfg)
	tick := r.every
	if r.cfg.MaxDisk > 0 {
		tick = min(tick, diskEvery) // the size check is cheap
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		t := time.NewTicker(tick)
		defer t.Stop()
		var last time.Time
		for {
			var err error
			if time.Since(last) >= r.every {
				last = time.Now()
				_, err = s.enforce(ctx, last, false)
			} else {
				err = s.enforceDisk(ctx)
			}
			if err != nil && ctx.Err() == nil {
				s.logger.Error("retention failed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (s *Store) stopRetention() {
	if s.ret.stop != nil {
		s.ret.stop()
		<-s.ret.done
	}
}

// EnforceRetention runs one retention pass as of now.
func (s *Store) EnforceRetention(ctx context.Context, now time.Time) (map[event.Kind]int64, error) {
	return s.enforce(ctx, now, true)
}

// rowSweepEvery is how often the background passes sweep a row table: a
// tenth of its retention, at least a minute. A sweep scans the table (its
// indexes do not lead with ts), so it runs far less often than block drops,
// which read only memory; a row may outlive its retention by as much.
func rowSweepEvery(d time.Duration) time.Duration { return max(d/10, time.Minute) }

// enforce is one pass; all sweeps every row table, else each is swept only
// when rowSweepEvery has passed since its last sweep.
func (s *Store) enforce(ctx context.Context, now time.Time, all bool) (map[event.Kind]int64, error) {
	r := &s.ret
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[event.Kind]int64{}
	add := func(kind event.Kind, reason string, n int64) {
		if n == 0 {
			return
		}
		out[kind] += n
		if r.dropped[kind] == nil {
			r.dropped[kind] = map[string]int64{}
		}
		r.dropped[kind][reason] += n
	}
	freed := false
	if d := r.cfg.Logs; d > 0 {
		cutoff := now.Add(-d).UnixNano()
		// Expired events in the head are compacted at once, so that their
		// blocks can go now rather than after the head's age.
		if s.logs.headOlderThan(cutoff) {
			if err := s.compactHead(ctx, true); err != nil {
				return out, fmt.Errorf("retention: %w", err)
			}
		}
		n, err := s.dropBlocks(ctx, func(b *logBlock) bool { return b.maxTS < cutoff }, 0)
		if err != nil {
			return out, fmt.Errorf("retention: %w", err)
		}
		add(event.KindLog, "age", n)
		freed = freed || n > 0
	}
	for _, t := range []struct {
		kind  event.Kind
		table string
	}{{event.KindMetric, "metrics"}, {event.KindSecurity, "security_events"}, {event.KindHeartbeat, "heartbeats"}} {
		d := r.cfg.For(t.kind)
		if d <= 0 || !r.due(t.table, d, now, all) {
			continue
		}
		n, err := s.deleteRows(ctx, t.table, "rowid", "ts", now.Add(-d).UnixNano())
		if err != nil {
			return out, fmt.Errorf("retention of %s: %w", t.table, err)
		}
		add(t.kind, "age", n)
		freed = freed || n > 0
	}
	if d := r.cfg.Rollups; d > 0 && r.due("metric_rollups", d, now, all) {
		n, err := s.deleteRows(ctx, "metric_rollups", "series, minute", "minute", now.Add(-d).UnixNano())
		if err != nil {
			return out, fmt.Errorf("retention of rollups: %w", err)
		}
		freed = freed || n > 0
	}
	if freed {
		if err := s.vacuum(ctx); err != nil {
			return out, err
		}
	}
	if r.cfg.MaxDisk > 0 {
		n, err := s.capDisk(ctx)
		if err != nil {
			return out, err
		}
		add(event.KindLog, "disk", n)
	}
	return out, nil
}

// due reports whether table is to be swept now, and if so notes it.
func (r *retention) due(table string, d time.Duration, now time.Time, all bool) bool {
	if !all && now.Sub(r.swept[table]) < rowSweepEvery(d) {
		return false
	}
	r.swept[table] = now
	return true
}

// diskEvery is how often the disk cap is checked between retention passes.
const diskEvery = time.Second

// enforceDisk is the disk cap part of a pass.
func (s *Store) enforceDisk(ctx context.Context) error {
	r := &s.ret
	r.mu.Lock()
	defer r.mu.Unlock()
	n, err := s.capDisk(ctx)
	if n > 0 {
		if r.dropped[event.KindLog] == nil {
			r.dropped[event.KindLog] = map[string]int64{}
		}
		r.dropped[event.KindLog]["disk"] += n
	}
	return err
}

// dropBlocks deletes the blocks drop selects, at most limit bytes of them
// oldest first when limit > 0, in one transaction, and forgets them. It
// returns how many events they held.
func (s *Store) dropBlocks(ctx context.Context, drop func(*logBlock) bool, limit int64) (int64, error) {
	l := s.logs
	// mu before the writer connection, as everywhere: InsertEvents holds mu
	// while it waits for the connection.
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.state.Load()
	var victims []*logBlock
	for _, b := range st.blocks {
		if drop(b) {
			victims = append(victims, b)
		}
	}
	if limit > 0 {
		slices.SortFunc(victims, func(a, b *logBlock) int { return cmp.Or(cmp.Compare(a.maxTS, b.maxTS), cmp.Compare(a.id, b.id)) })
		var sum int64
		for i, b := range victims {
			if sum >= limit {
				victims = victims[:i]
				break
			}
			sum += b.size
		}
	}
	if len(victims) == 0 {
		return 0, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	del, err := tx.PrepareContext(ctx, "DELETE FROM log_blocks WHERE id = ?")
	if err != nil {
		return 0, err
	}
	defer del.Close()
	gone := map[*logBlock]bool{}
	var n int64
	for _, b := range victims {
		if _, err := del.ExecContext(ctx, b.id); err != nil {
			return 0, fmt.Errorf("drop log block %d: %w", b.id, err)
		}
		gone[b] = true
		n += b.count
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("drop log blocks: %w", err)
	}
	cur := l.state.Load()
	kept := make([]*logBlock, 0, len(cur.blocks)-len(victims))
	for _, b := range cur.blocks {
		if gone[b] {
			l.unindex(b)
		} else {
			kept = append(kept, b)
		}
	}
	l.state.Store(&logState{head: cur.head, blocks: kept})
	return n, nil
}

// deleteRows deletes the rows of table whose col is before cutoff, in
// batches of deleteBatch rows, each its own transaction. key names the rows
// (rowid, or the primary key of a WITHOUT ROWID table).
func (s *Store) deleteRows(ctx context.Context, table, key, col string, cutoff int64) (int64, error) {
	q := fmt.Sprintf("DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s WHERE %s < ? LIMIT %d)", table, key, key, table, col, deleteBatch)
	var total int64
	for {
		res, err := s.w.ExecContext(ctx, q, cutoff)
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < deleteBatch {
			return total, nil
		}
	}
}

// vacuumStep is how many free pages one incremental vacuum statement gives
// back (16 MiB): the writer is free for ingest between two.
const vacuumStep = 4096

// vacuum returns free pages to the file system, vacuumStep at a time.
func (s *Store) vacuum(ctx context.Context) error {
	for {
		var free int
		if err := s.w.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
			return fmt.Errorf("incremental vacuum: %w", err)
		}
		if free == 0 {
			return nil
		}
		// Each step of the statement frees a page: it must be stepped to
		// the end, which Exec does not do.
		rows, err := s.w.QueryContext(ctx, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", vacuumStep))
		if err != nil {
			return fmt.Errorf("incremental vacuum: %w", err)
		}
		for rows.Next() {
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("incremental vacuum: %w", err)
		}
		if free <= vacuumStep {
			return nil
		}
	}
}

// dbBytes is the size of the database as SQLite sees it (committed pages,
// whether still in the WAL or already in the file).
func (s *Store) dbBytes(ctx context.Context) (int64, error) {
	var pages, size int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		return 0, err
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		return 0, err
	}
	return pages * size, nil
}

// capDisk drops the oldest log blocks while the database is larger than
// MaxDisk. The head is never dropped, nor are other kinds' rows: they are
// bounded by their retention.
func (s *Store) capDisk(ctx context.Context) (int64, error) {
	var dropped int64
	for range 8 { // vacuum may free less than the blocks' bytes; try a few times
		size, err := s.dbBytes(ctx)
		if err != nil {
			return dropped, fmt.Errorf("disk cap: %w", err)
		}
		excess := size - s.ret.cfg.MaxDisk
		if excess <= 0 {
			return dropped, nil
		}
		n, err := s.dropBlocks(ctx, func(*logBlock) bool { return true }, excess)
		if err != nil {
			return dropped, fmt.Errorf("disk cap: %w", err)
		}
		if n == 0 {
			return dropped, nil // nothing left to drop but the head and other kinds
		}
		dropped += n
		if err := s.vacuum(ctx); err != nil {
			return dropped, err
		}
	}
	return dropped, nil
}

// StorageStats reports the files' sizes, the oldest retained log and drops.
func (s *Store) StorageStats(ctx context.Context) (store.StorageStats, error) {
	out := store.StorageStats{Oldest: map[event.Kind]time.Time{}, Dropped: map[event.Kind]map[string]int64{}}
	if fi, err := os.Stat(s.path); err == nil {
		out.DiskBytes = fi.Size()
	}
	if fi, err := os.Stat(s.path + "-wal"); err == nil {
		out.WALBytes = fi.Size()
	}
	st := s.logs.state.Load()
	oldest := int64(0)
	found := false
	for _, b := range st.blocks {
		if !found || b.minTS < oldest {
			oldest, found = b.minTS, true
		}
	}
	for _, h := range st.head {
		if !found || h.ts < oldest {
			oldest, found = h.ts, true
		}
	}
	if found {
		out.Oldest[event.KindLog] = time.Unix(0, oldest).UTC()
	}
	s.ret.mu.Lock()
	for k, m := range s.ret.dropped {
		out.Dropped[k] = map[string]int64{}
		for r, n := range m {
			out.Dropped[k][r] = n
		}
	}
	s.ret.mu.Unlock()
	return out, ctx.Err()
}
