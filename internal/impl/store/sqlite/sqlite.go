// Package sqlite is the embedded store: one SQLite file in WAL mode, written by
// pure-Go modernc.org/sqlite so the binary needs no cgo.
//
// SQLite admits one writer at a time, so the Store keeps two pools: a single
// writer connection, which serialises InsertEvents calls in Go instead of in
// busy-wait loops, and a pool of read-only connections that WAL lets run
// alongside it.
//
// Each event kind has its own table, so that each carries only the indexes its
// queries need; (tenant, id) is unique per kind, not across kinds. Times are
// INTEGER Unix nanoseconds (exact), attributes and labels compact JSON text.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var _ store.Store = (*Store)(nil)

// Options tunes Open; the zero value is the documented default.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: OFF, NORMAL, FULL or EXTRA.
	// The default, NORMAL, keeps every committed transaction through a crash or
	// kill -9 of the process, which is what InsertEvents promises; only a power
	// loss or OS crash can lose the last transactions. FULL also survives those,
	// at the price of an fsync per commit.
	Synchronous string
	// BlockEvents is the most events a log block holds (default 1000).
	BlockEvents int
	// HeadEvents and HeadAge say when the log head is compacted into blocks:
	// once it holds HeadEvents events (default 8,192) or its oldest event
	// is HeadAge old (default a minute). Tests make them small.
	HeadEvents int
	HeadAge    time.Duration
	// Retention is enforced in the background (retention.go).
	Retention store.Retention
	// upgradeChunk overrides legacyChunk (tests).
	upgradeChunk int
	// Logger receives what background work (compaction, retention) reports;
	// default slog.Default().
	Logger *slog.Logger
}

// writerCacheKiB is the writer's page cache (SQLite's default is 2000 KiB).
// Events of many services, levels and clients' clocks interleave, so their
// index entries land all over the indexes and a transaction dirties thousands
// of pages:
// with the default cache they spill to the WAL mid-transaction, are read back
// and written again, and each insert reads its leaf from the file. Memory is
// the limit: modernc's allocator gives each 4 KiB page an 8 KiB slot, so the
// cache costs twice this in resident memory.
const writerCacheKiB = 16 << 10

// busyTimeoutMS bounds how long a connection waits for a lock held by another
// process (a backup, the sqlite3 shell) before failing.
const busyTimeoutMS = 5000

// Store is a store.Store on one SQLite database file.
type Store struct {
	w      *sql.DB // exactly one connection: SQLite's single writer
	r      *sql.DB // query_only connections
	k      *sql.DB // one query_only connection for API key lookups: slow queries cannot hold up authentication
	insert [len(event.Kinds)]*sql.Stmt
	ck     *checkpointer
	// summary holds the rollup, metric name and service upserts of InsertEvents.
	summary summaryStmts
	logs    *logStore
	logger  *slog.Logger
	path    string
	ret     retention
	// upgradeChunk is how many old rows one upgrade transaction moves.
	upgradeChunk int
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. path must be a file: ":memory:" would give each pool its own
// empty database.
func Open(ctx context.Context, path string, opts ...Options) (*Store, error) {
	var o Options
	for _, x := range opts {
		o = x
	}
	sync := strings.ToUpper(o.Synchronous)
	switch sync {
	case "":
		sync = "NORMAL"
	case "OFF", "NORMAL", "FULL", "EXTRA":
	default:
		return nil, fmt.Errorf("open sqlite %s: unknown synchronous %q", path, o.Synchronous)
	}
	if path == "" || strings.Contains(path, "?") || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open sqlite: path %q must be a plain file path", path)
	}

	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	q.Set("_journal_mode", "WAL")
	// A new database gives the pages of dropped blocks back to the file
	// system on request (retention.go). This only takes effect on a new
	// file; drainLegacyLogs converts an old one.
	q.Set("_auto_vacuum", "INCREMENTAL")
	q.Set("_synchronous", sync)
	// IMMEDIATE takes the write lock at BEGIN, so a transaction never fails
	// half-way with SQLITE_BUSY when it first writes.
	q.Set("_txlock", "immediate")
	// Checkpoints run beside the writer, not inside its commits: checkpoint.go.
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -writerCacheKiB))
	w, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, logger: cmp.Or(o.Logger, slog.Default()), path: path, ret: retention{cfg: o.Retention},
		upgradeChunk: cmp.Or(o.upgradeChunk, legacyChunk)}
	if err := migrate(ctx, w); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), w.Close())
	}

	rq := url.Values{}
	rq.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	rq.Set("_query_only", "1")
	r, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s readers: %w", path, err), w.Close())
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = r
	if s.k, err = sql.Open("sqlite", path+"?"+rq.Encode()); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s key reader: %w", path, err), s.Close())
	}
	s.k.SetMaxOpenConns(1)
	s.k.SetMaxIdleConns(1)

	cq := url.Values{}
	cq.Set("_busy_timeout", fmt.Sprint(busyTimeoutMS))
	if s.ck, err = newCheckpointer(path+"?"+cq.Encode(), w); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), s.Close())
	}
	s.ck.start()

	if err := s.prepare(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), s.Close())
	}
	if s.logs, err = newLogStore(o); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), s.Close())
	}
	if err := s.logs.load(ctx, s.w); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), s.Close())
	}
	if err := s.drainLegacyLogs(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", path, err), s.Close())
	}
	cctx, cancel := context.WithCancel(context.Background())
	s.logs.stop, s.logs.done = cancel, make(chan struct{})
	go s.runCompactor(cctx)
	s.startRetention()
	return s, nil
}

// Ping checks both pools, since either alone can be broken.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	// A WAL that cannot be checkpointed grows until the disk is full.
	if err := s.ck.err(); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	// Nor can a head that is never compacted be kept.
	if err := s.logs.lastErr.Load(); err != nil {
		return fmt.Errorf("sqlite: %w", *err)
	}
	return nil
}

// Close stops the checkpointer and closes both pools. The writer closes last
// so that its connection, the last one to close, can checkpoint the WAL into
// the database file.
func (s *Store) Close() error {
	var errs []error
	s.stopRetention()
	if l := s.logs; l != nil {
		if l.stop != nil {
			l.stop()
			<-l.done
			// A head left behind is safe, but blocks are smaller and
			// quicker to open.
			errs = append(errs, s.Compact(context.Background()))
		}
		l.fast.Close()
		l.compact.Close()
	}
	if s.ck != nil {
		errs = append(errs, s.ck.close())
	}
	for _, st := range s.insert {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	errs = append(errs, s.summary.close())
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.k != nil {
		errs = append(errs, s.k.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite: %w", err)
	}
	return nil
}

// PingReads checks the read pool and the checkpointer, never the writer: a
// readiness probe must not queue behind (or delay) a group commit.
func (s *Store) PingReads(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	if err := s.ck.err(); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}
