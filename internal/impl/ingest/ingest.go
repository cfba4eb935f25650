// Package ingest implements the ingest API (openapi/ingest.yaml): it splits a
// request into events, validates every one against the spec, normalizes them to
// the canonical envelope and acknowledges them once the store has them.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/contract"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/groupcommit"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Limits of one request; openapi/ingest.yaml states the same numbers.
const (
	MaxBodyBytes = 5 << 20
	MaxEvents    = 10000
)

// Committer stores events durably; groupcommit.Committer is the one in use.
type Committer interface {
	Submit(ctx context.Context, events []event.Event) (fresh []bool, err error)
}

// Server implements the native operations of the generated strict server
// interface; the standard protocols' operations are served by their own
// handlers (internal/impl/otlp, ...), which hand records to SubmitRecords.
type Server struct {
	schemas map[event.Kind]*contract.EventSchema
	commit  Committer
	metrics *telemetry.Metrics
	logger  *slog.Logger
	now     func() time.Time
	// maxAge refuses events whose ts is older than it, by kind (0: none).
	maxAge map[event.Kind]time.Duration
}

// RefuseOlderThan makes the server refuse events of kind whose ts is older
// than d when they arrive: the store would drop them at once (its retention).
func (s *Server) RefuseOlderThan(kind event.Kind, d time.Duration) {
	s.maxAge[kind] = d
}

// schemaOf names the spec schema of each kind's events.
var schemaOf = map[event.Kind]string{
	event.KindLog:       "LogEvent",
	event.KindMetric:    "MetricSample",
	event.KindSecurity:  "SecurityEvent",
	event.KindHeartbeat: "Heartbeat",
}

// New returns the ingest server validating against spec (the ingest document).
func New(spec *contract.Spec, commit Committer, m *telemetry.Metrics, logger *slog.Logger) (*Server, error) {
	s := &Server{schemas: map[event.Kind]*contract.EventSchema{}, commit: commit, metrics: m, logger: logger, now: time.Now,
		maxAge: map[event.Kind]time.Duration{}}
	for kind, name := range schemaOf {
		es, err := spec.EventSchema(name)
		if err != nil {
			return nil, err
		}
		s.schemas[kind] = es
	}
	return s, nil
}

// IngestLogs implements POST /ingest/logs.
func (s *Server) IngestLogs(ctx context.Context, r ingestapi.IngestLogsRequestObject) (ingestapi.IngestLogsResponseObject, error) {
	return s.ingest(ctx, event.KindLog, r.JSONBody, r.Body), nil
}

// IngestMetrics implements POST /ingest/metrics.
func (s *Server) IngestMetrics(ctx context.Context, r ingestapi.IngestMetricsRequestObject) (ingestapi.IngestMetricsResponseObject, error) {
	return s.ingest(ctx, event.KindMetric, r.JSONBody, r.Body), nil
}

// IngestSecurityEvents implements POST /ingest/security-events.
func (s *Server) IngestSecurityEvents(ctx context.Context, r ingestapi.IngestSecurityEventsRequestObject) (ingestapi.IngestSecurityEventsResponseObject, error) {
	return s.ingest(ctx, event.KindSecurity, r.JSONBody, r.Body), nil
}

// IngestHeartbeats implements POST /ingest/heartbeats.
func (s *Server) IngestHeartbeats(ctx context.Context, r ingestapi.IngestHeartbeatsRequestObject) (ingestapi.IngestHeartbeatsResponseObject, error) {
	return s.ingest(ctx, event.KindHeartbeat, r.JSONBody, r.Body), nil
}

