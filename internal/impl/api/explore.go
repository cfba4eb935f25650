package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/duration"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

const (
	maxHitSteps     = 10_000 // steps one histogram may hold
	defaultHitSteps = 120    // steps the server aims at when it picks the step
	contextSpan     = 24 * time.Hour
)

// hitSteps are the steps the server picks from: round numbers on a clock.
var hitSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// hitStep checks the asked step or picks the smallest round one giving at
// most defaultHitSteps steps over the range.
func hitStep(s *string, span time.Duration) (time.Duration, error) {
	if s == nil {
		for _, st := range hitSteps {
			if span/st <= defaultHitSteps {
				return st, nil
			}
		}
		return hitSteps[len(hitSteps)-1], nil
	}
	d, ok := hitDuration(*s)
	if !ok {
		return 0, badParam("step", "want a whole number of seconds, minutes, hours or days, such as 30s, 5m or 1h")
	}
	if n := span / d; n > maxHitSteps {
		return 0, badParam("step", fmt.Sprintf("the range holds %d steps; at most %d: widen the step or narrow the range", n, maxHitSteps))
	}
	return d, nil
}

// hitDuration reads a step, counting any longer than maxRange as maxRange
// (one step then covers any range), without overflowing.
func hitDuration(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
	if err != nil || n <= 0 || unit == 0 {
		return 0, false
	}
	if n > int64(maxRange/unit) {
		return maxRange, true
	}
	return time.Duration(n) * unit, true
}

// countWindow is the window of a histogram or field values: the range only.
func (s *Server) countWindow(ctx context.Context, from, to *time.Time) (store.Window, error) {
	f, t, err := timeRange(from, to, s.now(), time.Hour)
	return store.Window{Tenant: caller(ctx).Tenant, From: f, To: t, Limit: 1}, err
}

// logQuery is the filter of the log listing, histogram and field values.
func logQuery(service *[]string, levels *[]queryapi.Level, host, text *string, attr *[]string) (store.LogQuery, error) {
	attrs, err := pairs("attr", attr)
	if err != nil {
		return store.LogQuery{}, err
	}
	q := store.LogQuery{Filter: filter.Filter{Services: deref(service), Host: deref(host), Text: deref(text), Attrs: attrs}}
	for _, l := range deref(levels) {
		q.Levels = append(q.Levels, event.Level(l))
	}
	return q, nil
}

// securityQuery is the filter of the security event listing, histogram and
// field values.
func securityQuery(service, categories *[]string, severities *[]queryapi.Severity, minSeverity *queryapi.Severity, srcIP, actor, outcome, text *string) store.SecurityQuery {
	q := store.SecurityQuery{Filter: filter.Filter{
		Services: deref(service), Categories: deref(categories), MinSeverity: event.Severity(deref(minSeverity)),
		SrcIP: deref(srcIP), Actor: deref(actor), Outcome: deref(outcome), Text: deref(text),
	}}
	for _, sev := range deref(severities) {
		q.Severities = append(q.Severities, event.Severity(sev))
	}
	return q
}

func hitsResponse(w store.Window, step time.Duration, groupBy string, hits []store.Hit) queryapi.Hits {
	out := queryapi.Hits{From: w.From, To: w.To, Step: duration.Format(step), Buckets: []queryapi.HitsBucket{}}
	if groupBy != "" {
		out.GroupBy = &groupBy
	}
	for _, h := range hits {
		n := len(out.Buckets)
		if n == 0 || !out.Buckets[n-1].Ts.Equal(h.TS) {
			b := queryapi.HitsBucket{Ts: h.TS}
			if groupBy != "" {
				b.Groups = &map[string]int64{}
			}
			out.Buckets = append(out.Buckets, b)
			n++
		}
		b := &out.Buckets[n-1]
		b.Total += h.Count
		if b.Groups != nil {
			(*b.Groups)[h.Group] += h.Count
		}
	}
	return out
}

func fieldValuesResponse(field string, vals []store.FieldValue) queryapi.FieldValues {
	out := queryapi.FieldValues{Field: field}
	out.Items = make([]struct {
		Count int64  `json:"count"`
		Value string `json:"value"`
	}, len(vals))
	for i, v := range vals {
		out.Items[i].Count, out.Items[i].Value = v.Count, v.Value
	}
	return out
}

// LogHits implements GET /api/logs/hits.
func (s *Server) LogHits(ctx context.Context, r queryapi.LogHitsRequestObject) (queryapi.LogHitsResponseObject, error) {
	p := r.Params
	q, err := logQuery(p.Service, p.Level, p.Host, p.Q, p.Attr)
	if err != nil {
		return nil, err
	}
	if q.Window, err = s.countWindow(ctx, p.From, p.To); err != nil {
		return nil, err
	}
	st, err := hitStep(p.Step, q.To.Sub(q.From))
	if err != nil {
		return nil, err
	}
	h := store.Histogram{Step: st, GroupBy: string(deref(p.GroupBy))}
	hits, err := s.store.LogHits(ctx, q, h)
	if err != nil {
		return nil, s.storeError(ctx, "log hits", err)
	}
	return queryapi.LogHits200JSONResponse(hitsResponse(q.Window, st, h.GroupBy, hits)), nil
}

