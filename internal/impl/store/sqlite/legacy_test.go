package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// TestOpenUpgradesRowPerEventLogs makes a database as the binary before
// blocks did (schema version 2, one logs row per event, auto_vacuum off) and
// opens it: the logs move into blocks, the old table goes, and every event
// reads back as it was.
func TestOpenUpgradesRowPerEventLogs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	for v := range 2 {
		if err := step(ctx, db, v); err != nil {
			t.Fatal(err)
		}
	}
	const chunk = 1000
	const n = 2*chunk + 123 // more than one chunk
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	var want []event.Event
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, tables[kindIndex(event.KindLog)].insertSQL())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := event.Event{ID: fmt.Sprintf("old-%05d", i), Tenant: []string{"acme", "other"}[i%2], Kind: event.KindLog,
			TS: at.Add(time.Duration(i) * time.Second), ReceivedAt: at, Service: fmt.Sprint("svc-", i%5), Host: "h",
			Log: &event.Log{Level: event.LevelWarn, Message: fmt.Sprint("old message ", i), TraceID: "t"}}
		if i%3 == 0 {
			e.Attributes = map[string]any{"http.status": 500.0, "ok": false, "user": "u"}
		}
		if i%7 == 0 {
			e.ReceivedAt = time.Time{}
		}
		args, err := bind(&e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			t.Fatal(err)
		}
		if e.Tenant == "acme" {
			want = append(want, e)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path, Options{upgradeChunk: chunk})
	if got := pragma(t, s.w, "auto_vacuum"); got != "2" {
		t.Errorf("auto_vacuum = %s, want 2 (incremental)", got)
	}
	var tablesLeft int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'logs'").Scan(&tablesLeft); err != nil || tablesLeft != 0 {
		t.Errorf("old logs table still there: %d, %v", tablesLeft, err)
	}
	if c, err := s.CountEvents(ctx, "acme", event.KindLog); err != nil || c != int64(len(want)) {
		t.Errorf("CountEvents = %d, %v; want %d", c, err, len(want))
	}
	ids := make([]string, len(want))
	byID := map[string]event.Event{}
	for i, e := range want {
		ids[i] = e.ID
		byID[e.ID] = e
	}
	got, err := s.GetEvents(ctx, "acme", ids)
	if err != nil || len(got) != len(want) {
		t.Fatalf("GetEvents: %d events, %v; want %d", len(got), err, len(want))
	}
	for _, g := range got {
		w := byID[g.ID]
		if !g.TS.Equal(w.TS) || !g.ReceivedAt.Equal(w.ReceivedAt) || g.Log.Message != w.Log.Message ||
			g.Service != w.Service || fmt.Sprint(g.Attributes) != fmt.Sprint(w.Attributes) {
			t.Fatalf("event %s differs: got %+v %+v, want %+v %+v", g.ID, g, g.Log, w, w.Log)
		}
	}
	p, err := s.QueryLogs(ctx, store.LogQuery{Window: store.Window{Tenant: "acme", Limit: 3}, Filter: filter.Filter{Services: []string{"svc-1"}}})
	if err != nil || len(p.Events) != 3 || p.Events[0].ID != "old-02116" {
		t.Errorf("newest svc-1 logs = %v, %v", ids3(p.Events), err)
	}
	// Ids stay idempotent after the move.
	if fresh, err := s.InsertEvents(ctx, want[:2]); err != nil || fresh[0] || fresh[1] {
		t.Errorf("re-inserting moved events: fresh %v, %v", fresh, err)
	}
}

func ids3(events []event.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.ID)
	}
	return out
}
