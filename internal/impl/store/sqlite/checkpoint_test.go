package sqlite

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

func TestWriterLeavesCheckpointsToTheCheckpointer(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lw.db"))
	for name, want := range map[string]string{
		"wal_autocheckpoint": "0",
		"journal_size_limit": fmt.Sprint(walSizeLimit),
		"cache_size":         fmt.Sprint(-writerCacheKiB),
	} {
		if got := pragma(t, s.w, name); got != want {
			t.Errorf("writer %s = %s, want %s", name, got, want)
		}
	}
}

// walSequence reads the checkpoint sequence number from the WAL header,
// which SQLite increments each time the WAL rewinds to its start.
func walSequence(t *testing.T, dbPath string) uint32 {
	t.Helper()
	f, err := os.Open(dbPath + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hdr [32]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		t.Fatalf("read WAL header: %v", err)
	}
	return binary.BigEndian.Uint32(hdr[12:16])
}

func insertLogs(t *testing.T, s *Store, prefix string, n int) {
	t.Helper()
	events := make([]event.Event, n)
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range events {
		events[i] = event.Event{ID: fmt.Sprintf("%s-%d", prefix, i), Tenant: "acme", Kind: event.KindLog, TS: ts,
			Service: "svc", Log: &event.Log{Level: event.LevelInfo, Message: strings.Repeat(rand.Text(), 8)}}
	}
	if _, err := s.InsertEvents(context.Background(), events); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointerRewindsTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lw.db")
	s := openAt(t, path)
	// Drive checkpoints from the test instead of the ticker.
	if err := s.ck.close(); err != nil {
		t.Fatal(err)
	}
	c, err := newCheckpointer(path, s.w)
	if err != nil {
		t.Fatal(err)
	}
	c.rewindFrames = 20
	s.ck = c
	// Open's schema work fills the WAL past so small a limit: start clean.
	if _, err := c.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	insertLogs(t, s, "a0", 1)

	insertLogs(t, s, "a", 10)
	if borrowed, err := c.checkpoint(ctx); err != nil || borrowed {
		t.Fatalf("checkpoint of a small WAL = %v, %v; want no borrow, no error", borrowed, err)
	}
	before := walSequence(t, path)
	for i := 0; i < 8; i++ { // well past 20 frames (logs compress, random text less so), with no checkpoint in between
		insertLogs(t, s, fmt.Sprint("b", i), 500)
	}
	borrowed, err := c.checkpoint(ctx)
	if err != nil || !borrowed {
		t.Fatalf("checkpoint of a large WAL = %v, %v; want the writer borrowed", borrowed, err)
	}
	insertLogs(t, s, "c", 10)
	if after := walSequence(t, path); after <= before {
		t.Errorf("WAL sequence %d after the rewinding checkpoint, %d before: the WAL did not rewind", after, before)
	}
	if n, err := s.CountEvents(ctx, "acme", event.KindLog); err != nil || n != 4021 {
		t.Errorf("CountEvents = %d, %v; want 4021", n, err)
	}
}

func TestPingReportsCheckpointFailures(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lw.db"))
	if err := s.ck.close(); err != nil { // no tick may overwrite the error set below
		t.Fatal(err)
	}
	boom := errors.New("disk I/O error")
	s.ck.last.Store(&boom)
	if err := s.Ping(context.Background()); !errors.Is(err, boom) {
		t.Errorf("Ping = %v, want the checkpoint error", err)
	}
	s.ck.last.Store(nil)
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping after a good checkpoint = %v", err)
	}
}
