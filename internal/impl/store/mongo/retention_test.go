package mongo

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

// TestRetentionSweepOnFerretDB: FerretDB has no TTL indexes, so the store
// detects it and sweeps. In batches of 2 (the knob standing in for the
// 10,000 that keep FerretDB under its 32,766-variable limit), the old logs
// and samples go, the recent ones stay; a rollup outlives its samples by its
// own retention; a resolved alert past its retention goes, an open one stays
// however old.
func TestRetentionSweepOnFerretDB(t *testing.T) {
	ctx := context.Background()
	r := Retention{Retention: store.Retention{Logs: time.Hour, Metrics: time.Hour, Rollups: 3 * time.Hour}, ResolvedAlerts: time.Hour}
	s, err := OpenWith(ctx, ferrettest.Start(t), "retention", Options{RepairEvery: -1, Retention: r})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if !s.server.ferret {
		t.Fatal("buildInfo did not reveal FerretDB")
	}
	s.sweepBatch = 2
	now := time.Now().UTC().Truncate(time.Minute)
	var events []event.Event
	for _, age := range []struct {
		name string
		d    time.Duration
		logs int
	}{{"old", 4 * time.Hour, 5}, {"mid", 2 * time.Hour, 1}, {"new", 10 * time.Minute, 2}} {
		at := now.Add(-age.d)
		for i := range age.logs {
			events = append(events, event.Event{ID: fmt.Sprintf("l-%s-%d", age.name, i), Tenant: "acme", Kind: event.KindLog,
				TS: at, Service: "api", Log: &event.Log{Level: event.LevelInfo, Message: "m"}})
		}
		events = append(events, event.Event{ID: "m-" + age.name, Tenant: "acme", Kind: event.KindMetric, TS: at, Service: "api",
			Metric: &event.Metric{Name: "lat", Value: 1, Type: event.MetricGauge}})
	}
	if _, err := s.InsertEvents(ctx, events); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-4 * time.Hour)
	for _, a := range []store.Alert{
		{ID: "resolved-old", State: "resolved", ResolvedAt: now.Add(-2 * time.Hour)},
		{ID: "resolved-new", State: "resolved", ResolvedAt: now.Add(-10 * time.Minute)},
		{ID: "open-old", State: "firing"},
	} {
		a.Tenant, a.RuleID, a.Fingerprint, a.StartedAt, a.UpdatedAt = "acme", "r", a.ID, old, old
		if err := s.PutAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	dropped, err := s.EnforceRetention(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if dropped[event.KindLog] != 6 || dropped[event.KindMetric] != 2 {
		t.Errorf("dropped = %v, want 6 logs and 2 metrics", dropped)
	}
	for kind, want := range map[event.Kind]int64{event.KindLog: 2, event.KindMetric: 1} {
		if n, err := s.CountEvents(ctx, "acme", kind); err != nil || n != want {
			t.Errorf("CountEvents %s = %d, %v; want %d", kind, n, err, want)
		}
	}
	var minutes []int64
	cur, err := s.summary.rollups.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var buckets []rollupPoint
	if err := cur.All(ctx, &buckets); err != nil {
		t.Fatal(err)
	}
	for _, b := range buckets {
		minutes = append(minutes, (now.UnixNano()-b.MinuteNs)/int64(time.Minute))
	}
	if fmt.Sprint(minutes) != "[120 10]" && fmt.Sprint(minutes) != "[10 120]" {
		t.Errorf("rollups kept at minutes ago %v, want 120 and 10", minutes)
	}
	for id, kept := range map[string]bool{"resolved-old": false, "resolved-new": true, "open-old": true} {
		_, err := s.GetAlert(ctx, "acme", id)
		if kept && err != nil || !kept && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetAlert %s: %v; want kept = %v", id, err, kept)
		}
	}
	if again, err := s.EnforceRetention(ctx, now); err != nil || again[event.KindLog] != 0 {
		t.Errorf("second pass dropped %v, %v; want nothing", again, err)
	}
}

func TestSweepEvery(t *testing.T) {
	for _, c := range []struct {
		r    Retention
		want time.Duration
	}{
		{Retention{}, 0},
		{Retention{Retention: store.Retention{Logs: 7 * 24 * time.Hour, Rollups: 90 * 24 * time.Hour}}, time.Hour},
		{Retention{Retention: store.Retention{Logs: 2 * time.Hour, Metrics: 5 * time.Minute}}, time.Minute},
		{Retention{Retention: store.Retention{Security: 5 * time.Hour}}, 30 * time.Minute},
	} {
		if got := c.r.sweepEvery(); got != c.want {
			t.Errorf("%+v.sweepEvery() = %v, want %v", c.r, got, c.want)
		}
	}
}

// TestWithinGrace: readiness rides out an election only for a while, and
// never for a store that has not reached a primary yet.
func TestWithinGrace(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		seen  int64
		grace time.Duration
		want  bool
	}{
		{now.Add(-5 * time.Second).UnixNano(), 30 * time.Second, true},
		{now.Add(-31 * time.Second).UnixNano(), 30 * time.Second, false},
		{0, 30 * time.Second, false},
		{now.Add(-time.Second).UnixNano(), -1, false},
	} {
		if got := withinGrace(c.seen, now, c.grace); got != c.want {
			t.Errorf("withinGrace(%v ago, %v) = %v, want %v", now.Sub(time.Unix(0, c.seen)), c.grace, got, c.want)
		}
	}
}
