package storetest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func testRoundTrip(t *testing.T, s store.Store) {
	events := oneOfEach("acme", "e-")
	// Bare: optional fields unset, which must read back unset (not "" → null
	// confusions, not a zero time turned into 1970).
	bare := event.Event{
		ID: "bare", Tenant: "acme", Kind: event.KindLog, TS: base, Service: "svc",
		Attributes: map[string]any{}, Log: &event.Log{Level: event.LevelInfo},
	}
	// Zoned: a non-UTC time must come back as the same instant, in UTC.
	zoned := metricEvent("acme", "zoned", 9)
	zoned.TS = time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("UTC+5", 5*3600))
	zoned.Metric.Labels = nil
	zoned.Metric.Type = event.MetricCounter
	zoned.Metric.Value = -1.5e300
	events = append(events, bare, zoned)

	wantFresh(t, insert(t, s, events), true, true, true, true, true, true)
	sameEvents(t, events, get(t, s, "acme", ids(events)))
}

func testIdempotent(t *testing.T, s store.Store) {
	events := oneOfEach("acme", "")
	insert(t, s, events)
	wantFresh(t, insert(t, s, events), false, false, false, false)
	wantCounts(t, s, "acme", map[event.Kind]int64{event.KindLog: 1, event.KindMetric: 1, event.KindSecurity: 1, event.KindHeartbeat: 1})

	// A retry that mixes stored and new events stores only the new ones, and
	// never overwrites a stored event with the retry's copy.
	changed := logEvent("acme", "log", 7)
	changed.Log.Message = "changed"
	mixed := []event.Event{changed, logEvent("acme", "log-2", 2)}
	wantFresh(t, insert(t, s, mixed), false, true)
	sameEvents(t, []event.Event{events[0], mixed[1]}, get(t, s, "acme", []string{"log", "log-2"}))
}

func testDuplicatesInOneCall(t *testing.T, s store.Store) {
	first := logEvent("acme", "dup", 1)
	second := logEvent("acme", "dup", 2)
	second.Log.Message = "second copy"
	other := securityEvent("acme", "dup-sec", 1)
	events := []event.Event{first, other, second, other}
	wantFresh(t, insert(t, s, events), true, true, false, false)
	sameEvents(t, []event.Event{first, other}, get(t, s, "acme", []string{"dup", "dup-sec"}))
	wantCounts(t, s, "acme", map[event.Kind]int64{event.KindLog: 1, event.KindSecurity: 1})
}

// testSameIDOtherKind pins that identity is (tenant, kind, id): each kind is
// stored apart, so one id may name one event of each kind.
func testSameIDOtherKind(t *testing.T, s store.Store) {
	events := []event.Event{logEvent("acme", "same", 1), metricEvent("acme", "same", 1)}
	wantFresh(t, insert(t, s, events), true, true)
	sameEvents(t, events, get(t, s, "acme", []string{"same"}))
}

func testTenantIsolation(t *testing.T, s store.Store) {
	a := oneOfEach("tenant-a", "")
	b := []event.Event{logEvent("tenant-b", "log", 5), logEvent("tenant-b", "only-b", 6)}
	wantFresh(t, insert(t, s, a), true, true, true, true)
	// The same id under another tenant is another event.
	wantFresh(t, insert(t, s, b), true, true)

	sameEvents(t, b, get(t, s, "tenant-b", append(ids(a), "only-b")))
	sameEvents(t, nil, get(t, s, "tenant-b", []string{"metric", "security", "heartbeat"}))
	sameEvents(t, a, get(t, s, "tenant-a", append(ids(a), "only-b")))
	sameEvents(t, nil, get(t, s, "tenant-c", ids(a)))

	wantCounts(t, s, "tenant-a", map[event.Kind]int64{event.KindLog: 1, event.KindMetric: 1, event.KindSecurity: 1, event.KindHeartbeat: 1})
	wantCounts(t, s, "tenant-b", map[event.Kind]int64{event.KindLog: 2})
	wantCounts(t, s, "tenant-c", nil)

	// Separators inside tenants and ids must not let two (tenant, id) pairs
	// collide, whatever an adapter builds its keys from.
	x := []event.Event{logEvent("a/b", "c", 1), logEvent("a", "b/c", 2), logEvent("a%2Fb", "c", 3)}
	wantFresh(t, insert(t, s, x), true, true, true)
	sameEvents(t, x[:1], get(t, s, "a/b", []string{"c", "b/c"}))
	sameEvents(t, x[1:2], get(t, s, "a", []string{"c", "b/c"}))
	sameEvents(t, x[2:], get(t, s, "a%2Fb", []string{"c", "b/c"}))
}