// ingest runs one request. jsonBody is set for application/json, ndjson for
// application/x-ndjson; neither means a content type the spec does not accept.
func (s *Server) ingest(ctx context.Context, kind event.Kind, jsonBody *json.RawMessage, ndjson io.Reader) response {
	received := s.now().UTC()
	var items []any
	var err error
	switch {
	case jsonBody != nil:
		items, err = splitJSON(*jsonBody)
	case ndjson != nil:
		items, err = splitNDJSON(ndjson, MaxBodyBytes, MaxEvents)
	default:
		return problemResponse{problem.FromError(fault.Errorf(fault.Unsupported,
			"Content-Type must be application/json or application/x-ndjson"))}
	}
	if p := bodyProblem(err); p != nil {
		return problemResponse{p}
	}
	if len(items) > MaxEvents {
		// A batch past the schema's maxItems is invalid like any other field,
		// so 400 (413 is for bytes).
		s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(items)))
		return problemResponse{problem.FromError(fault.InvalidField("events", "more than %d events in one request; split the batch", MaxEvents))}
	}

	schema := s.schemas[kind]
	var fieldErrs []problem.FieldError
	invalid := 0
	for i, item := range items {
		if schema.Valid(item) {
			continue
		}
		if errs := schema.Validate(fmt.Sprintf("events[%d]", i), item); errs != nil {
			fieldErrs = append(fieldErrs, errs...)
			invalid++
		}
	}
	if invalid > 0 {
		s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(items)))
		return problemResponse{contract.InvalidEvents(fieldErrs, invalid)}
	}

	key, _ := apikey.FromContext(ctx) // middleware.Auth guarantees it
	events := make([]event.Event, len(items))
	for i, item := range items {
		events[i] = normalize(kind, key.Tenant, received, item.(map[string]any))
	}
	if p := s.expired(kind, received, events); p != nil {
		return problemResponse{p}
	}
	ids, dups, err := s.store(ctx, kind, events)
	if err != nil {
		return problemResponse{problem.FromError(err)}
	}
	return acceptedResponse(ingestapi.IngestResult{Accepted: len(events), Ids: ids, Duplicates: &dups})
}

// store commits events durably and counts them by kind: accepted and
// duplicates, or all rejected when the store cannot take them. Then the
// error is an Unavailable fault (503 with Retry-After): nothing was stored.
func (s *Server) store(ctx context.Context, kind event.Kind, events []event.Event) (ids []string, dups int, err error) {
	fresh, err := s.commit.Submit(ctx, events)
	if err != nil {
		s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(events)))
		if !errors.Is(err, groupcommit.ErrOverloaded) && ctx.Err() == nil {
			s.logger.ErrorContext(ctx, "store events", "err", err, "request_id", middleware.InfoFrom(ctx).RequestID)
		}
		return nil, 0, &fault.Error{Code: fault.Unavailable, RetryAfter: time.Second, Err: err,
			Message: "the store cannot take events now; nothing was acknowledged, retry later"}
	}
	ids = make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
		if !fresh[i] {
			dups++
		}
	}
	s.metrics.EventsAccepted.WithLabelValues(string(kind)).Add(float64(len(events)))
	s.metrics.EventsDuplicate.WithLabelValues(string(kind)).Add(float64(dups))
	return ids, dups, nil
}

// expired refuses a batch holding events older than the kind's retention,
// naming each: like an invalid event, it fails the whole request (a request
// is stored whole or not at all), so the client can drop those and resend
// the rest. Storing them would be a silent loss: the next retention pass
// drops them.
func (s *Server) expired(kind event.Kind, received time.Time, events []event.Event) *problem.Problem {
	d := s.maxAge[kind]
	if d <= 0 {
		return nil
	}
	cutoff := received.Add(-d)
	var errs []problem.FieldError
	for i, e := range events {
		if e.TS.Before(cutoff) {
			errs = append(errs, problem.FieldError{Field: fmt.Sprintf("events[%d].ts", i),
				Message: fmt.Sprintf("older than the retention of %s events (%s): it would be dropped at once", kind, d)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(events)))
	s.metrics.EventsExpired.WithLabelValues(string(kind)).Add(float64(len(errs)))
	return contract.InvalidEvents(errs, len(errs))
}

// bodyProblem maps a body-splitting error to its problem; nil for nil.
func bodyProblem(err error) *problem.Problem {
	var le *lineError
	switch {
	case err == nil:
		return nil
	case middleware.TooLarge(err):
		return problem.FromError(fault.Errorf(fault.TooLarge, "body exceeds %d bytes (compressed or decompressed)", MaxBodyBytes))
	case errors.As(err, &le):
		return contract.InvalidEvents([]problem.FieldError{le.field}, 1)
	default:
		return problem.FromError(&fault.Error{Code: fault.Invalid, Message: err.Error()})
	}
}

// RequestError answers errors the generated server meets before the handler
// runs: a body that is not JSON at all, or one read past the size cap.
func RequestError(w http.ResponseWriter, r *http.Request, err error) {
	if middleware.TooLarge(err) {
		problem.Write(w, r, bodyProblem(err))
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		problem.WriteError(w, r, fault.Errorf(fault.Invalid, "malformed JSON body: %v", err))
		return
	}
	problem.WriteError(w, r, &fault.Error{Code: fault.Invalid, Message: err.Error()})
}
