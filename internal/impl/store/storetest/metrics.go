package storetest

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// m0 starts a 5-minute step (steps are aligned to the Unix epoch). Sample
// values are binary fractions, so sums are exact in any order of addition.
var m0 = time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)

const durationMetric = "http.server.duration"

// The series of the metric tests, in the order QueryMetrics returns them:
// by service, then canonical labels ({"http.method"… sorts before {"route"…).
var (
	pay  = map[string]string{"route": "/pay", "http.method": "GET"}
	cart = map[string]string{"route": "/cart"}
)

func sample(tenant, id, service string, labels map[string]string, at time.Duration, v float64) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindMetric, TS: m0.Add(at), Service: service,
		Metric: &event.Metric{Name: durationMetric, Value: v, Type: event.MetricGauge, Labels: labels},
	}
}

// metricBatches are three calls: the third retries the first (whose samples
// must not count twice) with one new sample.
func metricBatches(tenant string) [][]event.Event {
	first := []event.Event{
		sample(tenant, "a1", "checkout", pay, 5*time.Second, 1),
		sample(tenant, "a2", "checkout", pay, 15*time.Second, 3),
		sample(tenant, "a3", "checkout", pay, 65*time.Second, 10),
		sample(tenant, "b1", "checkout", cart, 5*time.Second, 2),
	}
	other := sample(tenant, "q1", "checkout", pay, 10*time.Second, 1000)
	other.Metric.Name = "queue.depth"
	second := []event.Event{
		sample(tenant, "a4", "checkout", pay, 20*time.Second, -4),
		logEvent(tenant, "log-1", 1),
		sample(tenant, "a5", "checkout", pay, 70*time.Second, 0.5),
		sample(tenant, "c1", "search", nil, 120*time.Second, 7),
		other,
	}
	third := append(append([]event.Event{}, first...), sample(tenant, "a6", "checkout", pay, 25*time.Second, 8))
	return [][]event.Event{first, second, third}
}

func pt(at time.Duration, count int64, sum, lo, hi float64) store.Point {
	return store.Point{TS: m0.Add(at), Count: count, Sum: sum, Min: lo, Max: hi}
}

func queryMetrics(t *testing.T, s store.Store, q store.MetricQuery) []store.Series {
	t.Helper()
	got, err := s.QueryMetrics(context.Background(), q)
	if err != nil {
		t.Fatalf("QueryMetrics(%+v): %v", q, err)
	}
	return got
}

// sameSeries compares series exactly: order, labels, and points with times to
// the nanosecond, in UTC.
func sameSeries(t *testing.T, what string, want, got []store.Series) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d series %s, want %d %s", what, len(got), js(got), len(want), js(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.Service != w.Service || !reflect.DeepEqual(g.Labels, w.Labels) {
			t.Errorf("%s: series %d is %s %v, want %s %v", what, i, g.Service, g.Labels, w.Service, w.Labels)
			continue
		}
		if len(g.Points) != len(w.Points) {
			t.Errorf("%s: series %s %v has %d points %s, want %d %s", what, w.Service, w.Labels, len(g.Points), js(g.Points), len(w.Points), js(w.Points))
			continue
		}
		for j, wp := range w.Points {
			gp := g.Points[j]
			sameTime(t, fmt.Sprintf("%s: series %d point %d ts", what, i, j), wp.TS, gp.TS)
			wp.TS, gp.TS = time.Time{}, time.Time{}
			if gp != wp {
				t.Errorf("%s: series %s %v point %d = %+v, want %+v", what, w.Service, w.Labels, j, gp, wp)
			}
		}
	}
}

func durationQuery(tenant string, step time.Duration) store.MetricQuery {
	return store.MetricQuery{Tenant: tenant, Name: durationMetric, From: m0, To: m0.Add(5 * time.Minute), Step: step}
}

func testMetricRollups(t *testing.T, s store.Store) {
	for _, b := range metricBatches("acme") {
		insert(t, s, b)
	}
	// Series in order; count, sum, min and max per minute (avg is sum/count).
	want := []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{
			pt(0, 4, 8, -4, 8), // 1, 3, -4, 8
			pt(time.Minute, 2, 10.5, 0.5, 10),
		}},
		{Service: "checkout", Labels: cart, Points: []store.Point{pt(0, 1, 2, 2, 2)}},
		{Service: "search", Points: []store.Point{pt(2*time.Minute, 1, 7, 7, 7)}},
	}
	got := queryMetrics(t, s, durationQuery("acme", time.Minute))
	sameSeries(t, "step 1m", want, got)
	if p := got[0].Points[0]; p.Sum/float64(p.Count) != 2 {
		t.Errorf("avg of the first point = %v, want 2", p.Sum/float64(p.Count))
	}

	// Whole-minute steps are unions of minutes.
	sameSeries(t, "step 5m", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 6, 18.5, -4, 10)}},
		{Service: "checkout", Labels: cart, Points: []store.Point{pt(0, 1, 2, 2, 2)}},
		{Service: "search", Points: []store.Point{pt(0, 1, 7, 7, 7)}},
	}, queryMetrics(t, s, durationQuery("acme", 5*time.Minute)))

	// [From, To) selects whole minutes; empty steps are left out.
	q := durationQuery("acme", 2*time.Minute)
	q.From, q.To = m0.Add(time.Minute), m0.Add(3*time.Minute)
	sameSeries(t, "minutes 1 and 2, step 2m", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 2, 10.5, 0.5, 10)}},
		{Service: "search", Points: []store.Point{pt(2*time.Minute, 1, 7, 7, 7)}},
	}, queryMetrics(t, s, q))

	// The other metric's samples are its own.
	q = durationQuery("acme", time.Minute)
	q.Name = "queue.depth"
	sameSeries(t, "queue.depth", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 1, 1000, 1000, 1000)}},
	}, queryMetrics(t, s, q))
	q.Name = "unknown"
	sameSeries(t, "unknown metric", nil, queryMetrics(t, s, q))
}

