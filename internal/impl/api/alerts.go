package api

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// ListAlerts implements GET /api/alerts.
func (s *Server) ListAlerts(ctx context.Context, r queryapi.ListAlertsRequestObject) (queryapi.ListAlertsResponseObject, error) {
	p := r.Params
	q := store.AlertQuery{State: string(deref(p.State)), RuleID: deref(p.RuleId)}
	var digest string
	var err error
	q.Window, digest, err = s.window(ctx, listing{name: "alerts", filters: q, from: p.From, to: p.To, limit: p.Limit,
		asc: deref(p.Order) == queryapi.ListAlertsParamsOrderAsc, cursor: p.Cursor, span: 24 * time.Hour})
	if err != nil {
		return nil, err
	}
	page, err := s.store.ListAlerts(ctx, q)
	if err != nil {
		return nil, s.storeError(ctx, "list alerts", err)
	}
	out := queryapi.ListAlerts200JSONResponse{Items: make([]queryapi.Alert, 0, len(page.Alerts)), NextCursor: nextCursor(page.Next, q.Window, digest)}
	for _, a := range page.Alerts {
		out.Items = append(out.Items, AlertJSON(a))
	}
	return out, nil
}

// GetAlert implements GET /api/alerts/{alertId}.
func (s *Server) GetAlert(ctx context.Context, r queryapi.GetAlertRequestObject) (queryapi.GetAlertResponseObject, error) {
	a, err := s.store.GetAlert(ctx, caller(ctx).Tenant, r.AlertId)
	if err != nil {
		return nil, s.storeError(ctx, "get alert", err)
	}
	return queryapi.GetAlert200JSONResponse(AlertJSON(a)), nil
}

// AlertJSON is an alert as the query API's Alert schema shows it; the alerting
// engine publishes the same JSON on stream:alerts, so /ws/alerts and
// GET /api/alerts agree byte for byte.
func AlertJSON(a store.Alert) queryapi.Alert {
	out := queryapi.Alert{
		Id: a.ID, RuleId: a.RuleID, RuleName: a.RuleName, Labels: a.Labels, Severity: queryapi.AlertSeverity(a.Severity),
		State: queryapi.AlertState(a.State), StartedAt: a.StartedAt, Value: a.Value,
		FiredAt: timePtr(a.FiredAt), ResolvedAt: timePtr(a.ResolvedAt), Summary: strPtr(a.Summary), NotifyError: strPtr(a.NotifyError),
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
