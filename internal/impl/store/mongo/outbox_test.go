package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

var errInjected = errors.New("injected failure")

// failingBatch is one call with two samples in one series-minute (1 and 5),
// one in the next minute, a heartbeat and a log.
func failingBatch(ts time.Time) []event.Event {
	metric := func(id string, at time.Time, v float64) event.Event {
		return event.Event{ID: id, Tenant: "acme", Kind: event.KindMetric, TS: at, Service: "api",
			Metric: &event.Metric{Name: "lat", Value: v, Type: event.MetricGauge, Labels: map[string]string{"route": "/pay"}}}
	}
	return []event.Event{
		metric("m1", ts, 1),
		metric("m2", ts.Add(time.Second), 5),
		metric("m3", ts.Add(time.Minute), 7),
		{ID: "h1", Tenant: "acme", Kind: event.KindHeartbeat, TS: ts, Service: "worker",
			Heartbeat: &event.Heartbeat{Instance: "w-1", Status: event.StatusUp, IntervalSeconds: 30}},
		{ID: "l1", Tenant: "acme", Kind: event.KindLog, TS: ts, Service: "api", Log: &event.Log{Level: event.LevelInfo, Message: "x"}},
	}
}

type bucket struct {
	Count int64    `bson:"count"`
	Sum   float64  `bson:"sum"`
	Min   float64  `bson:"min"`
	Max   float64  `bson:"max"`
	Ops   []string `bson:"ops"`
}

// checkDerived asserts the derived data of failingBatch, counted exactly once.
func checkDerived(t *testing.T, s *Store, ts time.Time) {
	t.Helper()
	ctx := context.Background()
	series := summary.SeriesKey("api", map[string]string{"route": "/pay"})
	minute := summary.Minute(ts.UnixNano())
	for _, want := range []struct {
		minute int64
		b      bucket
	}{{minute, bucket{Count: 2, Sum: 6, Min: 1, Max: 5}}, {minute + int64(time.Minute), bucket{Count: 1, Sum: 7, Min: 7, Max: 7}}} {
		var got bucket
		id := rollupID("acme", "lat", want.minute, series)
		if err := s.summary.rollups.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil {
			t.Fatalf("rollup %s: %v", id, err)
		}
		if got.Count != want.b.Count || got.Sum != want.b.Sum || got.Min != want.b.Min || got.Max != want.b.Max {
			t.Errorf("rollup %s = %+v, want %+v", id, got, want.b)
		}
		if len(got.Ops) != 0 {
			t.Errorf("rollup %s keeps markers %v after completion", id, got.Ops)
		}
	}
	names, err := s.MetricNames(ctx, "acme")
	if err != nil || len(names) != 1 || names[0].Name != "lat" || !slices.Equal(names[0].LabelKeys, []string{"route"}) {
		t.Errorf("MetricNames = %+v, %v; want lat with label route", names, err)
	}
	services, err := s.ListServices(ctx, "acme")
	if err != nil || len(services) != 2 || services[1].Name != "worker" || services[1].Instance != "w-1" ||
		!services[1].LastHeartbeat.Equal(ts) {
		t.Errorf("ListServices = %+v, %v; want api and worker with its heartbeat", services, err)
	}
	if n, err := s.outbox.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("outbox holds %d entries (%v), want 0", n, err)
	}
}

// TestRetryCompletesDerivedData fails the write at each step after the
// events are stored (before the rollups, between rollups and names, between
// names and services, after all of it but before the outbox entry goes), then
// retries the call: the retry must report the events fresh (so the caller
// publishes and nudges), complete rollups, names and services, and count no
// sample twice; a further retry changes nothing.
func TestRetryCompletesDerivedData(t *testing.T) {
	uri := ferrettest.Start(t)
	ts := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	for i, step := range []string{"rollups", "names", "services", "close"} {
		t.Run(step, func(t *testing.T) {
			ctx := context.Background()
			s, err := OpenWith(ctx, uri, fmt.Sprintf("retry%d", i), Options{RepairEvery: -1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			var failed bool
			s.faults = func(at string) error {
				if at == step && !failed {
					failed = true
					return errInjected
				}
				return nil
			}
			if _, err := s.InsertEvents(ctx, failingBatch(ts)); !errors.Is(err, errInjected) {
				t.Fatalf("first call: err = %v, want the injected failure", err)
			}
			fresh, err := s.InsertEvents(ctx, failingBatch(ts))
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			if !slices.Equal(fresh, []bool{true, true, true, true, true}) {
				t.Errorf("retry fresh = %v, want all true: no caller was told they were stored", fresh)
			}
			checkDerived(t, s, ts)
			fresh, err = s.InsertEvents(ctx, failingBatch(ts))
			if err != nil || slices.Contains(fresh, true) {
				t.Errorf("second retry: fresh = %v, err = %v; want all repeats", fresh, err)
			}
			checkDerived(t, s, ts)
		})
	}
}

// TestRepairerCompletesAbandonedCall: a client that never retries. The
// repairer completes the call, hands its events on once, and a late retry
// then finds plain repeats.
func TestRepairerCompletesAbandonedCall(t *testing.T) {
	uri := ferrettest.Start(t)
	ctx := context.Background()
	ts := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	var mu sync.Mutex
	var repaired []string
	s, err := OpenWith(ctx, uri, "repair", Options{RepairEvery: -1, Repaired: func(events []event.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range events {
			repaired = append(repaired, e.ID)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.faults = func(at string) error {
		if at == "names" {
			return errInjected
		}
		return nil
	}
	if _, err := s.InsertEvents(ctx, failingBatch(ts)); !errors.Is(err, errInjected) {
		t.Fatalf("first call: err = %v, want the injected failure", err)
	}
	// Not yet old enough: the client's retry gets the first chance.
	if n, err := s.Repair(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("Repair(1h) = %d, %v; want 0", n, err)
	}
	s.faults = nil
	if n, err := s.Repair(ctx, 0); err != nil || n != 1 {
		t.Fatalf("Repair = %d, %v; want 1 call completed", n, err)
	}
	slices.Sort(repaired)
	if want := []string{"h1", "l1", "m1", "m2", "m3"}; !slices.Equal(repaired, want) {
		t.Errorf("Repaired got %v, want %v", repaired, want)
	}
	checkDerived(t, s, ts)
	if n, err := s.Repair(ctx, 0); err != nil || n != 0 {
		t.Errorf("second Repair = %d, %v; want 0", n, err)
	}
	fresh, err := s.InsertEvents(ctx, failingBatch(ts))
	if err != nil || slices.Contains(fresh, true) {
		t.Errorf("late retry: fresh = %v, err = %v; want all repeats (the repairer reported them)", fresh, err)
	}
	checkDerived(t, s, ts)
}
