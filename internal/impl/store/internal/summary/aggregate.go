package summary

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/saturate"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// Source is what QueryMetrics reads to build a query's points.
type Source int

// The sources of metric points.
const (
	// FromRollups reads per-minute buckets whose minute starts in [From, To);
	// steps of whole minutes are unions of whole minutes.
	FromRollups Source = iota + 1
	// FromSamples reads raw samples with ts in [From, To), for steps that
	// divide a minute, which the rollups are too coarse for.
	FromSamples
)

// Plan says which source serves q's step, or why the step cannot be served:
// only whole minutes and whole-second divisors of a minute (10s, 15s, 20s,
// 30s, …) keep every point inside the buckets it is built from.
func Plan(q store.MetricQuery) (Source, error) {
	switch s := q.Step; {
	case s <= 0:
		return 0, fmt.Errorf("metric step %s is not positive", s)
	case s%time.Minute == 0:
		return FromRollups, nil
	case s%time.Second == 0 && time.Minute%s == 0:
		return FromSamples, nil
	default:
		return 0, fmt.Errorf("metric step %s is neither whole minutes nor a whole-second divisor of a minute", s)
	}
}

// Bounds returns q's [From, To) in Unix nanoseconds, clamped to the storable
// range, so that an open-ended query (zero From) needs no special case.
func Bounds(q store.MetricQuery) (from, to int64) {
	return clampNanos(q.From), clampNanos(q.To)
}

func clampNanos(t time.Time) int64 {
	if n, err := check.Nanos(t); err == nil {
		return n
	}
	if t.Before(time.Unix(0, 0)) {
		return math.MinInt64
	}
	return math.MaxInt64
}

// Aggregator folds rollup buckets or raw samples into the points of a query,
// one series at a time, and applies the query's service and label filters.
// Adapters identify series by whatever string is cheapest for them to read
// (the stored series key, or service and labels text) and resolve it into
// service and labels only the first time they meet it.
type Aggregator struct {
	q      store.MetricQuery
	step   int64
	byID   map[string]*Acc
	byKey  map[string]*Acc // series key → accumulator, so ids spelt differently merge
	series []*Acc
}

// NewAggregator returns an empty aggregator for q, whose step Plan accepted.
func NewAggregator(q store.MetricQuery) *Aggregator {
	return &Aggregator{q: q, step: int64(q.Step), byID: map[string]*Acc{}, byKey: map[string]*Acc{}}
}

// Acc accumulates the points of one series.
type Acc struct {
	step    int64
	service string
	labels  map[string]string
	points  []store.Point
	at      map[int64]int // step start → index in points
	// The last point touched, a shortcut past the map for input in time order.
	last      int
	lastStart int64
}

// Lookup returns the accumulator of id, nil if the filters exclude it; known
// is false when id was never defined.
func (a *Aggregator) Lookup(id string) (acc *Acc, known bool) {
	acc, known = a.byID[id]
	return acc, known
}

// Define resolves id to its series and returns its accumulator, nil when the
// query's service or labels exclude the series.
func (a *Aggregator) Define(id, service string, labels map[string]string) *Acc {
	var acc *Acc
	if a.matches(service, labels) {
		key := SeriesKey(service, labels)
		acc = a.byKey[key]
		if acc == nil {
			if len(labels) == 0 {
				labels = nil
			}
			acc = &Acc{step: a.step, service: service, labels: labels, at: map[int64]int{}}
			a.byKey[key] = acc
			a.series = append(a.series, acc)
		}
	}
	a.byID[id] = acc
	return acc
}

// matches applies the equality filters: a label filter needs the label present.
func (a *Aggregator) matches(service string, labels map[string]string) bool {
	if a.q.Service != "" && service != a.q.Service {
		return false
	}
	for k, v := range a.q.Labels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// AddSample adds one raw sample at ts (Unix nanoseconds).
func (acc *Acc) AddSample(ts int64, v float64) { acc.Add(ts, 1, v, v, v) }

// Add adds an aggregate (a rollup bucket) starting at ts.
func (acc *Acc) Add(ts, count int64, sum, lo, hi float64) {
	start := floor(ts, acc.step)
	i, ok := acc.last, len(acc.points) > 0 && acc.lastStart == start
	if !ok {
		i, ok = acc.at[start]
	}
	if !ok {
		i = len(acc.points)
		acc.at[start] = i
		acc.points = append(acc.points, store.Point{TS: check.Time(start), Count: count, Sum: saturate.Clamp(sum), Min: lo, Max: hi})
	} else {
		p := &acc.points[i]
		p.Count += count
		p.Sum = saturate.Add(p.Sum, sum)
		p.Min = min(p.Min, lo)
		p.Max = max(p.Max, hi)
	}
	acc.last, acc.lastStart = i, start
}

// Result returns the series that got points, sorted by service then
// canonical labels, each with its points ascending by TS.
func (a *Aggregator) Result() []store.Series {
	out := make([]store.Series, 0, len(a.series))
	for _, acc := range a.series {
		if len(acc.points) == 0 {
			continue
		}
		slices.SortFunc(acc.points, func(x, y store.Point) int { return x.TS.Compare(y.TS) })
		out = append(out, store.Series{Service: acc.service, Labels: acc.labels, Points: acc.points})
	}
	slices.SortFunc(out, func(x, y store.Series) int {
		return cmp.Or(cmp.Compare(x.Service, y.Service), cmp.Compare(labelsKey(x.Labels), labelsKey(y.Labels)))
	})
	return out
}
