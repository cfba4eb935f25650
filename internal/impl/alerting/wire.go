package alerting

import (
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// AlertMessage is an alert as others see it: the JSON published on
// stream:alerts (and so pushed on /ws/alerts) and sent in webhooks. The query
// API's Alert schema describes the same JSON; package api converts at its
// edge, and its tests prove that both encode byte for byte alike, so that
// /ws/alerts and GET /api/alerts agree. The fields are in the order of the
// generated model, which encoding/json keeps.
type AlertMessage struct {
	FiredAt     *time.Time        `json:"fired_at,omitempty"` // after the rule's for
	ID          string            `json:"id"`
	Labels      map[string]string `json:"labels"`
	NotifyError *string           `json:"notify_error,omitempty"` // the last notification failure
	ResolvedAt  *time.Time        `json:"resolved_at,omitempty"`
	RuleID      string            `json:"rule_id"`
	RuleName    string            `json:"rule_name"`
	Severity    string            `json:"severity"`
	StartedAt   time.Time         `json:"started_at"` // when the condition first held
	State       string            `json:"state"`
	Summary     *string           `json:"summary,omitempty"`
	Value       float64           `json:"value"` // the value that triggered it
}

// NewAlertMessage is the message of a stored alert; the tenant stays out.
func NewAlertMessage(a store.Alert) AlertMessage {
	out := AlertMessage{
		ID: a.ID, RuleID: a.RuleID, RuleName: a.RuleName, Labels: a.Labels, Severity: a.Severity,
		State: a.State, StartedAt: a.StartedAt, Value: a.Value,
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
