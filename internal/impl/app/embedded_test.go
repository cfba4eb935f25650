package app_test

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// The embedded default of `make run` (no Redis URL: in-process streams, the
// embedded miniredis for alerting's leases and nudges) serves the live path
// and alerting end to end: ingested events reach WebSocket clients, resume
// works, and an alert rule fires and resolves, with its webhook.
func TestEmbeddedDefaultServesLiveAndAlerting(t *testing.T) {
	var frames [][]byte
	t.Cleanup(func() { checkAlertMessages(t, frames) })
	clk := newClock()
	s := startAlerting(t, clk, func(c *config.Config) { c.RedisURL = embeddedRedis })

	c := s.mustDialWS("/ws/logs", adminKey)
	now := time.Now().UTC()
	s.ingest("/ingest/logs", adminKey, logLine("e-1", "svc", "info", "m", now, ""))
	cursor := c.nextEvent().Cursor
	_ = c.conn.Close()
	s.ingest("/ingest/logs", adminKey, logLine("e-2", "svc", "info", "m", now, ""))
	c = s.mustDialWS("/ws/logs?since="+cursor, adminKey)
	s.ingest("/ingest/logs", adminKey, logLine("e-3", "svc", "info", "m", now, ""))
	for _, want := range []string{"e-2", "e-3"} {
		if m := c.nextEvent(); m.Event["id"] != want {
			t.Fatalf("got %s, want event %s", m.raw, want)
		}
	}

	for _, k := range kindCases() {
		if k.kind == "log_count" {
			testRuleKind(t, s, clk, k, &frames)
			return
		}
	}
	t.Fatal("no log_count case")
}
