package summary

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func TestMinuteFloorsBefore1970(t *testing.T) {
	for _, c := range []struct{ ns, want int64 }{
		{0, 0},
		{59_999_999_999, 0},
		{60_000_000_000, 60_000_000_000},
		{-1, -60_000_000_000},
		{-60_000_000_000, -60_000_000_000},
		{-60_000_000_001, -120_000_000_000},
	} {
		if got := Minute(c.ns); got != c.want {
			t.Errorf("Minute(%d) = %d, want %d", c.ns, got, c.want)
		}
	}
}

func TestSeriesKey(t *testing.T) {
	a := SeriesKey("svc", map[string]string{"b": "2", "a": "1"})
	if b := SeriesKey("svc", map[string]string{"a": "1", "b": "2"}); a != b {
		t.Errorf("keys of equal label sets differ: %s, %s", a, b)
	}
	if got := SeriesKey("svc", map[string]string{}); got != SeriesKey("svc", nil) {
		t.Errorf("empty and nil labels differ: %s", got)
	}
	// Separators inside values must not make two series collide.
	if SeriesKey("a", map[string]string{"b": `","c":"d`}) == SeriesKey("a", map[string]string{"b": "", "c": "d"}) {
		t.Error("series keys collide")
	}
	svc, labels, err := ParseSeriesKey(a)
	if err != nil || svc != "svc" || len(labels) != 2 || labels["a"] != "1" || labels["b"] != "2" {
		t.Errorf("ParseSeriesKey(%s) = %q, %v, %v", a, svc, labels, err)
	}
	if _, labels, _ := ParseSeriesKey(SeriesKey("s", nil)); labels != nil {
		t.Errorf("labels of an unlabelled series = %v, want nil", labels)
	}
}

func TestPlan(t *testing.T) {
	for step, want := range map[time.Duration]Source{
		time.Minute: FromRollups, 5 * time.Minute: FromRollups, 24 * time.Hour: FromRollups,
		10 * time.Second: FromSamples, 15 * time.Second: FromSamples, 30 * time.Second: FromSamples,
		0: 0, -time.Minute: 0, 7 * time.Second: 0, 90 * time.Second: 0, 500 * time.Millisecond: 0,
	} {
		got, err := Plan(store.MetricQuery{Step: step})
		if got != want || (err == nil) != (want != 0) {
			t.Errorf("Plan(%s) = %v, %v; want %v", step, got, err, want)
		}
	}
}

func TestSummarizeFreshOnlyAndLatestWins(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	metric := func(id string, at time.Duration, v float64, typ event.MetricType) event.Event {
		return event.Event{ID: id, Tenant: "t", Kind: event.KindMetric, TS: t0.Add(at), Service: "s",
			Metric: &event.Metric{Name: "m", Value: v, Type: typ, Labels: map[string]string{"k": "v"}}}
	}
	beat := func(id string, at time.Duration, st event.HeartbeatStatus) event.Event {
		return event.Event{ID: id, Tenant: "t", Kind: event.KindHeartbeat, TS: t0.Add(at), Service: "s",
			Heartbeat: &event.Heartbeat{Status: st}}
	}
	events := []event.Event{
		metric("1", 10*time.Second, 4, event.MetricGauge),
		metric("2", 20*time.Second, -1, event.MetricCounter),
		metric("3", 5*time.Second, 100, event.MetricGauge), // not fresh
		metric("4", 70*time.Second, 2, event.MetricGauge),
		beat("5", 30*time.Second, event.StatusUp),
		beat("6", 25*time.Second, event.StatusDown),
	}
	b := Prepare(events).Summarize([]bool{true, true, false, true, true, true})
	if len(b.Rollups) != 2 {
		t.Fatalf("rollups = %+v, want 2", b.Rollups)
	}
	if r := b.Rollups[0]; r.Minute != t0.UnixNano() || r.Count != 2 || r.Sum != 3 || r.Min != -1 || r.Max != 4 {
		t.Errorf("first rollup = %+v", r)
	}
	if n := b.Names[0]; n.Type != event.MetricGauge || n.TypeTS != t0.Add(70*time.Second).UnixNano() {
		t.Errorf("name = %+v, want the type of the latest sample", n)
	}
	s := b.Services[0]
	if s.LastSeen != t0.Add(70*time.Second).UnixNano() || s.Heartbeat == nil || s.Heartbeat.Status != event.StatusUp {
		t.Errorf("service = %+v, heartbeat %+v", s, s.Heartbeat)
	}
}

func TestAggregatorOutOfOrder(t *testing.T) {
	a := NewAggregator(store.MetricQuery{Step: 2 * time.Minute, Labels: map[string]string{"k": "v"}})
	minute := int64(time.Minute)
	acc := a.Define("x", "s", map[string]string{"k": "v"})
	if a.Define("y", "s", map[string]string{"k": "other"}) != nil {
		t.Fatal("a series outside the label filter got an accumulator")
	}
	acc.Add(3*minute, 1, 1, 1, 1)
	acc.Add(0, 1, 2, 2, 2)
	acc.Add(2*minute, 1, 3, 3, 3)
	acc.Add(minute, 2, 4, 1, 3)
	if same, _ := a.Lookup("x"); same != acc {
		t.Fatal("Lookup does not return the defined accumulator")
	}
	got := a.Result()
	if len(got) != 1 || len(got[0].Points) != 2 {
		t.Fatalf("Result = %+v", got)
	}
	p0, p1 := got[0].Points[0], got[0].Points[1]
	if p0.TS.UnixNano() != 0 || p0.Count != 3 || p0.Sum != 6 || p0.Min != 1 || p0.Max != 3 {
		t.Errorf("point 0 = %+v", p0)
	}
	if p1.TS.UnixNano() != 2*minute || p1.Count != 2 || p1.Sum != 4 || p1.Min != 1 || p1.Max != 3 {
		t.Errorf("point 1 = %+v", p1)
	}
}
