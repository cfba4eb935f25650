package app_test

import (
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// A tenant admin cannot make the server POST into the network it runs in:
// a webhook to 127.0.0.1 (by address, or by a name that resolves to it) is
// refused when dialled, without the operator's LIGHTWATCH_WEBHOOK_ALLOW,
// and what a read key sees of the failure names no dial details.
func TestWebhookToLoopbackRefused(t *testing.T) {
	sc := newScene(t, func(c *config.Config) { c.WebhookAllow = nil }, 0, nil)
	s, clk, hook := sc.s, sc.clk, sc.hook
	byName := strings.Replace(hook.URL, "127.0.0.1", "localhost", 1)
	nameRule := s.createRule(logRule("by name", "checkout", hook, map[string]any{
		"notify": []map[string]any{{"type": "webhook", "url": byName + "/hooks/lightwatch"}}}))
	s.waitHeld(2)
	reader := s.putKey("default", apikey.ScopeRead)

	s.errorsAt("checkout", clk.Now())
	for _, rule := range []string{sc.ruleID, nameRule} {
		var msg string
		waitFor(t, "the refusal recorded on rule "+rule, func() bool {
			items, _ := s.get("/api/alerts?rule_id="+rule, reader).json(t)["items"].([]any)
			if len(items) == 0 {
				return false
			}
			msg, _ = items[0].(map[string]any)["notify_error"].(string)
			return strings.Contains(msg, "given up")
		})
		if !strings.Contains(msg, "not allowed") || !strings.Contains(msg, "after 1 attempts") {
			t.Errorf("rule %s: notify_error %q, want the address refused and not retried", rule, msg)
		}
		for _, detail := range []string{"dial", "refused", "connect:", "lookup"} {
			if strings.Contains(msg, detail) {
				t.Errorf("rule %s: notify_error %q shows dial details (%q)", rule, msg, detail)
			}
		}
	}
	if n := len(hook.requests()); n != 0 {
		t.Errorf("the loopback receiver got %d requests", n)
	}
}
