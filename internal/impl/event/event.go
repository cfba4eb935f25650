// Package event defines Lightwatch's canonical event envelope: the one shape every
// ingested log, metric sample, security event and heartbeat is normalized to before
// it is stored or published. It imports only the standard library and a ULID
// generator, so that every package may depend on it.
package event

import (
	"crypto/rand"
	"time"

	"github.com/oklog/ulid/v2"
)

// Kind says which of the four event families an Event belongs to.
type Kind string

// The event kinds. Their string values are stored and published; never change them.
const (
	KindLog       Kind = "log"
	KindMetric    Kind = "metric"
	KindSecurity  Kind = "security"
	KindHeartbeat Kind = "heartbeat"
)

// Kinds lists every kind, in a stable order.
var Kinds = [...]Kind{KindLog, KindMetric, KindSecurity, KindHeartbeat}

// MaxFutureSkew is how far past the server's receive time an event's ts may
// lie; later ones are clamped to ReceivedAt + MaxFutureSkew. Client clocks
// drift, so a little future is tolerated, but a timestamp years ahead would
// otherwise stay "the latest" for good: one heartbeat dated 2261 would keep
// its service alive, whatever it sends afterwards, and silence "service down".
const MaxFutureSkew = time.Minute

// ClampTS returns ts, or received + MaxFutureSkew when ts lies further ahead.
func ClampTS(ts, received time.Time) time.Time {
	if limit := received.Add(MaxFutureSkew); ts.After(limit) {
		return limit
	}
	return ts
}

// Event is the canonical envelope. Exactly one of Log, Metric, Security and
// Heartbeat is set, matching Kind.
type Event struct {
	// ID is unique per tenant: the client's id when it sent one, otherwise a
	// server-generated ULID.
	ID string `json:"id"`
	// Tenant always comes from the API key that sent the event, never from the body.
	Tenant string `json:"tenant"`
	Kind   Kind   `json:"kind"`
	// TS is when the event happened, in UTC; the server's receive time when the client sent none.
	TS time.Time `json:"ts"`
	// ReceivedAt is set by the server when the request was accepted, in UTC.
	ReceivedAt time.Time `json:"received_at"`
	Service    string    `json:"service"`
	Host       string    `json:"host,omitempty"`
	// Attributes holds scalar values only: string, float64 or bool.
	Attributes map[string]any `json:"attributes,omitempty"`

	Log       *Log       `json:"log,omitempty"`
	Metric    *Metric    `json:"metric,omitempty"`
	Security  *Security  `json:"security,omitempty"`
	Heartbeat *Heartbeat `json:"heartbeat,omitempty"`
}

// Log is the body of a log event.
type Log struct {
	Level   Level  `json:"level"`
	Message string `json:"message"`
	TraceID string `json:"trace_id,omitempty"`
	SpanID  string `json:"span_id,omitempty"`
}

// MetricType is gauge or counter.
type MetricType string

// The metric types.
const (
	MetricGauge   MetricType = "gauge"
	MetricCounter MetricType = "counter"
)

// Metric is the body of a metric sample.
type Metric struct {
	Name   string            `json:"name"`
	Value  float64           `json:"value"`
	Type   MetricType        `json:"type"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Security is the body of a security event.
type Security struct {
	// Source is the reporting system (IDS, WAF, auth server) when it differs from the service.
	Source   string   `json:"source,omitempty"`
	Category string   `json:"category"`
	Severity Severity `json:"severity"`
	Action   string   `json:"action,omitempty"`
	Outcome  string   `json:"outcome,omitempty"`
	Actor    string   `json:"actor,omitempty"`
	SrcIP    string   `json:"src_ip,omitempty"`
	Message  string   `json:"message,omitempty"`
}

// HeartbeatStatus is what an instance reports about itself.
type HeartbeatStatus string

// The heartbeat statuses.
const (
	StatusUp       HeartbeatStatus = "up"
	StatusDegraded HeartbeatStatus = "degraded"
	StatusDown     HeartbeatStatus = "down"
)

// Heartbeat is the body of a heartbeat.
type Heartbeat struct {
	Instance        string          `json:"instance"`
	Status          HeartbeatStatus `json:"status"`
	IntervalSeconds int             `json:"interval_seconds"`
}

// NewID returns a new server-side event id: a ULID, so ids sort by creation time.
func NewID(now time.Time) string {
	return ulid.MustNew(ulid.Timestamp(now), rand.Reader).String()
}