// SecurityHits implements GET /api/security-events/hits.
func (s *Server) SecurityHits(ctx context.Context, r queryapi.SecurityHitsRequestObject) (queryapi.SecurityHitsResponseObject, error) {
	p := r.Params
	q := securityQuery(p.Service, p.Category, p.Severity, p.MinSeverity, p.SrcIp, p.Actor, (*string)(p.Outcome), p.Q)
	var err error
	if q.Window, err = s.countWindow(ctx, p.From, p.To); err != nil {
		return nil, err
	}
	st, err := hitStep(p.Step, q.To.Sub(q.From))
	if err != nil {
		return nil, err
	}
	h := store.Histogram{Step: st, GroupBy: string(deref(p.GroupBy))}
	hits, err := s.store.SecurityHits(ctx, q, h)
	if err != nil {
		return nil, s.storeError(ctx, "security hits", err)
	}
	return queryapi.SecurityHits200JSONResponse(hitsResponse(q.Window, st, h.GroupBy, hits)), nil
}

// LogFieldValues implements GET /api/logs/fields/{field}/values.
func (s *Server) LogFieldValues(ctx context.Context, r queryapi.LogFieldValuesRequestObject) (queryapi.LogFieldValuesResponseObject, error) {
	p := r.Params
	q, err := logQuery(p.Service, p.Level, p.Host, p.Q, p.Attr)
	if err != nil {
		return nil, err
	}
	if q.Window, err = s.countWindow(ctx, p.From, p.To); err != nil {
		return nil, err
	}
	vals, err := s.store.LogFieldValues(ctx, q, r.Field, valuesLimit(p.Limit))
	if err != nil {
		return nil, s.storeError(ctx, "log field values", err)
	}
	return queryapi.LogFieldValues200JSONResponse(fieldValuesResponse(r.Field, vals)), nil
}

// SecurityFieldValues implements GET /api/security-events/fields/{field}/values.
func (s *Server) SecurityFieldValues(ctx context.Context, r queryapi.SecurityFieldValuesRequestObject) (queryapi.SecurityFieldValuesResponseObject, error) {
	p := r.Params
	q := securityQuery(p.Service, p.Category, p.Severity, p.MinSeverity, p.SrcIp, p.Actor, (*string)(p.Outcome), p.Q)
	var err error
	if q.Window, err = s.countWindow(ctx, p.From, p.To); err != nil {
		return nil, err
	}
	vals, err := s.store.SecurityFieldValues(ctx, q, string(r.Field), valuesLimit(p.Limit))
	if err != nil {
		return nil, s.storeError(ctx, "security field values", err)
	}
	return queryapi.SecurityFieldValues200JSONResponse(fieldValuesResponse(string(r.Field), vals)), nil
}

func valuesLimit(l *int) int {
	if l == nil {
		return 10
	}
	return *l
}

// logContext answers GET /api/logs/{id}/context with the canonical envelopes.
type logContext struct {
	Event  event.Event   `json:"event"`
	Before []event.Event `json:"before"`
	After  []event.Event `json:"after"`
}

func (c logContext) VisitLogContextResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(c)
}

// LogContext implements GET /api/logs/{id}/context: two listings of the same
// service and host from the event's keyset position, one each way.
func (s *Server) LogContext(ctx context.Context, r queryapi.LogContextRequestObject) (queryapi.LogContextResponseObject, error) {
	tenant := caller(ctx).Tenant
	found, err := s.store.GetEvents(ctx, tenant, []string{r.Id})
	if err != nil {
		return nil, s.storeError(ctx, "log context", err)
	}
	var e *event.Event
	for i := range found {
		if found[i].Kind == event.KindLog {
			e = &found[i]
		}
	}
	if e == nil {
		return nil, s.storeError(ctx, "log context", store.ErrNotFound)
	}
	out := logContext{Event: *e, Before: []event.Event{}, After: []event.Event{}}
	at := &store.Cursor{TS: e.TS, ID: e.ID}
	q := store.LogQuery{Filter: filter.Filter{Services: []string{e.Service}, Host: e.Host}}
	if n := deref(r.Params.Before); n > 0 || r.Params.Before == nil {
		q.Window = store.Window{Tenant: tenant, From: e.TS.Add(-contextSpan), To: e.TS.Add(1), Limit: limitOr(r.Params.Before, 20), After: at}
		page, err := s.store.QueryLogs(ctx, q)
		if err != nil {
			return nil, s.storeError(ctx, "log context", err)
		}
		for i := len(page.Events) - 1; i >= 0; i-- {
			out.Before = append(out.Before, page.Events[i])
		}
	}
	if n := deref(r.Params.After); n > 0 || r.Params.After == nil {
		q.Window = store.Window{Tenant: tenant, From: e.TS, To: e.TS.Add(contextSpan), Limit: limitOr(r.Params.After, 20), Ascending: true, After: at}
		page, err := s.store.QueryLogs(ctx, q)
		if err != nil {
			return nil, s.storeError(ctx, "log context", err)
		}
		out.After = page.Events
	}
	return out, nil
}

func limitOr(l *int, def int) int {
	if l == nil {
		return def
	}
	return *l
}
