// Package telemetry holds Lightwatch's Prometheus metrics. Every component gets
// the *Metrics it reports to; nothing registers globally, so tests and several
// servers in one process never collide.
package telemetry

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the instruments of one Lightwatch process.
type Metrics struct {
	Registry *prometheus.Registry

	HTTPRequests *prometheus.CounterVec   // route, method, code
	HTTPDuration *prometheus.HistogramVec // route

	EventsAccepted  *prometheus.CounterVec // kind
	EventsRejected  *prometheus.CounterVec // kind
	EventsDuplicate *prometheus.CounterVec // kind
	EventsExpired   *prometheus.CounterVec // kind

	StoreWriteSeconds prometheus.Histogram
	StoreBatchEvents  prometheus.Histogram
	StoreWriteErrors  prometheus.Counter
	Overloaded        prometheus.Counter

	StreamPublishSeconds prometheus.Histogram
	StreamPublished      prometheus.Counter
	StreamPublishErrors  prometheus.Counter
	StreamDropped        prometheus.Counter

	RateLimited     prometheus.Counter
	RateLimitErrors prometheus.Counter

	// ProtocolRejected counts records of the standard protocols (OTLP, Loki,
	// Elasticsearch bulk, remote write) that could not be mapped or stored.
	ProtocolRejected *prometheus.CounterVec // protocol, reason
	// LoopPanics counts panics recovered in long-lived loops, by loop (package supervise).
	LoopPanics *prometheus.CounterVec
}

// New creates the metrics on a fresh registry, with Go runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := factory{reg}
	latency := prometheus.ExponentialBuckets(0.0005, 2, 14) // 0.5 ms .. 4 s
	return &Metrics{
		Registry: reg,
		HTTPRequests: f.counterVec("lightwatch_http_requests_total",
			"HTTP requests by route, method and status code.", "route", "method", "code"),
		HTTPDuration: f.histogramVec("lightwatch_http_request_duration_seconds",
			"HTTP request latency by route.", latency, "route"),
		EventsAccepted: f.counterVec("lightwatch_events_accepted_total",
			"Events acknowledged (durably stored), by kind.", "kind"),
		EventsRejected: f.counterVec("lightwatch_events_rejected_total",
			"Events in rejected requests (invalid, too large, overloaded), by kind.", "kind"),
		EventsDuplicate: f.counterVec("lightwatch_events_duplicate_total",
			"Events acknowledged but not stored again because their id was already stored, by kind.", "kind"),
		EventsExpired: f.counterVec("lightwatch_events_expired_total",
			"Events refused on arrival because their ts is older than their kind's retention, by kind.", "kind"),
		StoreWriteSeconds: f.histogram("lightwatch_store_write_seconds",
			"Latency of one group-commit write to the store.", latency),
		StoreBatchEvents: f.histogram("lightwatch_store_batch_events",
			"Events per group-commit write.", prometheus.ExponentialBuckets(1, 2, 15)),
		StoreWriteErrors: f.counter("lightwatch_store_write_errors_total",
			"Group-commit writes that failed."),
		Overloaded: f.counter("lightwatch_overloaded_total",
			"Requests answered 503 because the store could not keep up."),
		StreamPublishSeconds: f.histogram("lightwatch_stream_publish_seconds",
			"Latency of one pipelined publish to Redis Streams.", latency),
		StreamPublished: f.counter("lightwatch_stream_published_total",
			"Events published to Redis Streams."),
		StreamPublishErrors: f.counter("lightwatch_stream_publish_errors_total",
			"Events whose publish to Redis Streams failed (they are stored, but missed the live path)."),
		StreamDropped: f.counter("lightwatch_stream_dropped_total",
			"Events not published because the publish queue was full."),
		RateLimited: f.counter("lightwatch_rate_limited_total",
			"Requests answered 429."),
		RateLimitErrors: f.counter("lightwatch_rate_limit_errors_total",
			"Rate-limit checks that failed (Redis unreachable); such requests are let through."),
		ProtocolRejected: f.counterVec("lightwatch_protocol_records_rejected_total",
			"Records received over a standard protocol (otlp, loki, elasticsearch, remote_write) that were not stored, by protocol and reason.", "protocol", "reason"),
		LoopPanics: f.counterVec("lightwatch_loop_panics_total",
			"Panics recovered in long-lived loops (committer, forwarder, alerting, webhooks), by loop; each is logged with its stack.", "loop"),
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

type factory struct{ reg prometheus.Registerer }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}