func testCountPerKind(t *testing.T, s store.Store) {
	var events []event.Event
	for i := range 5 {
		events = append(events, logEvent("acme", fmt.Sprint("l", i), i))
	}
	for i := range 3 {
		events = append(events, metricEvent("acme", fmt.Sprint("m", i), i))
	}
	for i := range 2 {
		events = append(events, securityEvent("acme", fmt.Sprint("s", i), i))
	}
	events = append(events, heartbeatEvent("acme", "h0", 0))
	insert(t, s, events)
	wantCounts(t, s, "acme", map[event.Kind]int64{event.KindLog: 5, event.KindMetric: 3, event.KindSecurity: 2, event.KindHeartbeat: 1})
	if _, err := s.CountEvents(context.Background(), "acme", event.Kind("trace")); err == nil {
		t.Error("CountEvents with an unknown kind: got no error")
	}
}

func testGetEventsMissingAndMany(t *testing.T, s store.Store) {
	if got := get(t, s, "acme", nil); len(got) != 0 {
		t.Errorf("GetEvents(no ids) = %d events, want none", len(got))
	}
	// More than one statement's worth of ids, to cross any chunking.
	var events []event.Event
	for i := range 1200 {
		events = append(events, logEvent("acme", fmt.Sprintf("many-%04d", i), i))
	}
	insert(t, s, events)
	sameEvents(t, events, get(t, s, "acme", append(ids(events), "missing", "")))
	sameEvents(t, nil, get(t, s, "acme", []string{"missing"}))
}

func testRejectsInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	valid := logEvent("acme", "valid", 1)
	bad := map[string]func(e *event.Event){
		"unknown kind":       func(e *event.Event) { e.Kind = "trace" },
		"body of other kind": func(e *event.Event) { e.Kind = event.KindMetric },
		"two bodies":         func(e *event.Event) { e.Heartbeat = &event.Heartbeat{} },
		"no tenant":          func(e *event.Event) { e.Tenant = "" },
		"no id":              func(e *event.Event) { e.ID = "" },
		"no ts":              func(e *event.Event) { e.TS = time.Time{} },
		"ts out of range":    func(e *event.Event) { e.TS = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"int attribute":      func(e *event.Event) { e.Attributes = map[string]any{"n": 1} },
		"nested attribute":   func(e *event.Event) { e.Attributes = map[string]any{"m": map[string]any{}} },
		"infinite attribute": func(e *event.Event) { e.Attributes = map[string]any{"x": math.Inf(1)} },
		"NaN metric": func(e *event.Event) {
			e.Kind, e.Log, e.Metric = event.KindMetric, nil, &event.Metric{Name: "m", Value: math.NaN(), Type: event.MetricGauge}
		},
	}
	for name, mutate := range bad {
		e := logEvent("acme", "bad", 2)
		mutate(&e)
		if _, err := s.InsertEvents(ctx, []event.Event{valid, e}); err == nil {
			t.Errorf("%s: InsertEvents returned no error", name)
		}
	}
	// Validation precedes any write: the valid event beside them was not stored.
	wantCounts(t, s, "acme", nil)
	if fresh, err := s.InsertEvents(ctx, nil); err != nil || len(fresh) != 0 {
		t.Errorf("InsertEvents(nil) = %v, %v; want empty, nil", fresh, err)
	}
}

func testConcurrentInserts(t *testing.T, s store.Store) {
	const writers, batches, size = 4, 5, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				events := make([]event.Event, size)
				for i := range events {
					events[i] = logEvent("acme", fmt.Sprintf("w%d-b%d-%d", w, b, i), i)
				}
				// Every writer also repeats one shared id: exactly one may win it.
				events[0] = logEvent("acme", "shared", 0)
				if _, err := s.InsertEvents(context.Background(), events); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	want := int64(writers*batches*(size-1) + 1)
	if n := count(t, s, "acme", event.KindLog); n != want {
		t.Errorf("CountEvents = %d, want %d", n, want)
	}
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
