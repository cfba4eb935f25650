package sqlite

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// fillBlocks stores batches of logs with hard-to-compress messages, each
// batch compacted into blocks of its own, batch b at start + b minutes.
func fillBlocks(t testing.TB, s *Store, batches, size int, start time.Time) {
	t.Helper()
	ctx := context.Background()
	for b := range batches {
		events := make([]event.Event, size)
		for i := range events {
			events[i] = event.Event{ID: fmt.Sprintf("f%04d-%04d", b, i), Tenant: "acme", Kind: event.KindLog,
				TS: start.Add(time.Duration(b)*time.Minute + time.Duration(i)), Service: fmt.Sprint("svc-", i%2),
				Log: &event.Log{Level: event.LevelInfo, Message: rand.Text() + rand.Text()}}
		}
		if _, err := s.InsertEvents(ctx, events); err != nil {
			t.Fatal(err)
		}
		if err := s.Compact(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiskCapDropsOldestBlocksNeverTheHead fills the store, then caps it at
// a third of its size: the oldest blocks go, the newest stay, the head is
// untouched, the database shrinks under the cap and the drops are reported.
func TestDiskCapDropsOldestBlocksNeverTheHead(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "cap.db"), Options{BlockEvents: 250, HeadEvents: 1 << 30, HeadAge: time.Hour})
	start := time.Now().Add(-time.Hour).UTC()
	fillBlocks(t, s, 20, 1000, start)
	head := []event.Event{{ID: "head-1", Tenant: "acme", Kind: event.KindLog, TS: start.Add(-time.Hour), Service: "svc-0",
		Log: &event.Log{Level: event.LevelInfo, Message: "oldest of all, but in the head"}}}
	if _, err := s.InsertEvents(ctx, head); err != nil {
		t.Fatal(err)
	}
	before, err := s.dbBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.ret.cfg.MaxDisk = before / 3
	dropped, err := s.EnforceRetention(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.dbBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("database %d bytes, capped at %d: %d bytes, %d events dropped", before, before/3, after, dropped[event.KindLog])
	if after > before/3 {
		t.Errorf("database %d bytes after the cap of %d", after, before/3)
	}
	if dropped[event.KindLog] < 10_000 || dropped[event.KindLog] > 17_000 {
		t.Errorf("dropped %d logs; want about two thirds of 20,000", dropped[event.KindLog])
	}
	n, err := s.CountEvents(ctx, "acme", event.KindLog)
	if err != nil || n != 20_001-dropped[event.KindLog] {
		t.Errorf("CountEvents = %d, %v; want %d", n, err, 20_001-dropped[event.KindLog])
	}
	// Oldest first: the newest batch and the head are all there.
	var newest []string
	for i := range 1000 {
		newest = append(newest, fmt.Sprintf("f0019-%04d", i))
	}
	if got, err := s.GetEvents(ctx, "acme", append(newest, "head-1")); err != nil || len(got) != 1001 {
		t.Errorf("newest batch and head: %d events, %v; want 1001", len(got), err)
	}
	if got, _ := s.GetEvents(ctx, "acme", []string{"f0000-0000"}); len(got) != 0 {
		t.Error("the oldest event survived the cap")
	}
	stats, err := s.StorageStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Dropped[event.KindLog]["disk"] != dropped[event.KindLog] || stats.DiskBytes == 0 {
		t.Errorf("stats = %+v", stats)
	}
	if !stats.Oldest[event.KindLog].Equal(head[0].TS) {
		t.Errorf("oldest log = %s, want the head's %s", stats.Oldest[event.KindLog], head[0].TS)
	}
}

// BenchmarkDropOldestHour measures what retention costs per pass: dropping
// an hour of 300,000 logs (360 blocks) and vacuuming their pages away, from a
// store of 600,000.
func BenchmarkDropOldestHour(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openAt(b, filepath.Join(b.TempDir(), "drop.db"), Options{HeadEvents: 1 << 30, HeadAge: time.Hour})
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		fillBlocks(b, s, 120, 5000, start) // 2 hours, a batch a minute
		b.StartTimer()
		s.ret.cfg = store.Retention{Logs: time.Hour}
		n, err := s.EnforceRetention(ctx, start.Add(2*time.Hour))
		if err != nil || n[event.KindLog] != 300_000 {
			b.Fatalf("dropped %v, %v", n, err)
		}
	}
}
