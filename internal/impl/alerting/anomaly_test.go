package alerting

import (
	"math"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func TestEWMA(t *testing.T) {
	var e ewma
	e.alpha = 0.5
	for _, x := range []float64{10, 10, 10} {
		e.add(x)
	}
	if e.mean != 10 || e.variance != 0 {
		t.Errorf("constant: mean %v variance %v", e.mean, e.variance)
	}
	e = ewma{alpha: 0.5}
	e.add(0)
	e.add(2) // d=2, inc=1: mean 1, variance 0.5*(0+2*1)=1
	if e.mean != 1 || e.variance != 1 {
		t.Errorf("mean %v variance %v, want 1 and 1", e.mean, e.variance)
	}
}

func TestJudge(t *testing.T) {
	w := int64(time.Minute)
	at := func(i int) time.Time { return time.Unix(0, int64(i)*w).UTC() }
	series := func(from, n int, v func(i int) float64) []store.Point {
		var out []store.Point
		for i := from; i < from+n; i++ {
			x := v(i)
			out = append(out, store.Point{TS: at(i), Count: 1, Sum: x, Min: x, Max: x})
		}
		return out
	}
	noisy := func(i int) float64 { return 100 + float64(i%3) - 1 } // 99, 100, 101
	const from, n = 100, 30                                        // history [100, 130), judged window 130

	spike := append(series(from-1, n+1, noisy), store.Point{TS: at(from + n), Count: 1, Sum: 130, Min: 130, Max: 130})
	if z, last, _, _, ok := judge(spike, AggAvg, w, int64(from)*w, n); !ok || z < 10 || last != 130 {
		t.Errorf("spike: z=%v last=%v ok=%v, want a large z", z, last, ok)
	}
	normal := series(from-1, n+2, noisy)
	if z, _, _, _, ok := judge(normal, AggAvg, w, int64(from)*w, n); !ok || math.Abs(z) > 3 {
		t.Errorf("normal: z=%v ok=%v, want |z| <= 3", z, ok)
	}
	young := series(from+10, n-10+1, noisy) // begins after the history's start
	if _, _, _, _, ok := judge(young, AggAvg, w, int64(from)*w, n); ok {
		t.Error("a series younger than the warm-up was judged")
	}
	// For count, a window without samples is 0: a stop is a change.
	stopped := series(from-1, n+1, func(int) float64 { return 1 })
	if z, last, _, _, ok := judge(stopped, AggCount, w, int64(from)*w, n); !ok || last != 0 || z > -10 {
		t.Errorf("stopped count: z=%v last=%v ok=%v", z, last, ok)
	}
	// For avg, a last window without samples is not judged.
	if _, _, _, _, ok := judge(stopped, AggAvg, w, int64(from)*w, n); ok {
		t.Error("an empty last window was judged for avg")
	}
	// A flat history fires on a real change, not on rounding noise.
	flat := series(from-1, n+1, func(int) float64 { return 50 })
	if z, _, _, _, _ := judge(append(flat, store.Point{TS: at(from + n), Count: 1, Sum: 50.0000001, Min: 50, Max: 50}), AggAvg, w, int64(from)*w, n); math.Abs(z) > 3 {
		t.Errorf("flat + noise: z=%v", z)
	}
	if z, _, _, _, _ := judge(append(flat, store.Point{TS: at(from + n), Count: 1, Sum: 60, Min: 60, Max: 60}), AggAvg, w, int64(from)*w, n); z < 3 {
		t.Errorf("flat + step: z=%v", z)
	}
}

func TestAnomalyStep(t *testing.T) {
	for _, c := range []struct {
		window, step time.Duration
	}{{time.Minute, time.Minute}, {5 * time.Minute, 5 * time.Minute}, {30 * time.Second, 30 * time.Second},
		{10 * time.Second, 10 * time.Second}, {90 * time.Second, 30 * time.Second}, {45 * time.Second, 15 * time.Second}} {
		if got, err := anomalyStep(c.window); err != nil || got != c.step {
			t.Errorf("anomalyStep(%v) = %v, %v; want %v", c.window, got, err, c.step)
		}
	}
	if _, err := anomalyStep(13 * time.Second); err == nil {
		t.Error("anomalyStep(13s) succeeded")
	}
}

// Anomaly rules on a hand-moved clock: a series with less history than the
// warm-up never fires; one with enough fires on a spike and resolves when
// its next window is ordinary again.
func TestAnomalyWarmupAndSpike(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "anomaly", "filter": map[string]any{"name": "latency"}, "aggregate": "avg",
		"window": "1m", "warmup": "30m", "sensitivity": 3.0, "labels": map[string]string{"team": "web"}})
	// now is 12:40:30; the last complete window is [12:39, 12:40).
	e.clock = newClock(time.Date(2026, 11, 27, 12, 40, 30, 0, time.UTC))
	lastWindow := time.Date(2026, 11, 27, 12, 39, 0, 0, time.UTC)
	var evs []event.Event
	for m := 40; m >= 1; m-- { // "old": 40 minutes of history
		evs = append(evs, metricEv("latency", "web", map[string]string{"host": "old"}, 100+float64(m%3), lastWindow.Add(-time.Duration(m)*time.Minute+10*time.Second)))
	}
	for m := 10; m >= 1; m-- { // "young": 10 minutes
		evs = append(evs, metricEv("latency", "web", map[string]string{"host": "young"}, 100+float64(m%3), lastWindow.Add(-time.Duration(m)*time.Minute+10*time.Second)))
	}
	evs = append(evs,
		metricEv("latency", "web", map[string]string{"host": "old"}, 180, lastWindow.Add(20*time.Second)),
		metricEv("latency", "web", map[string]string{"host": "young"}, 180, lastWindow.Add(20*time.Second)))
	e.send(evs...)
	in := e.start(e.testOptions())
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	if a.Labels["host"] != "old" || a.Labels["service"] != "web" || a.Labels["team"] != "web" || a.Value != 180 {
		t.Errorf("alert = %+v", a)
	}
	in.settle(t, 3)
	if got := e.alerts(r.ID); len(got) != 1 {
		t.Errorf("alerts = %+v, want only the warmed-up series", got)
	}
	// The next window is ordinary.
	e.send(metricEv("latency", "web", map[string]string{"host": "old"}, 101, lastWindow.Add(time.Minute+10*time.Second)))
	e.clock.Advance(time.Minute)
	res := e.waitAlert(r.ID, "resolved", inState(StateResolved))
	if res.ID != a.ID {
		t.Errorf("resolved %+v, fired %+v", res, a)
	}
}

// LIGHTWATCH_ANOMALY=off: anomaly rules never hold.
func TestAnomalyDisabled(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "anomaly", "filter": map[string]any{"name": "latency"}, "window": "1m", "warmup": "5m"})
	e.clock = newClock(time.Date(2026, 11, 27, 12, 40, 30, 0, time.UTC))
	lastWindow := time.Date(2026, 11, 27, 12, 39, 0, 0, time.UTC)
	var evs []event.Event
	for m := 10; m >= 1; m-- {
		evs = append(evs, metricEv("latency", "web", nil, 100+float64(m%3), lastWindow.Add(-time.Duration(m)*time.Minute)))
	}
	e.send(append(evs, metricEv("latency", "web", nil, 1000, lastWindow))...)
	opts := e.testOptions()
	opts.DisableAnomaly = true
	in := e.start(opts)
	in.settle(t, 5)
	if got := e.alerts(r.ID); len(got) != 0 {
		t.Errorf("alerts = %+v, want none with anomaly detection off", got)
	}
}
