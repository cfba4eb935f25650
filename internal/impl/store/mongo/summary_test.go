package mongo

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

func TestRollupIDInjective(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range [][3]string{{"a/b", "c", "s"}, {"a", "b/c", "s"}, {"a", "b", "c/s"}, {"a%2Fb", "c", "s"}} {
		id := rollupID(p[0], p[1], 60, p[2])
		if seen[id] {
			t.Errorf("rollupID(%q, %q, 60, %q) = %q collides", p[0], p[1], p[2], id)
		}
		seen[id] = true
	}
}

// TestSummaryShape pins the documents of rollups, services and rules: string
// _ids (exact-_id upserts are the one lookup FerretDB indexes), labels as
// {k, v} pairs (dotted keys), int64 counts and a rule definition kept as a string.
func TestSummaryShape(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ferrettest.Start(t), "shape")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ts := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	labels := map[string]string{"http.route": "/pay"}
	e := event.Event{ID: "m1", Tenant: "acme", Kind: event.KindMetric, TS: ts, Service: "api",
		Metric: &event.Metric{Name: "http.duration", Value: 0.25, Type: event.MetricGauge, Labels: labels}}
	if _, err := s.InsertEvents(ctx, []event.Event{e, {ID: "m2", Tenant: "acme", Kind: event.KindMetric, TS: ts.Add(time.Second),
		Service: "api", Metric: &event.Metric{Name: "http.duration", Value: 0.75, Type: event.MetricGauge, Labels: labels}}}); err != nil {
		t.Fatal(err)
	}
	minute := summary.Minute(ts.UnixNano())
	var raw bson.Raw
	id := rollupID("acme", "http.duration", minute, summary.SeriesKey("api", labels))
	if err := s.summary.rollups.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&raw); err != nil {
		t.Fatalf("find rollup %s: %v", id, err)
	}
	if v := raw.Lookup("count"); v.Type != bson.TypeInt64 || v.Int64() != 2 {
		t.Errorf("count = %v, want int64 2", v)
	}
	for f, want := range map[string]float64{"sum": 1, "min": 0.25, "max": 0.75} {
		if v := raw.Lookup(f); v.Type != bson.TypeDouble || v.Double() != want {
			t.Errorf("%s = %v, want %v", f, v, want)
		}
	}
	if v := raw.Lookup("minute_ns"); v.Type != bson.TypeInt64 || v.Int64() != minute {
		t.Errorf("minute_ns = %v, want %d", v, minute)
	}
	if v := raw.Lookup("labels", "0", "k"); v.StringValue() != "http.route" {
		t.Errorf("labels.0.k = %v, want http.route", v)
	}

	if err := s.summary.services.FindOne(ctx, bson.D{{Key: "_id", Value: "acme/api"}}).Decode(&raw); err != nil {
		t.Fatalf("find service: %v", err)
	}
	if v := raw.Lookup("last_seen_ns"); v.Type != bson.TypeInt64 || v.Int64() != ts.Add(time.Second).UnixNano() {
		t.Errorf("last_seen_ns = %v", v)
	}
	if _, err := raw.LookupErr("last_heartbeat_ns"); err == nil {
		t.Error("a service without heartbeats has last_heartbeat_ns")
	}

	def := `{"a.b": 1.50}`
	if err := s.CreateRule(ctx, store.Rule{ID: "r1", Tenant: "acme", Name: "n", Kind: "k", Definition: []byte(def)}); err != nil {
		t.Fatal(err)
	}
	if err := s.summary.rules.FindOne(ctx, bson.D{{Key: "_id", Value: "acme/r1"}}).Decode(&raw); err != nil {
		t.Fatalf("find rule: %v", err)
	}
	if v := raw.Lookup("definition"); v.Type != bson.TypeString || v.StringValue() != def {
		t.Errorf("definition = %v, want the string %s", v, def)
	}
}
