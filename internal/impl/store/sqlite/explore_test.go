package sqlite_test

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

func TestExploreConformance(t *testing.T) {
	storetest.RunExplore(t, func(t *testing.T) store.Store { return open(t) })
}

// Hits and field values read logs from the head, from blocks and from both.
func TestExploreConformanceBlocks(t *testing.T) {
	storetest.RunExplore(t, func(t *testing.T) store.Store { return open(t, blockOptions) })
}

func TestExploreConformanceAllInBlocks(t *testing.T) {
	storetest.RunExplore(t, func(t *testing.T) store.Store {
		return compactingStore{open(t, sqlite.Options{BlockEvents: 7, HeadAge: time.Hour})}
	})
}
