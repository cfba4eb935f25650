package ingest

import (
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// normalize turns one decoded event that passed schema validation into the
// canonical envelope. The schema has already guaranteed every type and enum,
// so the type assertions here cannot fail on a valid event; what is left is
// defaults and normalization: UTC times, canonical level and severity names.
func normalize(kind event.Kind, tenant string, received time.Time, m map[string]any) event.Event {
	e := event.Event{
		ID:         str(m, "id"),
		Tenant:     tenant,
		Kind:       kind,
		TS:         received,
		ReceivedAt: received,
		Service:    str(m, "service"),
		Host:       str(m, "host"),
		Attributes: attrs(m["attrs"]),
	}
	if e.ID == "" {
		e.ID = event.NewID(received)
	}
	if ts, err := time.Parse(time.RFC3339Nano, str(m, "ts")); err == nil {
		e.TS = event.ClampTS(ts.UTC(), received)
	}
	switch kind {
	case event.KindLog:
		level, ok := event.ParseLevel(str(m, "level"))
		if !ok {
			level = event.LevelInfo
		}
		e.Log = &event.Log{Level: level, Message: str(m, "message"), TraceID: str(m, "trace_id"), SpanID: str(m, "span_id")}
	case event.KindMetric:
		typ := event.MetricType(str(m, "type"))
		if typ == "" {
			typ = event.MetricGauge
		}
		value, _ := m["value"].(float64)
		e.Metric = &event.Metric{Name: str(m, "name"), Value: value, Type: typ, Labels: labels(m["labels"])}
	case event.KindSecurity:
		sev, _ := event.ParseSeverity(str(m, "severity"))
		s := &event.Security{
			Source: str(m, "source"), Category: str(m, "category"), Severity: sev, Action: str(m, "action"),
			Outcome: str(m, "outcome"), Actor: str(m, "actor"), SrcIP: str(m, "src_ip"), Message: str(m, "message"),
		}
		if e.Service == "" {
			e.Service = s.Source
		}
		if e.Service == "" {
			e.Service = "unknown"
		}
		e.Security = s
	case event.KindHeartbeat:
		status := event.HeartbeatStatus(str(m, "status"))
		if status == "" {
			status = event.StatusUp
		}
		interval := 30
		if v, ok := m["interval_seconds"].(float64); ok {
			interval = int(v)
		}
		e.Heartbeat = &event.Heartbeat{Instance: str(m, "instance"), Status: status, IntervalSeconds: interval}
	}
	return e
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func attrs(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	return m
}

func labels(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		out[k], _ = x.(string)
	}
	return out
}