func testMetricRawSteps(t *testing.T, s store.Store) {
	for _, b := range metricBatches("acme") {
		insert(t, s, b)
	}
	// Steps dividing a minute read raw samples, aligned to the epoch.
	sameSeries(t, "step 10s", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{
			pt(0, 1, 1, 1, 1),
			pt(10*time.Second, 1, 3, 3, 3),
			pt(20*time.Second, 2, 4, -4, 8),
			pt(60*time.Second, 1, 10, 10, 10),
			pt(70*time.Second, 1, 0.5, 0.5, 0.5),
		}},
		{Service: "checkout", Labels: cart, Points: []store.Point{pt(0, 1, 2, 2, 2)}},
		{Service: "search", Points: []store.Point{pt(120*time.Second, 1, 7, 7, 7)}},
	}, queryMetrics(t, s, durationQuery("acme", 10*time.Second)))

	// Raw steps and rollups agree on every series' totals.
	for _, step := range []time.Duration{10 * time.Second, 15 * time.Second, 20 * time.Second, 30 * time.Second} {
		raw, rolled := totals(queryMetrics(t, s, durationQuery("acme", step))), totals(queryMetrics(t, s, durationQuery("acme", time.Minute)))
		if !reflect.DeepEqual(raw, rolled) {
			t.Errorf("totals at step %s = %v, at step 1m = %v", step, raw, rolled)
		}
	}
	sameSeries(t, "step 30s", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 4, 8, -4, 8), pt(60*time.Second, 2, 10.5, 0.5, 10)}},
		{Service: "checkout", Labels: cart, Points: []store.Point{pt(0, 1, 2, 2, 2)}},
		{Service: "search", Points: []store.Point{pt(120*time.Second, 1, 7, 7, 7)}},
	}, queryMetrics(t, s, durationQuery("acme", 30*time.Second)))

	// Raw reads honour [From, To) to the nanosecond.
	q := durationQuery("acme", 10*time.Second)
	q.From, q.To = m0.Add(15*time.Second), m0.Add(25*time.Second)
	sameSeries(t, "15s to 25s", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(10*time.Second, 1, 3, 3, 3), pt(20*time.Second, 1, -4, -4, -4)}},
	}, queryMetrics(t, s, q))

	for _, step := range []time.Duration{0, -time.Minute, 7 * time.Second, 90 * time.Second, 500 * time.Millisecond} {
		if _, err := s.QueryMetrics(context.Background(), durationQuery("acme", step)); err == nil {
			t.Errorf("QueryMetrics with step %s: got no error", step)
		}
	}
	q = durationQuery("acme", time.Minute)
	q.From, q.To = q.To, q.From
	sameSeries(t, "To before From", nil, queryMetrics(t, s, q))
}

// totals sums each series' points, keyed by service and labels.
func totals(series []store.Series) map[string][2]float64 {
	out := map[string][2]float64{}
	for _, sr := range series {
		var c, sum float64
		for _, p := range sr.Points {
			c += float64(p.Count)
			sum += p.Sum
		}
		out[sr.Service+js(sr.Labels)] = [2]float64{c, sum}
	}
	return out
}

