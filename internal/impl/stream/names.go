// Package stream publishes accepted events to the streams (package streams:
// Redis Streams, or the in-process log of the embedded default), one stream per
// event kind, so that consumers (live tail, alerting, heartbeat tracking)
// read only the kind they care about.
package stream

import (
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Stream names. They are shared with every consumer; never change them.
const (
	Logs       = "stream:logs"
	Metrics    = "stream:metrics"
	Security   = "stream:security"
	Heartbeats = "stream:heartbeats"
	// Alerts carries fired alerts; the alerting engine publishes to it.
	Alerts = "stream:alerts"
)

// Entry field names. Tenant and kind are copied out of the envelope so that a
// consumer can skip other tenants' entries without decoding the JSON.
const (
	FieldEvent  = streams.FieldEvent  // the event.Event envelope, JSON-encoded
	FieldTenant = streams.FieldTenant // event.Event.Tenant
	FieldKind   = streams.FieldKind   // event.Event.Kind
)

// Name returns the stream an event of the given kind is published to, or ""
// for a kind Lightwatch does not know.
func Name(kind event.Kind) string {
	switch kind {
	case event.KindLog:
		return Logs
	case event.KindMetric:
		return Metrics
	case event.KindSecurity:
		return Security
	case event.KindHeartbeat:
		return Heartbeats
	}
	return ""
}
