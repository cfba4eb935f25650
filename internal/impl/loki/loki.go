// Package loki serves Loki's push API (POST /loki/api/v1/push) so that
// Promtail, Grafana Alloy, Vector, Fluent Bit and anything else that pushes to
// Loki can push here: snappy-compressed protobuf, decoded with Loki's own
// github.com/grafana/loki/pkg/push types, or JSON, optionally gzip. Each entry
// becomes a log event (mapping below); the answer is 204 as Loki's.
package loki

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/loki/pkg/push"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
	"github.com/lightwatch/lightwatch/internal/impl/leveldetect"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Protocol names Loki in the rejected-records metric.
const Protocol = "loki"

// ServiceLabels are the labels that name the service, in the order tried
// (Loki 3 itself derives service_name from service_name, service, app, job...).
var ServiceLabels = []string{"service_name", "service", "app", "application", "job", "container", "container_name"}

// HostLabels name the host, in the order tried.
var HostLabels = []string{"host", "hostname", "host_name", "node", "instance"}

// LevelLabels carry the level, in the order tried.
var LevelLabels = []string{"level", "detected_level", "severity", "lvl", "loglevel"}

// DefaultService is the service of streams with none of ServiceLabels, as Loki 3 names it.
const DefaultService = "unknown_service"

// Handler serves the push endpoint.
type Handler struct {
	sink     ingestproto.Sink
	metrics  *telemetry.Metrics
	maxBytes int64
}

// New returns the Loki push handler; bodies are capped at maxBytes (gzip by the
// middleware in front, snappy here).
func New(sink ingestproto.Sink, m *telemetry.Metrics, maxBytes int64) *Handler {
	return &Handler{sink: sink, metrics: m, maxBytes: maxBytes}
}

