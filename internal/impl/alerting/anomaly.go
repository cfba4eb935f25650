package alerting

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Anomaly detection is stateless: every evaluation reads the series' last
// windows back from the store, so that any instance gives the same answer and
// a restart loses nothing.
//
// The windows are aligned to the Unix epoch. The last complete window is
// judged against the ones before it: history is max(ceil(warmup/window), 2)
// windows, folded into an exponentially weighted mean and variance (alpha =
// 2/(n+1)); the rule holds when the last window's z-score exceeds the
// sensitivity in absolute value. A series holds only once its data reaches
// back to the start of the history (warm-up): a new series never fires.
// For count and sum a window without samples counts 0 (a stop is a change);
// for avg, min and max it is left out of the history, and a last window
// without samples is not judged.

// anomalyStep is the step to read a window at: the window itself when the
// store can serve it, else the largest step it can that divides the window.
func anomalyStep(window time.Duration) (time.Duration, error) {
	if window%time.Minute == 0 {
		return window, nil
	}
	for _, s := range []time.Duration{30 * time.Second, 20 * time.Second, 15 * time.Second, 10 * time.Second} {
		if window%s == 0 {
			return s, nil
		}
	}
	if time.Minute%window == 0 && window%time.Second == 0 {
		return window, nil
	}
	return 0, fmt.Errorf("anomaly window %s is not a multiple of 10s, 15s, 20s or 30s", window)
}

// historyWindows is how many windows before the last one make the baseline.
func historyWindows(r *Rule) int64 {
	return max(int64(math.Ceil(float64(r.Warmup)/float64(r.Window))), 2)
}

func (c *conditions) anomalies(ctx context.Context, r *Rule, now time.Time) ([]observation, error) {
	step, err := anomalyStep(r.Window)
	if err != nil {
		return nil, err
	}
	w := int64(r.Window)
	lastEnd := floorDiv(now.UnixNano(), w) * w
	lastStart := lastEnd - w
	n := historyWindows(r)
	from := lastStart - n*w
	series, err := c.store.QueryMetrics(ctx, store.MetricQuery{
		Tenant: r.Tenant, Name: r.Filter.Name, Service: r.service(), Labels: r.Filter.Labels,
		// One window more than the history, to tell a series that began at
		// the history's start from one with a gap there.
		From: time.Unix(0, from-w).UTC(), To: time.Unix(0, lastEnd).UTC(), Step: step,
	})
	if err != nil {
		return nil, fmt.Errorf("query metric %s: %w", r.Filter.Name, err)
	}
	if err := c.seriesQuota(r, len(series)); err != nil {
		return nil, err
	}
	var out []observation
	for _, s := range series {
		z, last, mean, std, ok := judge(s.Points, r.Aggregate, w, from, n)
		if !ok || math.Abs(z) <= r.Sensitivity {
			continue
		}
		out = append(out, observation{
			labels: alertLabels(r, s.Service, s.Labels),
			value:  last,
			summary: fmt.Sprintf("%s of %s over %s is %g, %.1f standard deviations from its recent mean %g (σ %g, sensitivity %g)",
				r.Aggregate, r.Filter.Name, fmtDuration(r.Window), last, z, mean, std, r.Sensitivity),
		})
	}
	return out, nil
}

// judge computes the z-score of the window at from+n*w against the n windows
// from `from`, from points of a step dividing w. ok is false while the series
// warms up or when the last window has no value.
func judge(points []store.Point, agg Aggregate, w, from, n int64) (z, last, mean, std float64, ok bool) {
	if len(points) == 0 || points[0].TS.UnixNano() > from {
		return 0, 0, 0, 0, false // no data as old as the history's start: warming up
	}
	windows := make(map[int64]store.Point, n+2)
	for _, p := range points {
		start := floorDiv(p.TS.UnixNano(), w) * w
		if acc, seen := windows[start]; seen {
			p = fold([]store.Point{acc, p})
			p.TS = acc.TS
		}
		windows[start] = p
	}
	at := func(start int64) (float64, bool) {
		p, seen := windows[start]
		if !seen && agg != AggCount && agg != AggSum {
			return 0, false
		}
		return value(p, agg), true
	}
	var e ewma
	e.alpha = 2 / (float64(n) + 1)
	for i := range n {
		if v, has := at(from + i*w); has {
			e.add(v)
		}
	}
	last, has := at(from + n*w)
	if !has || e.n < 2 {
		return 0, 0, 0, 0, false
	}
	mean, std = e.mean, math.Sqrt(e.variance)
	// A perfectly flat history would make any change infinitely unusual; a
	// floor of a thousandth of the mean keeps rounding noise from firing while
	// a real step still does.
	floor := max(math.Abs(mean)*1e-3, 1e-9)
	z = (last - mean) / max(std, floor)
	return z, last, mean, std, true
}

// ewma is an exponentially weighted mean and variance (Finch, "Incremental
// calculation of weighted mean and variance", 2009).
type ewma struct {
	alpha, mean, variance float64
	n                     int
}

func (e *ewma) add(x float64) {
	e.n++
	if e.n == 1 {
		e.mean = x
		return
	}
	d := x - e.mean
	inc := e.alpha * d
	e.mean += inc
	e.variance = (1 - e.alpha) * (e.variance + d*inc)
}

// floorDiv rounds a/b toward minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
