package app_test

import (
	"fmt"
	"testing"
	"time"
)

// One heartbeat dated 2261 does not keep its service "alive" for good: its
// ts is clamped to the receive time plus event.MaxFutureSkew (1 min), so
// once the service falls silent "service down" fires after that minute, its
// interval and the grace.
func TestFutureHeartbeatDoesNotSilenceServiceDown(t *testing.T) {
	clk := newClock()
	s := startAlerting(t, clk, nil)
	s.createRule(map[string]any{"name": "billing down", "kind": "heartbeat", "filter": map[string]any{"service": "billing"}, "grace": "1s"})
	s.waitHeld(1)
	s.ingest("/ingest/heartbeats", adminKey, heartbeat("billing", clk.Now()))
	s.ingest("/ingest/heartbeats", adminKey,
		fmt.Sprintf(`{"service":"billing","instance":"billing-0","status":"up","interval_seconds":1,"ts":"2261-01-01T00:00:00Z"}`))

	svc := s.get("/api/services", adminKey).json(t)["items"].([]any)[0].(map[string]any)
	last, err := time.Parse(time.RFC3339Nano, svc["last_heartbeat"].(string))
	if err != nil || last.After(time.Now().Add(time.Minute)) {
		t.Fatalf("last_heartbeat %v (%v), want at most a minute ahead of now", svc["last_heartbeat"], err)
	}
	// The test clock runs an hour behind (see clock); "down" is judged at
	// the real time plus the skew, interval and grace, and more. The alert is
	// then dated ahead of the real time, which the query API's listings leave
	// out: /metrics counts it.
	clk.advance(time.Hour + time.Minute + 3*time.Second)
	waitFor(t, "billing down to fire", func() bool {
		return s.metricValue(`lightwatch_alert_transitions_total{state="firing"}`) == 1
	})
}
