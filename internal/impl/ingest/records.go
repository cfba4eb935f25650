package ingest

import (
	"context"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Rejection is a record SubmitRecords left out, and why.
type Rejection struct {
	Index   int    // the record's position in the submitted slice
	Message string // the invalid fields, as the native 400 would name them
}

// RecordsResult is what SubmitRecords did with a batch.
type RecordsResult struct {
	Accepted   int // records durably stored (or already stored, for a repeated id)
	Duplicates int // of them, already stored
	IDs        []string
	Rejected   []Rejection
}

// SubmitRecords is the native pipeline for events another protocol (OTLP,
// Loki, Elasticsearch bulk, remote write) carried: each record, already mapped
// to the shape of a native event (a LogEvent or MetricSample as JSON decodes
// it), is validated against the same schema, normalized the same way and
// stored durably before SubmitRecords returns. Unlike a native batch, invalid
// records do not fail the others: standard protocols report partial failure
// per record, and shippers drop whole batches answered 400.
//
// An error means nothing was stored (the store is overloaded or down): an
// Unavailable *fault.Error, which the caller answers (503 with Retry-After).
func (s *Server) SubmitRecords(ctx context.Context, kind event.Kind, tenant string, records []map[string]any) (RecordsResult, error) {
	received := s.now().UTC()
	schema := s.schemas[kind]
	var res RecordsResult
	events := make([]event.Event, 0, len(records))
	for i, rec := range records {
		if !schema.Valid(rec) {
			errs := schema.Validate("", rec)
			if errs != nil {
				msgs := make([]string, len(errs))
				for j, e := range errs {
					msgs[j] = strings.TrimPrefix(e.Field, ".") + ": " + e.Message
				}
				res.Rejected = append(res.Rejected, Rejection{Index: i, Message: strings.Join(msgs, "; ")})
				continue
			}
		}
		events = append(events, normalize(kind, tenant, received, rec))
	}
	if len(res.Rejected) > 0 {
		s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(res.Rejected)))
	}
	if len(events) == 0 {
		return res, nil
	}
	ids, dups, err := s.store(ctx, kind, events)
	if err != nil {
		return RecordsResult{}, err
	}
	res.Accepted, res.Duplicates, res.IDs = len(events), dups, ids
	return res, nil
}
