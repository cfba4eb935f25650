package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/groupcommit"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
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
// An error means nothing was stored (the store is overloaded or down); the
// caller answers 503 with Retry-After.
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
	fresh, err := s.commit.Submit(ctx, events)
	if err != nil {
		s.metrics.EventsRejected.WithLabelValues(string(kind)).Add(float64(len(events)))
		if !errors.Is(err, groupcommit.ErrOverloaded) && ctx.Err() == nil {
			s.logger.ErrorContext(ctx, "store events", "err", err, "request_id", middleware.InfoFrom(ctx).RequestID)
		}
		return RecordsResult{}, fmt.Errorf("store %d events: %w", len(events), err)
	}
	res.IDs = make([]string, len(events))
	for i, e := range events {
		res.IDs[i] = e.ID
		if !fresh[i] {
			res.Duplicates++
		}
	}
	res.Accepted = len(events)
	s.metrics.EventsAccepted.WithLabelValues(string(kind)).Add(float64(len(events)))
	s.metrics.EventsDuplicate.WithLabelValues(string(kind)).Add(float64(res.Duplicates))
	return res, nil
}
