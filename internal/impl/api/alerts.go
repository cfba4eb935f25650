package api

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/alerting"
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
		out.Items = append(out.Items, alertJSON(a))
	}
	return out, nil
}

// GetAlert implements GET /api/alerts/{alertId}.
func (s *Server) GetAlert(ctx context.Context, r queryapi.GetAlertRequestObject) (queryapi.GetAlertResponseObject, error) {
	a, err := s.store.GetAlert(ctx, caller(ctx).Tenant, r.AlertId)
	if err != nil {
		return nil, s.storeError(ctx, "get alert", err)
	}
	return queryapi.GetAlert200JSONResponse(alertJSON(a)), nil
}

// alertJSON converts the alerting engine's message at the edge: the same
// JSON it publishes on stream:alerts, so /ws/alerts and GET /api/alerts agree
// byte for byte (alerts_test.go proves it).
func alertJSON(a store.Alert) queryapi.Alert {
	m := alerting.NewAlertMessage(a)
	return queryapi.Alert{
		Id: m.ID, RuleId: m.RuleID, RuleName: m.RuleName, Labels: m.Labels, Severity: queryapi.AlertSeverity(m.Severity),
		State: queryapi.AlertState(m.State), StartedAt: m.StartedAt, Value: m.Value,
		FiredAt: m.FiredAt, ResolvedAt: m.ResolvedAt, Summary: m.Summary, NotifyError: m.NotifyError,
	}
}
