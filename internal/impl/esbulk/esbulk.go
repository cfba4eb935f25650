// Package esbulk serves the Elasticsearch bulk API (POST /es/_bulk and
// /es/{index}/_bulk) and the few calls Elasticsearch clients and Filebeat make
// around it (the version document, license, index templates, ILM policies),
// so that Filebeat, Logstash, Vector, Fluent Bit and the Elasticsearch
// clients can write to Lightwatch. Documents become log events (mapping.go).
package esbulk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Protocol names Elasticsearch bulk in the rejected-records metric.
const Protocol = "elasticsearch"

// Version is the Elasticsearch version the version document states.
// Filebeat refuses servers older than itself unless allow_older_versions is
// set (docs/ingest-protocols.md).
const Version = "8.17.0"

// Handler serves the Elasticsearch-compatible endpoints.
type Handler struct {
	sink     ingestproto.Sink
	metrics  *telemetry.Metrics
	maxBytes int64
}

// New returns the handler; bodies are capped at maxBytes by the middleware in front.
func New(sink ingestproto.Sink, m *telemetry.Metrics, maxBytes int64) *Handler {
	return &Handler{sink: sink, metrics: m, maxBytes: maxBytes}
}

// writeJSON answers as Elasticsearch does, with the product header its
// clients (elasticsearch-py 8, the Go and Java clients) check.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Info serves GET /es/: the version document clients read first.
func (h *Handler) Info(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "lightwatch", "cluster_name": "lightwatch", "cluster_uuid": "lightwatch",
		"version": map[string]any{
			"number": Version, "build_flavor": "default", "build_type": "lightwatch",
			"lucene_version": "9.12.0", "minimum_wire_compatibility_version": "7.17.0",
			"minimum_index_compatibility_version": "7.0.0",
		},
		"tagline": "You Know, for Search",
	})
}

// Ping serves HEAD /es/.
func (h *Handler) Ping(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.WriteHeader(http.StatusOK)
}

// License serves GET /es/_license: a basic license, which is what Filebeat checks.
func (h *Handler) License(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"license": map[string]any{
		"status": "active", "uid": "lightwatch", "type": "basic", "issue_date_in_millis": 0, "max_nodes": 1000, "issued_to": "lightwatch", "issuer": "lightwatch",
	}})
}

// Acknowledge serves the set-up writes (PUT index templates and ILM
// policies): a JSON object (or no body) is accepted and ignored, since
// Lightwatch has no indices; anything else is a 400 as Elasticsearch answers.
func (h *Handler) Acknowledge(w http.ResponseWriter, r *http.Request) {
	body, p := ingestproto.ReadBody(r, h.maxBytes)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	if t := bytes.TrimSpace(body); len(t) > 0 {
		var obj map[string]any
		if json.Unmarshal(t, &obj) != nil || obj == nil {
			problem.Write(w, r, problem.New(http.StatusBadRequest, "the body must be a JSON object"))
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"acknowledged": true})
}

// Exists serves HEAD of a template: it exists, so that set-up does not write one.
func (h *Handler) Exists(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.WriteHeader(http.StatusOK)
}

// IndexTemplate serves GET /es/_index_template/{name}.
func (h *Handler) IndexTemplate(w http.ResponseWriter, r *http.Request, name string) {
	writeJSON(w, http.StatusOK, map[string]any{"index_templates": []any{map[string]any{"name": name, "index_template": map[string]any{"index_patterns": []string{name + "*"}}}}})
}

// ILMPolicy serves GET /es/_ilm/policy/{name}.
func (h *Handler) ILMPolicy(w http.ResponseWriter, r *http.Request, name string) {
	writeJSON(w, http.StatusOK, map[string]any{name: map[string]any{"version": 1, "policy": map[string]any{"phases": map[string]any{}}}})
}

// item is one bulk operation's answer.
type item map[string]itemResult

type itemResult struct {
	Index       string     `json:"_index"`
	ID          string     `json:"_id,omitempty"`
	Status      int        `json:"status"`
	Result      string     `json:"result,omitempty"`
	Version     int        `json:"_version,omitempty"`
	SeqNo       *int       `json:"_seq_no,omitempty"`
	PrimaryTerm int        `json:"_primary_term,omitempty"`
	Shards      *shards    `json:"_shards,omitempty"`
	Error       *itemError `json:"error,omitempty"`
}