// Push serves POST /loki/api/v1/push.
func (h *Handler) Push(w http.ResponseWriter, r *http.Request) {
	tenant, p := ingestproto.Tenant(r)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "application/x-protobuf" && mt != "" {
		problem.Write(w, r, problem.New(http.StatusUnsupportedMediaType, "Content-Type must be application/x-protobuf (snappy) or application/json"))
		return
	}
	body, p := ingestproto.ReadBody(r, h.maxBytes)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	var streams []stream
	if mt == "application/json" {
		streams, p = decodeJSON(body)
	} else { // Loki reads a missing Content-Type as protobuf too
		streams, p = decodeProto(body, h.maxBytes)
	}
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	records, rejected := mapStreams(streams)
	entries := len(records) + rejected.total
	for reason, n := range rejected.byReason {
		ingestproto.Rejected(h.metrics, Protocol, reason, n)
	}
	if len(records) > 0 {
		res, err := h.sink.SubmitRecords(r.Context(), event.KindLog, tenant, records)
		if err != nil {
			problem.WriteError(w, r, err)
			return
		}
		if len(res.Rejected) > 0 {
			ingestproto.Rejected(h.metrics, Protocol, "invalid_record", len(res.Rejected))
			rejected.add("invalid_record", res.Rejected[0].Message)
		}
	}
	if rejected.total > 0 {
		// Loki answers 400 naming the rejected entries but keeps the others,
		// and Promtail does not retry a 400: the same here, so nothing is
		// dropped silently and nothing is stored twice.
		problem.Write(w, r, problem.New(http.StatusBadRequest, fmt.Sprintf(
			"%d of %d entries were rejected (%s); the others are stored", rejected.total, entries, rejected.first)))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// stream is one pushed stream, whatever its encoding.
type stream struct {
	labels  map[string]string
	entries []entry
}

type entry struct {
	ts       time.Time
	line     string
	metadata map[string]string
}

func decodeProto(body []byte, maxBytes int64) ([]stream, *problem.Problem) {
	plain, err := middleware.Unsnappy(body, maxBytes)
	if err != nil {
		return nil, problem.FromError(err)
	}
	var req push.PushRequest
	if err := req.Unmarshal(plain); err != nil {
		return nil, problem.New(http.StatusBadRequest, "body is not a Loki PushRequest (snappy-compressed protobuf): "+err.Error())
	}
	out := make([]stream, 0, len(req.Streams))
	for i, s := range req.Streams {
		labels, err := parseLabels(s.Labels)
		if err != nil {
			return nil, problem.New(http.StatusBadRequest, fmt.Sprintf("streams[%d].labels: %v", i, err))
		}
		st := stream{labels: labels, entries: make([]entry, len(s.Entries))}
		for j, e := range s.Entries {
			st.entries[j] = entry{ts: e.Timestamp, line: e.Line}
			if len(e.StructuredMetadata) > 0 {
				st.entries[j].metadata = make(map[string]string, len(e.StructuredMetadata))
				for _, kv := range e.StructuredMetadata {
					st.entries[j].metadata[kv.Name] = kv.Value
				}
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// jsonPush is Loki's JSON push body:
// {"streams":[{"stream":{"job":"x"},"values":[["<unix ns>","line",{"trace_id":"..."}]]}]}.
type jsonPush struct {
	Streams []struct {
		Stream *map[string]string   `json:"stream"`
		Values *[][]json.RawMessage `json:"values"`
	} `json:"streams"`
}

func decodeJSON(body []byte) ([]stream, *problem.Problem) {
	var req jsonPush
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return nil, problem.New(http.StatusBadRequest, "body is not a Loki JSON push ({\"streams\":[...]}): "+err.Error())
	}
	if req.Streams == nil {
		return nil, problem.New(http.StatusBadRequest, "streams: missing; a Loki JSON push is {\"streams\":[{\"stream\":{...},\"values\":[[\"<unix ns>\",\"line\"]]}]}")
	}
	out := make([]stream, 0, len(req.Streams))
	for i, s := range req.Streams {
		if s.Stream == nil || s.Values == nil {
			return nil, problem.New(http.StatusBadRequest, fmt.Sprintf("streams[%d]: a stream has stream (its labels) and values", i))
		}
		st := stream{labels: *s.Stream, entries: make([]entry, 0, len(*s.Values))}
		for j, v := range *s.Values {
			field := fmt.Sprintf("streams[%d].values[%d]", i, j)
			if len(v) < 2 || len(v) > 3 {
				return nil, problem.New(http.StatusBadRequest, field+": want [\"<unix epoch ns>\", \"<line>\"] or with a third element, structured metadata")
			}
			var tsText, line string
			if err := json.Unmarshal(v[0], &tsText); err != nil {
				return nil, problem.New(http.StatusBadRequest, field+"[0]: the timestamp must be a string of nanoseconds since the Unix epoch")
			}
			ns, err := strconv.ParseInt(tsText, 10, 64)
			if err != nil {
				return nil, problem.New(http.StatusBadRequest, field+"[0]: the timestamp must be a string of nanoseconds since the Unix epoch")
			}
			if err := json.Unmarshal(v[1], &line); err != nil {
				return nil, problem.New(http.StatusBadRequest, field+"[1]: the line must be a string")
			}
			e := entry{ts: time.Unix(0, ns), line: line}
			if len(v) == 3 {
				if err := json.Unmarshal(v[2], &e.metadata); err != nil {
					return nil, problem.New(http.StatusBadRequest, field+"[2]: structured metadata must be an object of strings")
				}
			}
			st.entries = append(st.entries, e)
		}
		out = append(out, st)
	}
	return out, nil
}

// rejections tallies entries left out.
type rejections struct {
	total    int
	byReason map[string]int
	first    string
}

func (r *rejections) add(reason, msg string) {
	if r.byReason == nil {
		r.byReason = map[string]int{}
	}
	r.total++
	r.byReason[reason]++
	if r.first == "" {
		r.first = reason + ": " + msg
	}
}

// mapStreams maps entries to LogEvent records:
//   - service: the first of ServiceLabels present, else unknown_service;
//   - host: the first of HostLabels present;
//   - level: the first of LevelLabels (stream label or structured metadata)
//     naming a level, else detected from the line (leveldetect), else info;
//   - message: the line; ts: the entry's timestamp;
//   - attrs: the other labels, then structured metadata (trace_id and span_id,
//     when they are W3C ids, become the event's trace and span).
func mapStreams(streams []stream) ([]map[string]any, *rejections) {
	rej := &rejections{}
	var out []map[string]any
	for _, st := range streams {
		service, serviceKey := first(st.labels, ServiceLabels)
		service = ingestproto.Service(service)
		if service == "" {
			service = DefaultService
		}
		host, hostKey := first(st.labels, HostLabels)
		for _, e := range st.entries {
			if e.line == "" {
				rej.add("empty_line", "an entry has an empty line")
				continue
			}
			var attrs ingestproto.Attrs
			for k, v := range st.labels {
				if k != serviceKey && k != hostKey {
					attrs.Set(k, v)
				}
			}
			rec := map[string]any{"service": service}
			for k, v := range e.metadata {
				switch {
				case k == "trace_id" && ingestproto.IsHex(v, 32):
					rec["trace_id"] = v
				case (k == "span_id" || k == "spanID") && ingestproto.IsHex(v, 16):
					rec["span_id"] = v
				default:
					attrs.Set(k, v)
				}
			}
			msg := e.line
			if len(msg) > ingestproto.MaxMessage {
				msg = ingestproto.Truncate(msg, ingestproto.MaxMessage)
				attrs.Set("lightwatch.truncated", true)
			}
			rec["message"] = msg
			rec["level"] = string(level(st.labels, e.metadata, e.line))
			if host != "" {
				rec["host"] = ingestproto.Truncate(host, ingestproto.MaxHost)
			}
			if ts := ingestproto.Timestamp(e.ts); ts != "" {
				rec["ts"] = ts
			}
			if m := attrs.Map(); m != nil {
				rec["attrs"] = m
			}
			out = append(out, rec)
		}
	}
	return out, rej
}

func first(labels map[string]string, keys []string) (value, key string) {
	for _, k := range keys {
		if v := strings.TrimSpace(labels[k]); v != "" {
			return v, k
		}
	}
	return "", ""
}

func level(labels, metadata map[string]string, line string) event.Level {
	for _, k := range LevelLabels {
		for _, m := range []map[string]string{metadata, labels} {
			if l, ok := leveldetect.Parse(m[k]); ok {
				return l
			}
		}
	}
	if l, ok := leveldetect.Detect(line); ok {
		return l
	}
	return event.LevelInfo
}
