package mongo

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

func TestDocIDInjective(t *testing.T) {
	pairs := [][2]string{{"a/b", "c"}, {"a", "b/c"}, {"a%2Fb", "c"}, {"a%", "2Fb/c"}}
	seen := map[string][2]string{}
	for _, p := range pairs {
		id := docID(p[0], p[1])
		if q, dup := seen[id]; dup {
			t.Errorf("docID(%q, %q) = docID(%q, %q) = %q", p[0], p[1], q[0], q[1], id)
		}
		seen[id] = p
	}
	if got := docID("acme", "01J"); got != "acme/01J" {
		t.Errorf("docID(acme, 01J) = %q, want acme/01J", got)
	}
}

// TestStoredShape pins the document layout that queries and indexes rely on.
func TestStoredShape(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ferrettest.Start(t), "shape")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ts := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	e := event.Event{
		ID: "e1", Tenant: "acme", Kind: event.KindLog, TS: ts, Service: "api",
		Attributes: map[string]any{"http.status": 404.0},
		Log:        &event.Log{Level: event.LevelWarn, Message: "not found"},
	}
	if _, err := s.InsertEvents(ctx, []event.Event{e}); err != nil {
		t.Fatal(err)
	}
	var raw bson.Raw
	if err := s.events[0].FindOne(ctx, bson.D{{Key: "_id", Value: "acme/e1"}}).Decode(&raw); err != nil {
		t.Fatalf("find by _id: %v", err)
	}
	if v := raw.Lookup("ts"); v.Type != bson.TypeDateTime || v.Time().UnixMilli() != ts.UnixMilli() {
		t.Errorf("ts = %v, want datetime %s", v, ts)
	}
	if v := raw.Lookup("ts_ns"); v.Type != bson.TypeInt64 || v.Int64() != ts.UnixNano() {
		t.Errorf("ts_ns = %v, want int64 %d", v, ts.UnixNano())
	}
	if v := raw.Lookup("attrs", "0", "k"); v.StringValue() != "http.status" {
		t.Errorf("attrs.0.k = %v, want http.status", v)
	}
	for _, f := range []string{"tenant", "id", "service", "level"} {
		if raw.Lookup(f).Type != bson.TypeString {
			t.Errorf("field %s missing or not a string in %s", f, raw)
		}
	}
}
