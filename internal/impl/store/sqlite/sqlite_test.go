package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

func open(t testing.TB, opts ...sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lightwatch.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

// blockOptions compact the log head into tiny blocks all the time, so that
// the conformance suite reads logs from blocks, from the head and from both,
// with compactions running beside its queries.
var blockOptions = sqlite.Options{BlockEvents: 7, HeadEvents: 5, HeadAge: time.Millisecond}

func TestConformanceBlocks(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, blockOptions) })
}

// compactingStore compacts after every insert: every log the suite reads
// back comes from a block.
type compactingStore struct{ *sqlite.Store }

func (s compactingStore) InsertEvents(ctx context.Context, events []event.Event) ([]bool, error) {
	fresh, err := s.Store.InsertEvents(ctx, events)
	if err != nil {
		return nil, err
	}
	return fresh, s.Compact(ctx)
}

func TestConformanceAllInBlocks(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return compactingStore{open(t, sqlite.Options{BlockEvents: 7, HeadAge: time.Hour})}
	})
}

func TestCountsConformanceBlocks(t *testing.T) {
	storetest.RunCounts(t, func(t *testing.T) store.Store { return open(t, blockOptions) })
}

func TestRetentionConformance(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T, r store.Retention) store.Store {
		return open(t, sqlite.Options{BlockEvents: 7, HeadAge: time.Hour, Retention: r})
	})
}
