package mongo

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// tenantEscaper makes the _id encoding injective: after escaping, the first
// "/" of an _id always ends the tenant, whatever the tenant contains.
var tenantEscaper = strings.NewReplacer("%", "%25", "/", "%2F")

// docID is the _id of tenant's event id; usual tenants read as-is ("acme/123").
func docID(tenant, id string) string { return tenantEscaper.Replace(tenant) + "/" + id }

// kv is one attribute or label. Pairs, rather than a sub-document, because
// FerretDB rejects field names with dots, and one multikey index on attrs.k
// can serve them all on MongoDB.
type kv struct {
	K string `bson:"k"`
	V any    `bson:"v"`
}

// common holds the fields every kind's document has; each document type
// inlines it through an exported field, since bson skips unexported ones. Indexed fields are never
// omitted, so that equality on "" matches.
type common struct {
	DocID      string     `bson:"_id"`
	Tenant     string     `bson:"tenant"`
	ID         string     `bson:"id"`
	TS         time.Time  `bson:"ts"`
	TSNanos    int64      `bson:"ts_ns"`
	Received   *time.Time `bson:"received_at,omitempty"`
	ReceivedNs *int64     `bson:"received_ns,omitempty"`
	Service    string     `bson:"service"`
	Host       string     `bson:"host,omitempty"`
	Attrs      []kv       `bson:"attrs,omitempty"`
	// Batch is the InsertEvents call that stored the event: its outbox entry
	// (see outbox.go) says whether the derived data of the call is complete.
	Batch string `bson:"batch,omitempty"`
}

type logDoc struct {
	Base    common `bson:",inline"`
	Level   string `bson:"level"`
	Message string `bson:"message,omitempty"`
	TraceID string `bson:"trace_id,omitempty"`
	SpanID  string `bson:"span_id,omitempty"`
}

type metricDoc struct {
	Base   common  `bson:",inline"`
	Name   string  `bson:"name"`
	Value  float64 `bson:"value"`
	Type   string  `bson:"type"`
	Labels []kv    `bson:"labels,omitempty"`
}

type securityDoc struct {
	Base     common `bson:",inline"`
	Source   string `bson:"source,omitempty"`
	Category string `bson:"category"`
	Severity string `bson:"severity"`
	Action   string `bson:"action,omitempty"`
	Outcome  string `bson:"outcome,omitempty"`
	Actor    string `bson:"actor,omitempty"`
	SrcIP    string `bson:"src_ip,omitempty"`
	Message  string `bson:"message,omitempty"`
}

type heartbeatDoc struct {
	Base            common `bson:",inline"`
	Instance        string `bson:"instance"`
	Status          string `bson:"status"`
	IntervalSeconds int    `bson:"interval_seconds"`
}

// toDoc converts a checked event (check.Event passed) to its kind's document.
func toDoc(e *event.Event, batch string) any {
	c := common{
		DocID: docID(e.Tenant, e.ID), Tenant: e.Tenant, ID: e.ID, Batch: batch,
		TS: e.TS.UTC(), Service: e.Service, Host: e.Host, Attrs: pairs(e.Attributes),
	}
	c.TSNanos, _ = check.Nanos(e.TS)
	if n, ok, _ := check.OptionalNanos(e.ReceivedAt); ok {
		r := e.ReceivedAt.UTC()
		c.Received, c.ReceivedNs = &r, &n
	}
	switch e.Kind {
	case event.KindLog:
		l := e.Log
		return logDoc{c, string(l.Level), l.Message, l.TraceID, l.SpanID}
	case event.KindMetric:
		m := e.Metric
		return metricDoc{c, m.Name, m.Value, string(m.Type), pairs(m.Labels)}
	case event.KindSecurity:
		x := e.Security
		return securityDoc{c, x.Source, x.Category, string(x.Severity), x.Action, x.Outcome, x.Actor, x.SrcIP, x.Message}
	default: // event.KindHeartbeat
		h := e.Heartbeat
		return heartbeatDoc{c, h.Instance, string(h.Status), h.IntervalSeconds}
	}
}

// pairs sorts by key so that equal maps give equal documents.
func pairs[V any](m map[string]V) []kv {
	if len(m) == 0 {
		return nil
	}
	out := make([]kv, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, kv{k, m[k]})
	}
	return out
}

func (c *common) event(kind event.Kind) event.Event {
	e := event.Event{
		ID: c.ID, Tenant: c.Tenant, Kind: kind, TS: check.Time(c.TSNanos),
		Service: c.Service, Host: c.Host,
	}
	if c.ReceivedNs != nil {
		e.ReceivedAt = check.Time(*c.ReceivedNs)
	}
	if len(c.Attrs) > 0 {
		e.Attributes = make(map[string]any, len(c.Attrs))
		for _, p := range c.Attrs {
			e.Attributes[p.K] = p.V
		}
	}
	return e
}

func (d *logDoc) event() event.Event {
	e := d.Base.event(event.KindLog)
	e.Log = &event.Log{Level: event.Level(d.Level), Message: d.Message, TraceID: d.TraceID, SpanID: d.SpanID}
	return e
}

func (d *metricDoc) event() event.Event {
	e := d.Base.event(event.KindMetric)
	e.Metric = &event.Metric{Name: d.Name, Value: d.Value, Type: event.MetricType(d.Type)}
	if len(d.Labels) > 0 {
		e.Metric.Labels = make(map[string]string, len(d.Labels))
		for _, p := range d.Labels {
			s, _ := p.V.(string)
			e.Metric.Labels[p.K] = s
		}
	}
	return e
}

func (d *securityDoc) event() event.Event {
	e := d.Base.event(event.KindSecurity)
	e.Security = &event.Security{
		Source: d.Source, Category: d.Category, Severity: event.Severity(d.Severity), Action: d.Action,
		Outcome: d.Outcome, Actor: d.Actor, SrcIP: d.SrcIP, Message: d.Message,
	}
	return e
}

func (d *heartbeatDoc) event() event.Event {
	e := d.Base.event(event.KindHeartbeat)
	e.Heartbeat = &event.Heartbeat{Instance: d.Instance, Status: event.HeartbeatStatus(d.Status), IntervalSeconds: d.IntervalSeconds}
	return e
}
