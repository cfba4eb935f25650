package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints run beside the writer, not inside its commits.
//
// By default SQLite checkpoints inside the commit that takes the WAL past 1000
// pages: the writer, and every request waiting for it, stops while pages are
// copied into the database file and both files are fsynced; under steady
// ingest that was a fifth of the writer's time. Instead the writer runs with
// wal_autocheckpoint=0 and a goroutine with a connection of its own runs a
// PASSIVE checkpoint every checkpointEvery. PASSIVE never waits for, nor
// blocks, the writer or readers, and it runs on the other core. Spacing
// checkpoints out also copies a page that many transactions rewrote (index
// leaves are) once instead of once per transaction.
//
// PASSIVE alone would let the WAL grow without bound under steady load:
// SQLite rewinds the WAL only when a write transaction begins with every frame
// already copied, and a busy writer begins its next transaction as soon as it
// has committed, before any checkpoint could catch up. So once the WAL holds
// walRewindFrames, the checkpointer borrows the writer connection between two
// transactions and copies the little left (what was committed since its last
// PASSIVE); the writer's next transaction then writes from the start of the
// file again. That borrow is the only time checkpointing holds the writer up.
//
// Durability is unchanged: a commit is still durable once its frames are in
// the WAL, and checkpoints fsync the WAL before copying and the database after.
//
// Sizes, measured at 25k events/s (the WAL then grows by about 100 MiB/s, since
// every event dirties index leaves all over their indexes): a checkpoint every
// second copies each page once where one every 250 ms copied it about three
// times (checkpointer CPU 6 → 2 µs per event), and rewinding at 256 MiB
// borrows the writer every few seconds for some 50 ms, where 64 MiB took a
// tenth of its time. Under light load the WAL stays small: it rewinds by
// itself whenever a checkpoint catches up while the writer is idle.
const (
	checkpointEvery = time.Second
	walRewindFrames = 65536 // 256 MiB of 4 KiB pages
	// walSizeLimit (journal_size_limit) trims the WAL file back after a burst
	// took it past what rewinding keeps it at. It is kept above that size on
	// purpose: overwriting a WAL costs about half of what growing one does.
	walSizeLimit = 320 << 20
)

// checkpointer runs the checkpoints of one database; see above.
type checkpointer struct {
	db           *sql.DB // its own connection: a checkpoint must not queue behind the writer
	writer       *sql.DB // the store's single writer connection, borrowed to rewind the WAL
	rewindFrames int     // walRewindFrames; tests make it small
	cancel       context.CancelFunc
	wg           sync.WaitGroup
	closeOnce    sync.Once
	closeErr     error
	last         atomic.Pointer[error] // the latest attempt's error; nil when it succeeded
}

// newCheckpointer opens a connection to dsn for checkpointing writer's
// database; start starts the checkpoints.
func newCheckpointer(dsn string, writer *sql.DB) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open checkpointer connection: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return &checkpointer{db: db, writer: writer, rewindFrames: walRewindFrames, cancel: func() {}}, nil
}

// start runs checkpoints every checkpointEvery until close.
func (c *checkpointer) start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.wg.Go(func() { c.run(ctx) })
}

func (c *checkpointer) run(ctx context.Context) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, err := c.checkpoint(ctx)
		if ctx.Err() != nil {
			return // an error caused by Close is no news
		}
		if err != nil {
			c.last.Store(&err)
		} else {
			c.last.Store(nil)
		}
	}
}

// checkpoint runs one PASSIVE checkpoint and, when the WAL has reached
// rewindFrames, finishes it on the writer connection so that the WAL rewinds
// (and says so).
func (c *checkpointer) checkpoint(ctx context.Context) (borrowed bool, err error) {
	frames, err := passiveCheckpoint(ctx, c.db)
	if err != nil || frames < c.rewindFrames {
		return false, err
	}
	// Catch up once more beside the writer, so that what is left to copy (and
	// fsync) while the writer waits is what it committed in the meantime:
	// usually one transaction or none.
	if _, err := passiveCheckpoint(ctx, c.db); err != nil {
		return false, err
	}
	conn, err := c.writer.Conn(ctx) // waits for the writer's transaction to end
	if err != nil {
		return false, fmt.Errorf("checkpoint: borrow the writer: %w", err)
	}
	_, err = passiveCheckpoint(ctx, conn)
	if cerr := conn.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("checkpoint: return the writer: %w", cerr))
	}
	return true, err
}

// rowQuerier is what *sql.DB and *sql.Conn share.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// passiveCheckpoint runs PRAGMA wal_checkpoint(PASSIVE) on q and returns the
// size of the WAL in frames.
func passiveCheckpoint(ctx context.Context, q rowQuerier) (frames int, err error) {
	var busy, copied int
	if err := q.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	return frames, nil
}

// err returns the error of the latest checkpoint, nil when it succeeded.
func (c *checkpointer) err() error {
	if c == nil {
		return nil
	}
	if p := c.last.Load(); p != nil {
		return *p
	}
	return nil
}

// close stops checkpointing and closes the connection. The writer, closing
// after it as the last connection, checkpoints what is left and removes the WAL.
func (c *checkpointer) close() error {
	c.closeOnce.Do(func() {
		c.cancel()
		c.wg.Wait()
		if err := c.db.Close(); err != nil {
			c.closeErr = fmt.Errorf("close checkpointer connection: %w", err)
		}
	})
	return c.closeErr
}
