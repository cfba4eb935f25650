package storetest

import (
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// base is a UTC instant with nanoseconds, which a millisecond or microsecond
// store would truncate.
var base = time.Date(2026, 11, 3, 14, 15, 16, 123456789, time.UTC)

func logEvent(tenant, id string, i int) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindLog,
		TS:         base.Add(time.Duration(i) * time.Millisecond),
		ReceivedAt: base.Add(time.Second + time.Duration(i)),
		Service:    "checkout", Host: "web-1",
		Attributes: map[string]any{"http.status": 502.0, "user.id": "u-42", "retry": true, "$dollar": "ok"},
		Log: &event.Log{
			Level: event.LevelError, Message: fmt.Sprintf("upstream timed out #%d", i),
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7",
		},
	}
}

func metricEvent(tenant, id string, i int) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindMetric,
		TS:         base.Add(time.Duration(i) * time.Second),
		ReceivedAt: base.Add(2 * time.Second),
		Service:    "checkout", Host: "web-2",
		Attributes: map[string]any{"region": "eu-west-1"},
		Metric: &event.Metric{
			Name: "http.server.duration", Value: 0.1 + float64(i), Type: event.MetricGauge,
			Labels: map[string]string{"http.route": "/pay", "k8s.pod": "pay-7f"},
		},
	}
}

func securityEvent(tenant, id string, i int) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindSecurity,
		TS:      base.Add(time.Duration(i) * time.Minute),
		Service: "auth", Host: "auth-1",
		Security: &event.Security{
			Source: "waf", Category: "authentication", Severity: event.SeverityHigh,
			Action: "login", Outcome: "failure", Actor: "alice@example.com", SrcIP: "203.0.113.9",
			Message: "5 failed logins in 60 s",
		},
	}
}

func heartbeatEvent(tenant, id string, i int) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindHeartbeat,
		TS:        base.Add(time.Duration(i) * 30 * time.Second),
		Service:   "billing",
		Heartbeat: &event.Heartbeat{Instance: "billing-0", Status: event.StatusDegraded, IntervalSeconds: 30},
	}
}

// oneOfEach returns one event per kind, ids prefixed with p.
func oneOfEach(tenant, p string) []event.Event {
	return []event.Event{
		logEvent(tenant, p+"log", 1),
		metricEvent(tenant, p+"metric", 2),
		securityEvent(tenant, p+"security", 3),
		heartbeatEvent(tenant, p+"heartbeat", 4),
	}
}

func ids(events []event.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}
