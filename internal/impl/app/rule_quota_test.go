package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// A tenant's alert rules are capped (LIGHTWATCH_ALERT_RULES_MAX): past the
// quota creation is a 429 naming it; another tenant is not affected.
func TestAlertRuleQuotaPerTenant(t *testing.T) {
	s := start(t, func(c *config.Config) { c.AlertRulesMax = 2 })
	rule := map[string]any{"name": "errors", "kind": "log_count", "threshold": 1}
	s.createRule(rule)
	s.createRule(rule)
	r := s.send(http.MethodPost, "/api/alert-rules", adminKey, rule)
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "LIGHTWATCH_ALERT_RULES_MAX") {
		t.Errorf("third rule: %d %s, want a 429 naming the quota", r.StatusCode, r.Body)
	}
	other := s.putKey("globex", apikey.ScopeAdmin)
	if r := s.send(http.MethodPost, "/api/alert-rules", other, rule); r.StatusCode != http.StatusCreated {
		t.Errorf("another tenant's first rule: %d %s", r.StatusCode, r.Body)
	}
}

// One rule over a label with many values raises at most
// LIGHTWATCH_ALERT_MAX_ALERTS_PER_RULE alerts, and a rule matching more
// series than LIGHTWATCH_ALERT_MAX_SERIES fails its evaluation instead of
// reading them all.
func TestAlertRuleSeriesAndAlertQuotas(t *testing.T) {
	clk := newClock()
	s := startAlerting(t, clk, func(c *config.Config) { c.AlertMaxAlertsPerRule, c.AlertMaxSeries = 5, 20 })
	wide := s.createRule(map[string]any{"name": "load", "kind": "metric_threshold",
		"filter": map[string]any{"name": "load"}, "aggregate": "max", "op": "gt", "threshold": 0, "window": "10s"})
	tooWide := s.createRule(map[string]any{"name": "temp", "kind": "metric_threshold",
		"filter": map[string]any{"name": "temp"}, "aggregate": "max", "op": "gt", "threshold": 0, "window": "10s"})
	s.waitHeld(2)
	var lines []string
	for i := range 12 {
		lines = append(lines, fmt.Sprintf(`{"name":"load","value":1,"service":"web","labels":{"host":"h%d"}}`, i))
	}
	for i := range 25 {
		lines = append(lines, fmt.Sprintf(`{"name":"temp","value":1,"service":"web","labels":{"host":"h%d"}}`, i))
	}
	s.ingest("/ingest/metrics", adminKey, stamped(clk.Now(), lines...)...)
	waitFor(t, "the quota-limited alerts", func() bool { return len(s.alerts(wide, "firing")) == 5 })
	waitFor(t, "the too-wide rule's evaluations to fail", func() bool {
		return s.metricValue(`lightwatch_alert_evaluation_errors_total{kind="metric_threshold"}`) >= 2
	})
	if n := len(s.alerts(tooWide, "")); n != 0 {
		t.Errorf("the rule over 25 series (quota 20) raised %d alerts", n)
	}
	if n := len(s.alerts(wide, "firing")); n != 5 {
		t.Errorf("%d alerts of the rule over 12 series, want its quota of 5", n)
	}
}
