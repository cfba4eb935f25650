package alerting

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the engine's instruments, registered on the Registerer the
// engine is given.
type metrics struct {
	rules       prometheus.Gauge
	held        prometheus.Gauge
	evaluations *prometheus.CounterVec   // kind
	evalErrors  *prometheus.CounterVec   // kind
	evalSeconds *prometheus.HistogramVec // kind
	transitions *prometheus.CounterVec   // state
	entries     prometheus.Counter
	nudges      *prometheus.CounterVec // where: local, remote
	redisErrors *prometheus.CounterVec // op
	deliveries  *prometheus.CounterVec // outcome
}

// Webhook delivery outcomes (lightwatch_webhook_deliveries_total{outcome}).
const (
	outcomeDelivered = "delivered" // a delivery the receiver accepted (2xx)
	outcomeRetried   = "retried"   // an attempt that failed and is retried
	outcomeFailed    = "failed"    // a delivery given up: not retryable, or out of retry budget
	outcomeDropped   = "dropped"   // a delivery not attempted: the queue was full
	outcomeCancelled = "cancelled" // a delivery superseded by a resolve, or whose rule is gone, or lost at shutdown
	// outcomeHandedOver counts deliveries not done at shutdown and handed
	// over (through Redis) to the instance that goes on with them.
	outcomeHandedOver = "handed_over"
)

func newMetrics(reg prometheus.Registerer) *metrics {
	latency := prometheus.ExponentialBuckets(0.0005, 2, 14) // 0.5 ms .. 4 s
	m := &metrics{
		rules: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lightwatch_alerting_rules",
			Help: "Alert rules loaded (every tenant's, valid ones)."}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lightwatch_alerting_rules_held",
			Help: "Alert rules whose lease this instance holds, and so evaluates."}),
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_alert_evaluations_total",
			Help: "Rule evaluations, by rule kind."}, []string{"kind"}),
		evalErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_alert_evaluation_errors_total",
			Help: "Rule evaluations that failed (store errors), by rule kind."}, []string{"kind"}),
		evalSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "lightwatch_alert_evaluation_seconds",
			Help: "Latency of one rule evaluation, by rule kind.", Buckets: latency}, []string{"kind"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_alert_transitions_total",
			Help: "Alert state changes stored, by the state entered."}, []string{"state"}),
		entries: prometheus.NewCounter(prometheus.CounterOpts{Name: "lightwatch_alerting_stream_entries_total",
			Help: "Event stream entries matched against the rules (consumer group lightwatch-alerting)."}),
		nudges: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_alerting_nudges_total",
			Help: "Rules nudged into evaluation by events: local (held here) or remote (published to the holder)."}, []string{"where"}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_alerting_redis_errors_total",
			Help: "Failed Redis operations of the alerting engine, by operation."}, []string{"op"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lightwatch_webhook_deliveries_total",
			Help: "Webhook notifications by outcome: delivered, retried (a failed attempt), failed (given up), dropped (queue full), cancelled, handed_over (to another instance at shutdown)."}, []string{"outcome"}),
	}
	reg.MustRegister(m.rules, m.held, m.evaluations, m.evalErrors, m.evalSeconds, m.transitions, m.entries, m.nudges, m.redisErrors, m.deliveries)
	for _, o := range []string{outcomeDelivered, outcomeRetried, outcomeFailed, outcomeDropped, outcomeCancelled, outcomeHandedOver} {
		m.deliveries.WithLabelValues(o)
	}
	for _, s := range []string{StatePending, StateFiring, StateResolved} {
		m.transitions.WithLabelValues(s)
	}
	return m
}