func testMetricFilters(t *testing.T, s store.Store) {
	for _, b := range metricBatches("acme") {
		insert(t, s, b)
	}
	// Another tenant, same ids and series, other values: never mixed in.
	b := sample("other", "a1", "checkout", pay, 5*time.Second, 64)
	insert(t, s, []event.Event{b, sample("other", "z1", "billing", nil, 5*time.Second, 32)})

	payOnly := []store.Series{{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 6, 18.5, -4, 10)}}}
	cases := []struct {
		name    string
		service string
		labels  map[string]string
		want    []store.Series
	}{
		{"one label", "", map[string]string{"route": "/pay"}, payOnly},
		{"dotted label", "", map[string]string{"http.method": "GET"}, payOnly},
		{"every label", "", pay, payOnly},
		{"service and label", "checkout", map[string]string{"route": "/cart"},
			[]store.Series{{Service: "checkout", Labels: cart, Points: []store.Point{pt(0, 1, 2, 2, 2)}}}},
		{"service", "search", nil, []store.Series{{Service: "search", Points: []store.Point{pt(0, 1, 7, 7, 7)}}}},
		{"no such value", "", map[string]string{"route": "/nope"}, nil},
		{"absent label is not empty", "", map[string]string{"region": ""}, nil},
		{"no such service", "billing", nil, nil},
	}
	for _, c := range cases {
		for _, step := range []time.Duration{5 * time.Minute, 10 * time.Second} {
			q := durationQuery("acme", step)
			q.Service, q.Labels = c.service, c.labels
			got := queryMetrics(t, s, q)
			if step == 5*time.Minute {
				sameSeries(t, c.name, c.want, got)
			} else if w, g := totals(c.want), totals(got); !reflect.DeepEqual(w, g) {
				t.Errorf("%s at step 10s: totals %v, want %v", c.name, g, w)
			}
		}
	}
	sameSeries(t, "other tenant", []store.Series{
		{Service: "billing", Points: []store.Point{pt(0, 1, 32, 32, 32)}},
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, 1, 64, 64, 64)}},
	}, queryMetrics(t, s, durationQuery("other", 5*time.Minute)))
	sameSeries(t, "unknown tenant", nil, queryMetrics(t, s, durationQuery("nobody", time.Minute)))
}

func testMetricNames(t *testing.T, s store.Store) {
	ctx := context.Background()
	insert(t, s, metricBatches("acme")[0])
	// A later sample changes the type; an older one arriving later does not.
	later := sample("acme", "n1", "search", map[string]string{"region": "eu"}, 10*time.Minute, 1)
	later.Metric.Type = event.MetricCounter
	first := sample("acme", "n2", "auth", nil, 0, 1)
	first.Metric.Name = "a.first"
	insert(t, s, []event.Event{later, first})
	older := sample("acme", "n3", "checkout", nil, time.Minute, 1)
	insert(t, s, []event.Event{older})
	// Metrics of another tenant stay there.
	foreign := sample("other", "n1", "foreign", map[string]string{"secret": "x"}, 0, 1)
	foreign.Metric.Name = "z.foreign"
	insert(t, s, []event.Event{foreign})

	got, err := s.MetricNames(ctx, "acme")
	if err != nil {
		t.Fatalf("MetricNames: %v", err)
	}
	want := []store.MetricName{
		{Name: "a.first", Type: event.MetricGauge, LabelKeys: []string{}, Services: []string{"auth"}},
		{Name: durationMetric, Type: event.MetricCounter, LabelKeys: []string{"http.method", "region", "route"}, Services: []string{"checkout", "search"}},
	}
	sameNames(t, want, got)

	got, err = s.MetricNames(ctx, "other")
	if err != nil {
		t.Fatalf("MetricNames(other): %v", err)
	}
	sameNames(t, []store.MetricName{{Name: "z.foreign", Type: event.MetricGauge, LabelKeys: []string{"secret"}, Services: []string{"foreign"}}}, got)
	if got, err := s.MetricNames(ctx, "nobody"); err != nil || len(got) != 0 {
		t.Errorf("MetricNames(nobody) = %v, %v; want none", got, err)
	}

	// Infinite values would poison the rollup sums: refused, like NaN.
	inf := sample("acme", "inf", "checkout", nil, 0, math.Inf(1))
	if _, err := s.InsertEvents(ctx, []event.Event{inf}); err == nil {
		t.Error("InsertEvents with an infinite metric value: got no error")
	}
}

// sameNames treats nil and empty lists alike.
func sameNames(t *testing.T, want, got []store.MetricName) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d metric names %s, want %d %s", len(got), js(got), len(want), js(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.Name != w.Name || g.Type != w.Type || fmt.Sprint(g.LabelKeys) != fmt.Sprint(w.LabelKeys) || fmt.Sprint(g.Services) != fmt.Sprint(w.Services) {
			t.Errorf("metric name %d = %s, want %s", i, js(g), js(w))
		}
	}
}

// testMetricConcurrentWriters has writers race to create the same new bucket,
// metric name and service: every sample must be counted once, and no writer
// may fail (on MongoDB, concurrent upserts of one new _id can collide).
func testMetricConcurrentWriters(t *testing.T, s store.Store) {
	const writers, perWriter = 4, 3
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				e := sample("acme", fmt.Sprintf("w%d-%d", w, i), "checkout", pay, time.Duration(w*perWriter+i)*time.Second, 0.5)
				if _, err := s.InsertEvents(context.Background(), []event.Event{e}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := float64(writers * perWriter)
	sameSeries(t, "after concurrent writers", []store.Series{
		{Service: "checkout", Labels: pay, Points: []store.Point{pt(0, writers*perWriter, n*0.5, 0.5, 0.5)}},
	}, queryMetrics(t, s, durationQuery("acme", time.Minute)))
	sameServices(t, "after concurrent writers", []store.Service{
		{Name: "checkout", LastSeen: m0.Add(time.Duration(writers*perWriter-1) * time.Second)},
	}, listServices(t, s, "acme"))
}
