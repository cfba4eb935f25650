package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// maxPageBytes bounds one listing's response body. A page holds at most
// 1,000 events, but events can be 64 KiB each: a page that would pass this
// size ends early, with a next_cursor at its last event, so that no response
// (and no slow reader of one) holds tens of megabytes.
const maxPageBytes = 8 << 20

// eventPage answers both event listings. The events are written as their
// canonical envelope, which is what the spec's Event schema describes (the
// same JSON the streams carry), so no conversion is needed. They are encoded
// one at a time into the response, not as one document in memory.
type eventPage struct {
	Items      []event.Event
	NextCursor *string
	window     store.Window // for a cursor when the page ends early
	digest     string
}

func (p eventPage) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, `{"items":[`); err != nil {
		return err
	}
	next, size := p.NextCursor, 0
	for i := range p.Items {
		b, err := json.Marshal(&p.Items[i])
		if err != nil {
			return fmt.Errorf("encode event %s: %w", p.Items[i].ID, err)
		}
		if i > 0 && size+len(b) > maxPageBytes {
			last := p.Items[i-1]
			next = nextCursor(&store.Cursor{TS: last.TS, ID: last.ID}, p.window, p.digest)
			break
		}
		if i > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		size += len(b)
	}
	tail := "]}\n"
	if next != nil {
		c, _ := json.Marshal(*next) // a string: cannot fail
		tail = `],"next_cursor":` + string(c) + "}\n"
	}
	_, err := io.WriteString(w, tail)
	return err
}

func (p eventPage) VisitListLogsResponse(w http.ResponseWriter) error { return p.write(w) }
func (p eventPage) VisitListSecurityEventsResponse(w http.ResponseWriter) error {
	return p.write(w)
}

// ListLogs implements GET /api/logs.
func (s *Server) ListLogs(ctx context.Context, r queryapi.ListLogsRequestObject) (queryapi.ListLogsResponseObject, error) {
	p := r.Params
	q, err := logQuery(p.Service, p.Level, p.Host, p.Q, p.Attr)
	if err != nil {
		return nil, err
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
	return eventPage{Items: page.Events, NextCursor: nextCursor(page.Next, q.Window, digest), window: q.Window, digest: digest}, nil
}

// ListSecurityEvents implements GET /api/security-events.
func (s *Server) ListSecurityEvents(ctx context.Context, r queryapi.ListSecurityEventsRequestObject) (queryapi.ListSecurityEventsResponseObject, error) {
	p := r.Params
	q := securityQuery(p.Service, p.Category, p.Severity, p.MinSeverity, p.SrcIp, p.Actor, (*string)(p.Outcome), p.Q)
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
	return eventPage{Items: page.Events, NextCursor: nextCursor(page.Next, q.Window, digest), window: q.Window, digest: digest}, nil
}
