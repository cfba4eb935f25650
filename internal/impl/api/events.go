package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// eventPage answers both event listings. The events are written as their
// canonical envelope, which is what the spec's Event schema describes (the
// same JSON the streams carry), so no conversion is needed.
type eventPage struct {
	Items      []event.Event `json:"items"`
	NextCursor *string       `json:"next_cursor,omitempty"`
}

func (p eventPage) write(w http.ResponseWriter) error {
	if p.Items == nil {
		p.Items = []event.Event{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(p)
}

func (p eventPage) VisitListLogsResponse(w http.ResponseWriter) error { return p.write(w) }
func (p eventPage) VisitListSecurityEventsResponse(w http.ResponseWriter) error {
	return p.write(w)
}

// ListLogs implements GET /api/logs.
func (s *Server) ListLogs(ctx context.Context, r queryapi.ListLogsRequestObject) (queryapi.ListLogsResponseObject, error) {
	p := r.Params
	attrs, err := pairs("attr", p.Attr)
	if err != nil {
		return nil, err
	}
	q := store.LogQuery{Filter: filter.Filter{Services: deref(p.Service), Host: deref(p.Host), Text: deref(p.Q), Attrs: attrs}}
	for _, l := range deref(p.Level) {
		q.Levels = append(q.Levels, event.Level(l))
	}
	var digest string
	q.Window, digest, err = s.window(ctx, listing{name: "logs", filters: q, from: p.From, to: p.To, limit: p.Limit,
		asc: deref(p.Order) == queryapi.ListLogsParamsOrderAsc, cursor: p.Cursor, span: time.Hour})
	if err != nil {
		return nil, err
	}
	page, err := s.store.QueryLogs(ctx, q)
	if err != nil {
		return nil, s.storeError(ctx, "query logs", err)
	}
	return eventPage{Items: page.Events, NextCursor: nextCursor(page.Next, q.Window, digest)}, nil
}

// ListSecurityEvents implements GET /api/security-events.
func (s *Server) ListSecurityEvents(ctx context.Context, r queryapi.ListSecurityEventsRequestObject) (queryapi.ListSecurityEventsResponseObject, error) {
	p := r.Params
	q := store.SecurityQuery{Filter: filter.Filter{
		Services: deref(p.Service), Categories: deref(p.Category),
		MinSeverity: event.Severity(deref(p.MinSeverity)), SrcIP: deref(p.SrcIp), Actor: deref(p.Actor),
		Outcome: string(deref(p.Outcome)), Text: deref(p.Q),
	}}
	for _, sev := range deref(p.Severity) {
		q.Severities = append(q.Severities, event.Severity(sev))
	}
	var digest string
	var err error
	q.Window, digest, err = s.window(ctx, listing{name: "security", filters: q, from: p.From, to: p.To, limit: p.Limit,
		asc: deref(p.Order) == queryapi.ListSecurityEventsParamsOrderAsc, cursor: p.Cursor, span: time.Hour})
	if err != nil {
		return nil, err
	}
	page, err := s.store.QuerySecurity(ctx, q)
	if err != nil {
		return nil, s.storeError(ctx, "query security events", err)
	}
	return eventPage{Items: page.Events, NextCursor: nextCursor(page.Next, q.Window, digest)}, nil
}
