package otlp

import (
	"math"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
)

// metricSink collects the MetricSample records of an OTLP metrics request and
// the data points that could not become any.
type metricSink struct {
	records []map[string]any
	owner   []int // the data point each record comes from
	points  int   // data points seen
	rejects []pointRejection
}

type pointRejection struct {
	point int
	rejection
}

// TemporalityLabel marks series of delta temporality: their samples are the
// increase over the point's interval, stored as gauges (summing them over a
// time range gives the total).
const TemporalityLabel = "otel_temporality"

// mapMetrics turns an OTLP metrics request into native MetricSample records:
//   - Gauge: one gauge sample per point.
//   - Sum: monotonic and cumulative: a counter; not monotonic: a gauge; delta:
//     gauges of the increase labelled otel_temporality=delta.
//   - Histogram: <name>_count, <name>_sum and <name>_bucket{le=...} (cumulative
//     counts up to each bound, and +Inf), counters when cumulative.
//   - ExponentialHistogram: the same series, the bounds being the
//     exponential buckets' upper bounds.
//   - Summary: <name>_count and <name>_sum counters and <name>{quantile=...} gauges.
//
// Data point attributes are the labels; service.name and host.name of the
// resource are the service and host; service.instance.id, when set, the label
// instance. Points that cannot be stored (no recorded value, a value that is
// not finite, more than 32 labels) are rejected and counted.
func mapMetrics(md pmetric.Metrics) *metricSink {
	s := &metricSink{}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		res := rm.Resource().Attributes()
		base := series{service: resourceService(res), host: ingestproto.Truncate(str(res, attrHostName), ingestproto.MaxHost), instance: str(res, "service.instance.id")}
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				s.metric(base, ms.At(k))
			}
		}
	}
	return s
}

// series is what the samples of one data point share.
type series struct {
	service, host, instance string
	name                    string
	labels                  map[string]string
	ts                      time.Time
}

func (s *metricSink) metric(base series, m pmetric.Metric) {
	base.name = ingestproto.MetricName(m.Name())
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			p := dps.At(i)
			if sr, ok := s.point(base, p.Attributes(), p.Timestamp(), p.Flags()); ok {
				s.sample(sr, "", number(p), event.MetricGauge)
			}
		}
	case pmetric.MetricTypeSum:
		sum := m.Sum()
		typ := event.MetricGauge
		if sum.IsMonotonic() {
			typ = event.MetricCounter
		}
		delta := sum.AggregationTemporality() == pmetric.AggregationTemporalityDelta
		if delta {
			typ = event.MetricGauge
		}
		dps := sum.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			p := dps.At(i)
			if sr, ok := s.point(base, p.Attributes(), p.Timestamp(), p.Flags(), deltaLabel(delta)...); ok {
				s.sample(sr, "", number(p), typ)
			}
		}
	case pmetric.MetricTypeHistogram:
		h := m.Histogram()
		dps := h.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			p := dps.At(i)
			s.histogram(base, h.AggregationTemporality(), p, p.ExplicitBounds().AsRaw(), p.BucketCounts().AsRaw())
		}
	case pmetric.MetricTypeExponentialHistogram:
		h := m.ExponentialHistogram()
		dps := h.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			p := dps.At(i)
			bounds, counts := exponentialBuckets(p)
			s.histogram(base, h.AggregationTemporality(), p, bounds, counts)
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			p := dps.At(i)
			sr, ok := s.point(base, p.Attributes(), p.Timestamp(), p.Flags())
			if !ok {
				continue
			}
			s.sample(sr, "_count", float64(p.Count()), event.MetricCounter)
			s.sample(sr, "_sum", p.Sum(), event.MetricCounter)
			qs := p.QuantileValues()
			for q := 0; q < qs.Len(); q++ {
				qsr := sr.with("quantile", strconv.FormatFloat(qs.At(q).Quantile(), 'g', -1, 64))
				s.sample(qsr, "", qs.At(q).Value(), event.MetricGauge)
			}
		}
	default: // MetricTypeEmpty: a metric with no data
		s.points++
		s.reject(s.points-1, "unsupported_metric_type", "metric "+m.Name()+" has no data of a known type (gauge, sum, histogram, exponential histogram, summary)")
	}
}

func deltaLabel(delta bool) []string {
	if delta {
		return []string{TemporalityLabel, "delta"}
	}
	return nil
}

