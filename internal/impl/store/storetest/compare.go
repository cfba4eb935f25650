package storetest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// sameEvents fails t unless got holds exactly want, in any order: every field
// equal, times equal to the nanosecond and in UTC, empty maps read back as nil.
func sameEvents(t *testing.T, want, got []event.Event) {
	t.Helper()
	want, got = sorted(want), sorted(got)
	if len(want) != len(got) {
		t.Fatalf("got %d events %s, want %d %s", len(got), some(ids(got)), len(want), some(ids(want)))
	}
	for i := range want {
		w, g := want[i], got[i]
		sameTime(t, w.ID+" ts", w.TS, g.TS)
		sameTime(t, w.ID+" received_at", w.ReceivedAt, g.ReceivedAt)
		w.TS, g.TS, w.ReceivedAt, g.ReceivedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if len(w.Attributes) == 0 {
			w.Attributes = nil
		}
		if w.Metric != nil && len(w.Metric.Labels) == 0 {
			m := *w.Metric
			m.Labels = nil
			w.Metric = &m
		}
		if !reflect.DeepEqual(w, g) {
			t.Errorf("event %s differs:\n got %s\nwant %s", w.ID, js(g), js(w))
		}
	}
}

func sameTime(t *testing.T, what string, want, got time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s: got %s, want %s", what, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
	if !got.IsZero() && got.Location() != time.UTC {
		t.Errorf("%s: got location %s, want UTC", what, got.Location())
	}
}

func sorted(events []event.Event) []event.Event {
	out := slices.Clone(events)
	slices.SortFunc(out, func(a, b event.Event) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func insert(t *testing.T, s store.Store, events []event.Event) []bool {
	t.Helper()
	fresh, err := s.InsertEvents(context.Background(), events)
	if err != nil {
		t.Fatalf("InsertEvents: %v", err)
	}
	if len(fresh) != len(events) {
		t.Fatalf("InsertEvents returned %d fresh flags for %d events", len(fresh), len(events))
	}
	return fresh
}

func get(t *testing.T, s store.Store, tenant string, ids []string) []event.Event {
	t.Helper()
	got, err := s.GetEvents(context.Background(), tenant, ids)
	if err != nil {
		t.Fatalf("GetEvents: %v", err)
	}
	return got
}

func count(t *testing.T, s store.Store, tenant string, kind event.Kind) int64 {
	t.Helper()
	n, err := s.CountEvents(context.Background(), tenant, kind)
	if err != nil {
		t.Fatalf("CountEvents(%s, %s): %v", tenant, kind, err)
	}
	return n
}

func wantCounts(t *testing.T, s store.Store, tenant string, want map[event.Kind]int64) {
	t.Helper()
	for _, k := range event.Kinds {
		if n := count(t, s, tenant, k); n != want[k] {
			t.Errorf("CountEvents(%s, %s) = %d, want %d", tenant, k, n, want[k])
		}
	}
}

func wantFresh(t *testing.T, got []bool, want ...bool) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("fresh = %v, want %v", got, want)
	}
}

// some abbreviates a long list of ids for a failure message.
func some(ids []string) string {
	if len(ids) > 8 {
		return fmt.Sprint(ids[:8], "…")
	}
	return fmt.Sprint(ids)
}

func sortedIDs(ids []string) []string { return slices.Sorted(slices.Values(ids)) }

func sortedTimes(ts []time.Time) []time.Time {
	out := slices.Clone(ts)
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}
