package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Webhook secrets are encrypted at rest (LIGHTWATCH_SECRET_KEY, generated
// into the data directory here): the stored rule does not hold the secret,
// and the delivery is still signed with it. A rule stored before, with its
// secret in plaintext, keeps working.
func TestWebhookSecretEncryptedAtRest(t *testing.T) {
	sc := newScene(t, nil, 0, nil)
	s, clk, hook := sc.s, sc.clk, sc.hook
	stored, err := s.store().GetRule(context.Background(), "default", sc.ruleID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored.Definition), hookSecret) || !strings.Contains(string(stored.Definition), "lwenc:v1:") {
		t.Errorf("stored definition %s, want the secret sealed", stored.Definition)
	}

	legacy, _ := json.Marshal(map[string]any{"filter": map[string]any{"service": "billing", "level": []string{"error"}},
		"window": "10s", "op": "gt", "threshold": 0, "notify": hook.target()})
	now := time.Now().UTC()
	if err := s.store().CreateRule(context.Background(), store.Rule{ID: "01LEGACYRULE0000000000000", Tenant: "default", Name: "legacy",
		Kind: "log_count", Definition: legacy, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	s.waitHeld(2)
	s.errorsAt("checkout", clk.Now())
	s.errorsAt("billing", clk.Now())
	got := hook.waitRequests(t, 2) // fails on a request not signed with hookSecret
	rules := map[any]bool{}
	for _, d := range got {
		rules[d.Rule["id"]] = true
	}
	if !rules[sc.ruleID] || !rules["01LEGACYRULE0000000000000"] {
		t.Errorf("deliveries of rules %v, want both", rules)
	}
}
