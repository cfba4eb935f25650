package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

func openAt(t testing.TB, path string, opts ...Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestPragmas(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "a.db"))
	for name, want := range map[string]string{"journal_mode": "wal", "synchronous": "1", "busy_timeout": "5000"} {
		if got := pragma(t, s.w, name); got != want {
			t.Errorf("writer %s = %s, want %s", name, got, want)
		}
	}
	if got := pragma(t, s.r, "query_only"); got != "1" {
		t.Errorf("reader query_only = %s, want 1", got)
	}
	full := openAt(t, filepath.Join(dir, "b.db"), Options{Synchronous: "full"})
	if got := pragma(t, full.w, "synchronous"); got != "2" {
		t.Errorf("synchronous with FULL = %s, want 2", got)
	}
}

func TestOpenRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, path := range []string{"", ":memory:", "file:x.db", filepath.Join(dir, "x.db?mode=ro")} {
		if s, err := Open(ctx, path); err == nil {
			_ = s.Close()
			t.Errorf("Open(%q): got no error", path)
		}
	}
	if s, err := Open(ctx, filepath.Join(dir, "y.db"), Options{Synchronous: "sometimes"}); err == nil {
		_ = s.Close()
		t.Error("Open with an unknown synchronous: got no error")
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lw.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	e := event.Event{ID: "1", Tenant: "acme", Kind: event.KindLog, TS: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Service: "svc", Log: &event.Log{Level: event.LevelInfo, Message: "hi"}}
	if _, err := s.InsertEvents(ctx, []event.Event{e}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path)
	if got, want := pragma(t, s.w, "user_version"), fmt.Sprint(len(migrations)); got != want {
		t.Errorf("user_version = %s, want %s", got, want)
	}
	if n, err := s.CountEvents(ctx, "acme", event.KindLog); err != nil || n != 1 {
		t.Errorf("CountEvents after reopen = %d, %v; want 1", n, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lw.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(ctx, path); err == nil {
		_ = s2.Close()
		t.Fatal("Open of a newer schema: got no error")
	}
}
