package sqlite

import (
	"context"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// legacyChunk is how many rows of the old logs table one transaction moves
// into blocks.
const legacyChunk = 20_000

// drainLegacyLogs upgrades a database written before blocks (schema 2): it
// moves the rows of the old logs table into blocks, legacyChunk rows per
// transaction, each of which inserts the blocks and deletes the rows they
// hold, so an interrupted upgrade resumes where it stopped and never holds
// an event twice. Then it drops the table, and turns on incremental vacuum,
// which an old file lacks, with one VACUUM.
func (s *Store) drainLegacyLogs(ctx context.Context) error {
	var exists int
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'logs'").Scan(&exists); err != nil {
		return fmt.Errorf("upgrade logs: %w", err)
	}
	if exists == 0 {
		return nil
	}
	moved := 0
	t := tables[kindIndex(event.KindLog)]
	for {
		rowids, events, err := s.legacyChunk(ctx, t)
		if err != nil {
			return fmt.Errorf("upgrade logs: %w", err)
		}
		if len(events) == 0 {
			break
		}
		built, err := s.logs.build(events)
		if err != nil {
			return fmt.Errorf("upgrade logs: %w", err)
		}
		if err := s.moveLegacy(ctx, built, rowids); err != nil {
			return fmt.Errorf("upgrade logs: %w", err)
		}
		for _, b := range built {
			s.logs.index(b.meta, b.ids)
		}
		st := s.logs.state.Load()
		blocks := st.blocks
		for _, b := range built {
			blocks = append(blocks, b.meta)
		}
		s.logs.state.Store(&logState{head: st.head, blocks: blocks})
		moved += len(events)
		if moved%(50*s.upgradeChunk) == 0 {
			s.logger.Info("upgrading the log store to blocks", "events_moved", moved)
		}
	}
	if _, err := s.w.ExecContext(ctx, "DROP TABLE logs"); err != nil {
		return fmt.Errorf("upgrade logs: drop old table: %w", err)
	}
	var av int
	if err := s.w.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&av); err != nil {
		return fmt.Errorf("upgrade logs: %w", err)
	}
	if av != 2 && moved > 0 {
		if _, err := s.w.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
			return fmt.Errorf("upgrade logs: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, "VACUUM"); err != nil {
			return fmt.Errorf("upgrade logs: vacuum: %w", err)
		}
	}
	if moved > 0 {
		s.logger.Info("upgraded the log store to blocks", "events", moved)
	}
	return nil
}

func (s *Store) legacyChunk(ctx context.Context, t table) ([]int64, []event.Event, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT rowid, "+t.selectCols()+" FROM logs ORDER BY rowid LIMIT ?", s.upgradeChunk)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		rowids []int64
		events []event.Event
	)
	for rows.Next() {
		var rowid int64
		e, err := scan(rows, event.KindLog, &rowid)
		if err != nil {
			return nil, nil, err
		}
		rowids = append(rowids, rowid)
		events = append(events, e)
	}
	return rowids, events, rows.Err()
}

func (s *Store) moveLegacy(ctx context.Context, built []builtBlock, rowids []int64) error {
	s.logs.mu.Lock()
	defer s.logs.mu.Unlock()
	if err := s.commitBlocks(ctx, built, 0, rowids[len(rowids)-1]); err != nil {
		return err
	}
	return nil
}
