package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// The alerting engine's message is the query API's Alert schema, every
// optional field absent when unset, and encodes exactly as the API's
// conversion of it does.
func TestAlertMessageMatchesSchema(t *testing.T) {
	doc, err := queryapi.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["Alert"].Value
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, a := range []store.Alert{
		{ID: "a1", Tenant: "acme", RuleID: "r1", RuleName: "n", Severity: "warning", State: alerting.StatePending, StartedAt: t0, Value: 1},
		{ID: "a1", Tenant: "acme", RuleID: "r1", RuleName: "n", Severity: "critical", State: alerting.StateFiring, StartedAt: t0, FiredAt: t0,
			Labels: map[string]string{"service": "x"}, Summary: "s", NotifyError: "notify[0]: webhook https://h: HTTP 500", Value: 2.5},
		{ID: "a1", Tenant: "acme", RuleID: "r1", RuleName: "n", Severity: "info", State: alerting.StateResolved, StartedAt: t0, FiredAt: t0, ResolvedAt: t0.Add(time.Minute)},
	} {
		b, err := json.Marshal(alerting.NewAlertMessage(a))
		if err != nil {
			t.Fatal(err)
		}
		if api, _ := json.Marshal(alertJSON(a)); string(api) != string(b) {
			t.Errorf("the API shows %s, the engine publishes %s", api, b)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("%s: %v", b, err)
		}
		m := v.(map[string]any)
		if _, ok := m["tenant"]; ok {
			t.Errorf("%s shows the tenant", b)
		}
		if _, ok := m["fired_at"]; ok != !a.FiredAt.IsZero() {
			t.Errorf("%s: fired_at present=%v", b, ok)
		}
		if _, ok := m["notify_error"]; ok != (a.NotifyError != "") {
			t.Errorf("%s: notify_error present=%v", b, ok)
		}
	}
}
