// Package otlp serves OTLP/HTTP logs and metrics (POST /otlp/v1/logs and
// /otlp/v1/metrics), protobuf and OTLP-JSON, decoded with the OpenTelemetry
// Collector's own pdata types and mapped to native events (logs.go,
// metrics.go). Answers follow the OTLP/HTTP specification: 200 with
// partial_success when some records were rejected, 400 only for a body that
// cannot be decoded, 429/503 with Retry-After when the sender must back off.
package otlp

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Protocol names OTLP in the rejected-records metric.
const Protocol = "otlp"

// Handler serves the OTLP endpoints.
type Handler struct {
	sink     ingestproto.Sink
	metrics  *telemetry.Metrics
	maxBytes int64
}

// New returns the OTLP handler; bodies are capped at maxBytes by the middleware in front.
func New(sink ingestproto.Sink, m *telemetry.Metrics, maxBytes int64) *Handler {
	return &Handler{sink: sink, metrics: m, maxBytes: maxBytes}
}

// encoding is the body format of a request, and so of its answer.
type encoding int

const (
	encProto encoding = iota
	encJSON
)

func requestEncoding(r *http.Request) (encoding, *problem.Problem) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-protobuf", "application/protobuf":
		return encProto, nil
	case "application/json":
		return encJSON, nil
	}
	return 0, problem.New(http.StatusUnsupportedMediaType, "Content-Type must be application/x-protobuf or application/json (OTLP/HTTP)")
}

// Logs serves POST /otlp/v1/logs.
func (h *Handler) Logs(w http.ResponseWriter, r *http.Request) {
	req := plogotlp.NewExportRequest()
	enc, tenant, p := h.begin(r, req, "ExportLogsServiceRequest")
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	records, rejected := mapLogs(req.Logs())
	owner := make([]int, len(records))
	for i := range owner {
		owner[i] = i
	}
	n, msg, p := h.submit(r, event.KindLog, tenant, records, owner, rejectionsOf(rejected))
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	resp := plogotlp.NewExportResponse()
	if n > 0 {
		resp.PartialSuccess().SetRejectedLogRecords(int64(n))
		resp.PartialSuccess().SetErrorMessage(msg)
	}
	writeResponse(w, enc, resp.MarshalProto, resp.MarshalJSON)
}

// Metrics serves POST /otlp/v1/metrics.
func (h *Handler) Metrics(w http.ResponseWriter, r *http.Request) {
	req := pmetricotlp.NewExportRequest()
	enc, tenant, p := h.begin(r, req, "ExportMetricsServiceRequest")
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	ms := mapMetrics(req.Metrics())
	pre := make(map[int]rejection, len(ms.rejects))
	for _, pr := range ms.rejects {
		if _, seen := pre[pr.point]; !seen {
			pre[pr.point] = pr.rejection
		}
	}
	// A point some of whose samples were rejected while mapping is rejected
	// whole: storing part of a histogram would make it lie.
	var records []map[string]any
	var owner []int
	for i, rec := range ms.records {
		if _, bad := pre[ms.owner[i]]; !bad {
			records = append(records, rec)
			owner = append(owner, ms.owner[i])
		}
	}
	n, msg, p := h.submit(r, event.KindMetric, tenant, records, owner, pre)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	resp := pmetricotlp.NewExportResponse()
	if n > 0 {
		resp.PartialSuccess().SetRejectedDataPoints(int64(n))
		resp.PartialSuccess().SetErrorMessage(msg)
	}
	writeResponse(w, enc, resp.MarshalProto, resp.MarshalJSON)
}

// Traces serves POST /otlp/v1/traces: Lightwatch stores no traces, so 404
// (the OTLP answer for a signal a server does not accept) naming what it does.
func (h *Handler) Traces(w http.ResponseWriter, r *http.Request) {
	problem.Write(w, r, problem.New(http.StatusNotFound,
		"Lightwatch does not store traces; it accepts OTLP logs (/otlp/v1/logs) and metrics (/otlp/v1/metrics). Drop the traces pipeline or send traces elsewhere."))
}

// exportRequest is an OTLP export request (plogotlp's or pmetricotlp's),
// decoded from either encoding.
type exportRequest interface {
	UnmarshalProto([]byte) error
	UnmarshalJSON([]byte) error
}

// begin checks the content type and tenant, then reads the body into req,
// an export request of the message type named.
func (h *Handler) begin(r *http.Request, req exportRequest, message string) (encoding, string, *problem.Problem) {
	enc, p := requestEncoding(r)
	if p != nil {
		return 0, "", p
	}
	tenant, p := ingestproto.Tenant(r)
	if p != nil {
		return 0, "", p
	}
	body, p := ingestproto.ReadBody(r, h.maxBytes)
	if p != nil {
		return 0, "", p
	}
	var err error
	if enc == encJSON {
		if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
			return 0, "", problem.New(http.StatusBadRequest, "an OTLP-JSON body is a JSON object")
		}
		err = req.UnmarshalJSON(body)
	} else {
		err = req.UnmarshalProto(body)
	}
	if err != nil {
		return 0, "", problem.New(http.StatusBadRequest, "body is not an OTLP "+message+": "+err.Error())
	}
	return enc, tenant, nil
}

func rejectionsOf(rs []rejection) map[int]rejection {
	out := make(map[int]rejection, len(rs))
	for i, r := range rs {
		out[-1-i] = r // mapped-out records have no index among the records; keys only need to be distinct
	}
	return out
}

// submit stores records (owner[i] is the OTLP record or data point record i
// comes from) and returns how many OTLP records or points were rejected,
// counting those rejected while mapping (pre, by owner), with a message.
func (h *Handler) submit(r *http.Request, kind event.Kind, tenant string, records []map[string]any, owner []int, pre map[int]rejection) (int, string, *problem.Problem) {
	rejected := make(map[int]rejection, len(pre))
	for k, v := range pre {
		rejected[k] = v
	}
	if len(records) > 0 {
		res, err := h.sink.SubmitRecords(r.Context(), kind, tenant, records)
		if err != nil {
			return 0, "", problem.FromError(err)
		}
		for _, rj := range res.Rejected {
			if _, seen := rejected[owner[rj.Index]]; !seen {
				rejected[owner[rj.Index]] = rejection{"invalid_record", rj.Message}
			}
		}
	}
	if len(rejected) == 0 {
		return 0, "", nil
	}
	byReason := map[string]int{}
	var example string
	keys := make([]int, 0, len(rejected))
	for k := range rejected {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		rj := rejected[k]
		byReason[rj.reason]++
		if example == "" {
			example = rj.message
		}
	}
	parts := make([]string, 0, len(byReason))
	for reason, n := range byReason {
		ingestproto.Rejected(h.metrics, Protocol, reason, n)
		parts = append(parts, fmt.Sprintf("%d %s", n, reason))
	}
	sort.Strings(parts)
	return len(rejected), fmt.Sprintf("rejected %s; first: %s", strings.Join(parts, ", "), example), nil
}

func writeResponse(w http.ResponseWriter, enc encoding, proto, jsonf func() ([]byte, error)) {
	var b []byte
	var err error
	if enc == encJSON {
		w.Header().Set("Content-Type", "application/json")
		b, err = jsonf()
	} else {
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, err = proto()
	}
	if err != nil { // marshalling a response built here cannot fail
		panic(fmt.Sprintf("otlp: marshal response: %v", err))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
