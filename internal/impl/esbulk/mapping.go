package esbulk

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
	"github.com/lightwatch/lightwatch/internal/impl/leveldetect"
)

// Mapping says which document fields are the event's message, time, service,
// level and host, and which fields to leave out. The defaults fit the Elastic
// Common Schema that Filebeat, Logstash and Elastic agents send; a request
// changes any of them with a query parameter (as VictoriaLogs' _msg_field and
// _time_field) or the header of the same meaning. Each names a comma-separated
// list of dotted field names, the first present winning.
type Mapping struct {
	Message, Time, Service, Level, Host, Ignore []string
	// DefaultService is the service of documents with none of the Service
	// fields (the _default_service parameter); without it, the index name.
	DefaultService string
}

// Parameters: query parameter, header, default.
var parameters = []struct {
	query, header string
	def           []string
	set           func(*Mapping, []string)
}{
	{"_msg_field", "X-Lightwatch-Msg-Field", []string{"message", "msg", "log", "event.original"}, func(m *Mapping, v []string) { m.Message = v }},
	{"_time_field", "X-Lightwatch-Time-Field", []string{"@timestamp", "timestamp", "time", "ts"}, func(m *Mapping, v []string) { m.Time = v }},
	{"_service_field", "X-Lightwatch-Service-Field", []string{"service.name", "service", "app", "application", "kubernetes.container.name", "container.name"}, func(m *Mapping, v []string) { m.Service = v }},
	{"_level_field", "X-Lightwatch-Level-Field", []string{"log.level", "level", "severity", "loglevel"}, func(m *Mapping, v []string) { m.Level = v }},
	{"_host_field", "X-Lightwatch-Host-Field", []string{"host.name", "host.hostname", "hostname", "host"}, func(m *Mapping, v []string) { m.Host = v }},
	{"_ignore_fields", "X-Lightwatch-Ignore-Fields", nil, func(m *Mapping, v []string) { m.Ignore = v }},
}

// MappingOf reads a request's mapping; index is the index of the URL (or "").
func MappingOf(r *http.Request, index string) Mapping {
	var m Mapping
	q := r.URL.Query()
	for _, p := range parameters {
		v := q.Get(p.query)
		if v == "" {
			v = r.Header.Get(p.header)
		}
		if v == "" {
			p.set(&m, p.def)
			continue
		}
		p.set(&m, splitList(v))
	}
	m.DefaultService = q.Get("_default_service")
	if m.DefaultService == "" {
		m.DefaultService = r.Header.Get("X-Lightwatch-Default-Service")
	}
	return m
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// flatten turns a document into dotted keys: {"host":{"name":"a"}} → host.name.
func flatten(prefix string, v map[string]any, out map[string]any) {
	for k, x := range v {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if inner, ok := x.(map[string]any); ok {
			flatten(key, inner, out)
			continue
		}
		out[key] = x
	}
}

// take removes and returns the first of fields present as a non-empty scalar.
func take(doc map[string]any, fields []string) (any, bool) {
	for _, f := range fields {
		v, ok := doc[f]
		if !ok || v == nil {
			continue
		}
		if s, isStr := v.(string); isStr && strings.TrimSpace(s) == "" {
			continue
		}
		delete(doc, f)
		return v, true
	}
	return nil, false
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// mapDocument maps one bulk document of index to a LogEvent record; reason
// is set when it cannot be mapped.
func mapDocument(m Mapping, index string, raw map[string]any, id string) (rec map[string]any, reason, msg string) {
	doc := make(map[string]any, len(raw))
	flatten("", raw, doc)
	for _, f := range m.Ignore {
		for k := range doc {
			if k == f || strings.HasPrefix(k, f+".") {
				delete(doc, k)
			}
		}
	}
	mv, ok := take(doc, m.Message)
	if !ok {
		return nil, "no_message", "the document has none of the message fields " + strings.Join(m.Message, ", ") + " (choose one with _msg_field)"
	}
	message := text(mv)
	rec = map[string]any{}
	var attrs ingestproto.Attrs
	if len(message) > ingestproto.MaxMessage {
		message = ingestproto.Truncate(message, ingestproto.MaxMessage)
		attrs.Set("lightwatch.truncated", true)
	}
	rec["message"] = message
	if tv, ok := take(doc, m.Time); ok {
		t, err := parseTime(tv)
		if err != nil {
			return nil, "bad_timestamp", err.Error()
		}
		if ts := ingestproto.Timestamp(t); ts != "" {
			rec["ts"] = ts
		}
	}
	service := ""
	if sv, ok := take(doc, m.Service); ok {
		service = ingestproto.Service(text(sv))
	}
	if service == "" {
		service = ingestproto.Service(m.DefaultService)
	}
	if service == "" {
		service = ingestproto.Service(index)
	}
	if service == "" {
		service = "unknown_service"
	}
	rec["service"] = service
	level := event.LevelInfo
	if lv, ok := take(doc, m.Level); ok {
		if l, ok := leveldetect.Parse(text(lv)); ok {
			level = l
		} else {
			attrs.Set("level", text(lv))
		}
	} else if l, ok := leveldetect.Detect(message); ok {
		level = l
	}
	rec["level"] = string(level)
	if hv, ok := take(doc, m.Host); ok {
		rec["host"] = ingestproto.Truncate(text(hv), ingestproto.MaxHost)
	}
	if tv, ok := doc["trace.id"].(string); ok && ingestproto.IsHex(tv, 32) {
		rec["trace_id"] = tv
		delete(doc, "trace.id")
	}
	if sv, ok := doc["span.id"].(string); ok && ingestproto.IsHex(sv, 16) {
		rec["span_id"] = sv
		delete(doc, "span.id")
	}
	for k, v := range doc {
		attrs.Set(k, v)
	}
	if a := attrs.Map(); a != nil {
		rec["attrs"] = a
	}
	if id != "" {
		rec["id"] = id
	}
	return rec, "", ""
}

// parseTime reads RFC 3339 (any precision), or epoch milliseconds as a number
// or a string of digits (Elasticsearch's default date formats).
func parseTime(v any) (time.Time, error) {
	s := text(v)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		return time.UnixMilli(int64(ms)), nil
	}
	return time.Time{}, &timeError{s}
}

type timeError struct{ s string }

func (e *timeError) Error() string {
	return "the time field " + strconv.Quote(e.s) + " is neither RFC 3339 nor epoch milliseconds (choose the field with _time_field)"
}