type shards struct {
	Total      int `json:"total"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
}

type itemError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// Bulk serves POST /es/_bulk and /es/{index}/_bulk: NDJSON pairs of an action
// (index or create; update and delete are refused per item) and a document.
// Each document is answered in items[], in order, with the statuses
// Elasticsearch uses: 201 stored, 400 not mappable; errors is true when any
// item failed. A store that cannot take the documents answers 503 for the
// whole request, which shippers retry.
func (h *Handler) Bulk(w http.ResponseWriter, r *http.Request, index string) {
	start := time.Now()
	tenant, p := ingestproto.Tenant(r)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	body, p := ingestproto.ReadBody(r, h.maxBytes)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	mapping := MappingOf(r, index)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), len(body)+1)
	var items []item
	var records []map[string]any
	var recordItem []int // the item of each record
	line := 0
	next := func() ([]byte, bool) {
		for sc.Scan() {
			line++
			if b := bytes.TrimSpace(sc.Bytes()); len(b) > 0 {
				return b, true
			}
		}
		return nil, false
	}
	for {
		actionLine, ok := next()
		if !ok {
			break
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(actionLine, &action); err != nil || len(action) != 1 {
			problem.Write(w, r, problem.New(http.StatusBadRequest, fmt.Sprintf(
				"line %d: malformed action/metadata line: want {\"index\":{...}} or {\"create\":{...}}", line)))
			return
		}
		var op string
		for k := range action {
			op = k
		}
		meta := action[op]
		idx := meta.Index
		if idx == "" {
			idx = index
		}
		switch op {
		case "index", "create":
		case "update":
			next() // its document
			items = append(items, item{op: failed(idx, meta.ID, "action [update] is not supported: Lightwatch keeps events immutable")})
			continue
		case "delete":
			items = append(items, item{op: failed(idx, meta.ID, "action [delete] is not supported: Lightwatch keeps events immutable")})
			continue
		default:
			problem.Write(w, r, problem.New(http.StatusBadRequest, fmt.Sprintf("line %d: unknown action [%s]; want index or create", line, op)))
			return
		}
		docLine, ok := next()
		if !ok {
			problem.Write(w, r, problem.New(http.StatusBadRequest, fmt.Sprintf("line %d: the %s action has no document line after it", line, op)))
			return
		}
		dec := json.NewDecoder(bytes.NewReader(docLine))
		dec.UseNumber()
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil || doc == nil {
			items = append(items, item{op: failedAs(idx, meta.ID, "document_parsing_exception", "the document is not a JSON object")})
			ingestproto.Rejected(h.metrics, Protocol, "malformed_document", 1)
			continue
		}
		id := ""
		if meta.ID != "" {
			id = idx + ":" + meta.ID
			if !ingestproto.ValidID(id) {
				id = ingestproto.SampleID(idx, meta.ID, "", nil, time.Unix(0, 0))
			}
		}
		rec, reason, msg := mapDocument(mapping, idx, doc, id)
		if rec == nil {
			items = append(items, item{op: failedAs(idx, meta.ID, "document_parsing_exception", msg)})
			ingestproto.Rejected(h.metrics, Protocol, reason, 1)
			continue
		}
		records = append(records, rec)
		recordItem = append(recordItem, len(items))
		items = append(items, item{op: itemResult{Index: idx, ID: meta.ID}})
	}
	if len(records) > 0 {
		res, err := h.sink.SubmitRecords(r.Context(), event.KindLog, tenant, records)
		if err != nil {
			problem.WriteError(w, r, err)
			return
		}
		rejected := make(map[int]string, len(res.Rejected))
		for _, rj := range res.Rejected {
			rejected[rj.Index] = rj.Message
		}
		ingestproto.Rejected(h.metrics, Protocol, "invalid_record", len(res.Rejected))
		stored := 0
		for i, it := range recordItem {
			for op, ir := range items[it] {
				if msg, bad := rejected[i]; bad {
					items[it][op] = failedAs(ir.Index, ir.ID, "document_parsing_exception", msg)
					continue
				}
				seq := stored
				stored++
				if ir.ID == "" {
					ir.ID = res.IDs[seq]
				}
				ir.Status, ir.Result, ir.Version, ir.SeqNo, ir.PrimaryTerm = http.StatusCreated, "created", 1, &seq, 1
				ir.Shards = &shards{Total: 1, Successful: 1}
				items[it][op] = ir
			}
		}
	}
	errorsSeen := false
	for _, it := range items {
		for _, ir := range it {
			errorsSeen = errorsSeen || ir.Error != nil
		}
	}
	if items == nil {
		items = []item{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": time.Since(start).Milliseconds(), "errors": errorsSeen, "items": items})
}

func failed(index, id, reason string) itemResult {
	return failedAs(index, id, "illegal_argument_exception", reason)
}

func failedAs(index, id, typ, reason string) itemResult {
	return itemResult{Index: index, ID: id, Status: http.StatusBadRequest, Error: &itemError{Type: typ, Reason: reason}}
}
