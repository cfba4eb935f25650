package realtime

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the realtime service's instruments. They live beside
// telemetry.Metrics, registered on the same registry, so that the service
// stays a self-contained package that the app wires in.
type Metrics struct {
	connections *prometheus.GaugeVec   // channel
	delivered   *prometheus.CounterVec // channel
	dropped     *prometheus.CounterVec // channel
	resets      *prometheus.CounterVec // channel
	missed      *prometheus.CounterVec // channel
	readErrors  prometheus.Counter
	badEntries  prometheus.Counter
}

// NewMetrics creates the metrics and registers them on reg. It panics if
// they are already registered there, as prometheus.MustRegister does: that is
// a wiring mistake.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	byChannel := []string{"channel"}
	m := &Metrics{
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "lightwatch_realtime_connections",
			Help: "Open WebSocket connections, by channel."}, byChannel),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_realtime_messages_delivered_total",
			Help: "Messages written to WebSocket clients (events, alerts and control messages), by channel."}, byChannel),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_realtime_messages_dropped_total",
			Help: "Messages dropped because a client's send queue was full (the client is told with a lagged message), by channel."}, byChannel),
		resets: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_realtime_resets_total",
			Help: "Resumes whose cursor the stream no longer held (a reset message was sent), by channel."}, byChannel),
		missed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_realtime_missed_total",
			Help: "Events that never reached the streams (publish queue full or publish failed), counted once per connection whose filters they match; each such connection is sent a lagged message. By channel."}, byChannel),
		readErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "lightwatch_realtime_stream_read_errors_total",
			Help: "Failed reads of the Redis streams by the realtime reader (retried)."}),
		badEntries: prometheus.NewCounter(prometheus.CounterOpts{Name: "lightwatch_realtime_bad_entries_total",
			Help: "Stream entries skipped because they could not be decoded."}),
	}
	reg.MustRegister(m.connections, m.delivered, m.dropped, m.resets, m.missed, m.readErrors, m.badEntries)
	// Create every series up front, so dashboards see zeros rather than gaps.
	for _, ch := range channels {
		m.forChannel(ch)
		m.connections.WithLabelValues(string(ch))
	}
	return m
}

// clientMetrics are one connection's counters, resolved once per connection
// so that the hot path does no label lookups.
type clientMetrics struct {
	delivered prometheus.Counter
	dropped   prometheus.Counter
	resets    prometheus.Counter
	missed    prometheus.Counter
}

func (m *Metrics) forChannel(ch Channel) clientMetrics {
	l := string(ch)
	return clientMetrics{delivered: m.delivered.WithLabelValues(l), dropped: m.dropped.WithLabelValues(l), resets: m.resets.WithLabelValues(l),
		missed: m.missed.WithLabelValues(l)}
}