// point starts a data point: ok is false when the point is rejected.
func (s *metricSink) point(base series, attrs pcommon.Map, ts pcommon.Timestamp, flags pmetric.DataPointFlags, extra ...string) (series, bool) {
	s.points++
	idx := s.points - 1
	if flags.NoRecordedValue() {
		s.reject(idx, "no_recorded_value", base.name+": a data point with no recorded value (a staleness marker)")
		return series{}, false
	}
	base.ts = ts.AsTime()
	base.labels = make(map[string]string, attrs.Len()+2)
	attrs.Range(func(k string, v pcommon.Value) bool {
		base.labels[k] = v.AsString()
		return true
	})
	if base.instance != "" {
		if _, ok := base.labels["instance"]; !ok {
			base.labels["instance"] = base.instance
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		base.labels[extra[i]] = extra[i+1]
	}
	if len(base.labels) > ingestproto.MaxLabels-1 { // one left for le or quantile
		s.reject(idx, "too_many_labels", base.name+": more than 31 labels")
		return series{}, false
	}
	return base, true
}

func (sr series) with(k, v string) series {
	labels := make(map[string]string, len(sr.labels)+1)
	for a, b := range sr.labels {
		labels[a] = b
	}
	labels[k] = v
	sr.labels = labels
	return sr
}

func (s *metricSink) reject(point int, reason, msg string) {
	s.rejects = append(s.rejects, pointRejection{point, rejection{reason, msg}})
}

// sample adds one record of the current data point.
func (s *metricSink) sample(sr series, suffix string, v float64, typ event.MetricType) {
	point := s.points - 1
	if math.IsNaN(v) || math.IsInf(v, 0) {
		s.reject(point, "non_finite_value", sr.name+suffix+": the value is not a finite number")
		return
	}
	name := sr.name + suffix
	labels, _ := ingestproto.Labels(sr.labels)
	rec := map[string]any{"name": name, "value": v, "type": string(typ), "service": sr.service}
	if sr.host != "" {
		rec["host"] = sr.host
	}
	if labels != nil {
		rec["labels"] = labels
	}
	if ts := ingestproto.Timestamp(sr.ts); ts != "" {
		rec["ts"] = ts
		rec["id"] = ingestproto.SampleID(name, sr.service, sr.host, sr.labels, sr.ts)
	}
	s.records = append(s.records, rec)
	s.owner = append(s.owner, point)
}

// histogramPoint is what explicit and exponential histogram data points share.
type histogramPoint interface {
	Attributes() pcommon.Map
	Timestamp() pcommon.Timestamp
	Flags() pmetric.DataPointFlags
	Count() uint64
	HasSum() bool
	Sum() float64
}

// histogram starts histogram point p and adds its _count, _sum and _bucket
// series; counts are per bucket (len(bounds)+1 of them, the last one above
// every bound).
func (s *metricSink) histogram(base series, temporality pmetric.AggregationTemporality, p histogramPoint, bounds []float64, counts []uint64) {
	delta := temporality == pmetric.AggregationTemporalityDelta
	sr, ok := s.point(base, p.Attributes(), p.Timestamp(), p.Flags(), deltaLabel(delta)...)
	if !ok {
		return
	}
	count := p.Count()
	typ := event.MetricCounter
	if delta {
		typ = event.MetricGauge
	}
	s.sample(sr, "_count", float64(count), typ)
	if p.HasSum() {
		s.sample(sr, "_sum", p.Sum(), typ)
	}
	var cum uint64
	for b, bound := range bounds {
		if b < len(counts) {
			cum += counts[b]
		}
		s.sample(sr.with("le", strconv.FormatFloat(bound, 'g', -1, 64)), "_bucket", float64(cum), typ)
	}
	if len(counts) > 0 || len(bounds) > 0 {
		s.sample(sr.with("le", "+Inf"), "_bucket", float64(count), typ)
	}
}

// exponentialBuckets turns an exponential histogram point's buckets into
// explicit upper bounds and per-bucket counts: first the zero bucket (bound
// zero_threshold, holding the negative buckets too, all below it), then each
// positive bucket, whose upper bound is base^(offset+i+1) with base = 2^(2^-scale).
func exponentialBuckets(p pmetric.ExponentialHistogramDataPoint) ([]float64, []uint64) {
	neg := p.Negative().BucketCounts()
	var below uint64 = p.ZeroCount()
	for i := 0; i < neg.Len(); i++ {
		below += neg.At(i)
	}
	bounds := []float64{p.ZeroThreshold()}
	counts := []uint64{below}
	base := math.Exp2(math.Exp2(-float64(p.Scale())))
	pos := p.Positive()
	for i := 0; i < pos.BucketCounts().Len(); i++ {
		bounds = append(bounds, math.Pow(base, float64(int(pos.Offset())+i+1)))
		counts = append(counts, pos.BucketCounts().At(i))
	}
	counts = append(counts, 0) // nothing above the last bound but what +Inf holds
	return bounds, counts
}

func number(p pmetric.NumberDataPoint) float64 {
	if p.ValueType() == pmetric.NumberDataPointValueTypeInt {
		return float64(p.IntValue())
	}
	return p.DoubleValue()
}
