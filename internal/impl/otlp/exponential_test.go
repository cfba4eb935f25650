package otlp

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// An exponential histogram becomes the explicit series: the zero bucket
// (holding the negative buckets) bounded by the zero threshold, then each
// positive bucket bounded by base^(offset+i+1), counts cumulative.
func TestExponentialHistogramBecomesBucketSeries(t *testing.T) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("latency")
	h := m.SetEmptyExponentialHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	p := h.DataPoints().AppendEmpty()
	p.SetTimestamp(1733454000000000000)
	p.SetScale(0) // base 2
	p.SetZeroCount(1)
	p.Negative().BucketCounts().FromRaw([]uint64{1})
	p.Positive().SetOffset(0)
	p.Positive().BucketCounts().FromRaw([]uint64{2, 3}) // (1,2] and (2,4]
	p.SetCount(7)
	p.SetSum(12)

	s := mapMetrics(md)
	if s.points != 1 || len(s.rejects) != 0 {
		t.Fatalf("%d points, rejects %v", s.points, s.rejects)
	}
	got := map[string]float64{}
	for _, r := range s.records {
		if r["type"] != "counter" {
			t.Errorf("%v: a cumulative histogram's series are counters", r)
		}
		key := r["name"].(string)
		if l, ok := r["labels"].(map[string]any); ok && l["le"] != nil {
			key += "{le=" + l["le"].(string) + "}"
		}
		got[key] = r["value"].(float64)
	}
	want := map[string]float64{
		"latency_count": 7, "latency_sum": 12,
		"latency_bucket{le=0}": 2, "latency_bucket{le=2}": 4, "latency_bucket{le=4}": 7, "latency_bucket{le=+Inf}": 7,
	}
	if len(got) != len(want) {
		t.Fatalf("series %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}
