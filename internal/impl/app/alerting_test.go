package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// hookReceiver records webhook deliveries and checks their signature.
type hookReceiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []map[string]any
	bad int
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if !webhook.Verify(secret, r.Header.Get(webhook.TimestampHeader), r.Header.Get(webhook.SignatureHeader), body) {
			h.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		h.got = append(h.got, m)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) badlySigned() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bad
}

func (h *hookReceiver) statuses() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, m := range h.got {
		out = append(out, fmt.Sprint(m["status"]))
	}
	return out
}

// metric reads one sample of the server's /metrics.
func (s *server) metric(name string) string {
	s.t.Helper()
	r := s.get("/metrics", "")
	for _, line := range strings.Split(string(r.Body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// An alert rule created over the API fires on events sent over the ingest
// API, within the latency budget, on stream:alerts, in the query API and at
// its webhook.
func TestAlertingEndToEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, s *server) {
		hook := newHookReceiver(t, "change-me-please")
		r := s.send(http.MethodPost, "/api/alert-rules", adminKey, map[string]any{
			"name": "checkout errors", "kind": "log_count", "filter": map[string]any{"service": "checkout", "level": []string{"error"}},
			"window": "1m", "op": "gt", "threshold": 2, "severity": "critical", "labels": map[string]string{"team": "payments"},
			"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "change-me-please"}},
		})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create rule: %d %s", r.StatusCode, r.Body)
		}
		ruleID := r.json(t)["id"].(string)
		waitFor(t, "the rule held", func() bool { return s.metric("lightwatch_alerting_rules_held") == "1" })

		logs := `[{"service":"checkout","level":"error","message":"a"},{"service":"checkout","level":"error","message":"b"},{"service":"checkout","level":"info","message":"c"}]`
		if r := s.post("/ingest/logs", adminKey, "application/json", []byte(logs)); r.StatusCode != http.StatusAccepted {
			t.Fatalf("ingest: %d %s", r.StatusCode, r.Body)
		}
		before := time.Now()
		if r := s.post("/ingest/logs", adminKey, "application/json", []byte(`{"service":"checkout","level":"error","message":"d"}`)); r.StatusCode != http.StatusAccepted {
			t.Fatalf("ingest: %d %s", r.StatusCode, r.Body)
		}
		var alert map[string]any
		waitFor(t, "a firing alert", func() bool {
			items := s.get("/api/alerts?state=firing&rule_id="+ruleID, adminKey).json(t)["items"].([]any)
			if len(items) == 0 {
				return false
			}
			alert = items[0].(map[string]any)
			return true
		})
		t.Logf("event accepted → alert firing in the query API: %v", time.Since(before))
		if alert["value"] != 3.0 || alert["severity"] != "critical" || alert["rule_name"] != "checkout errors" ||
			alert["labels"].(map[string]any)["team"] != "payments" {
			t.Errorf("alert = %v", alert)
		}
		waitFor(t, "the webhook", func() bool { return len(hook.statuses()) == 1 })
		if hook.badlySigned() != 0 || hook.statuses()[0] != "firing" {
			t.Errorf("webhook: %v, %d badly signed", hook.statuses(), hook.badlySigned())
		}

		// stream:alerts carries the alert as the query API shows it.
		msgs, err := s.redis.XRange(context.Background(), stream.Alerts, "-", "+").Result()
		if err != nil || len(msgs) != 1 {
			t.Fatalf("stream:alerts: %v, %v", msgs, err)
		}
		if msgs[0].Values[stream.FieldTenant] != "default" || msgs[0].Values[stream.FieldKind] != "alert" {
			t.Errorf("entry fields %v", msgs[0].Values)
		}
		var streamed any
		if err := json.Unmarshal([]byte(msgs[0].Values[stream.FieldEvent].(string)), &streamed); err != nil {
			t.Fatal(err)
		}
		api := s.get("/api/alerts/"+alert["id"].(string), adminKey)
		var shown any
		if err := json.Unmarshal(api.Body, &shown); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(streamed)
		b, _ := json.Marshal(shown)
		if !bytes.Equal(a, b) {
			t.Errorf("stream:alerts entry\n%s\ndiffers from GET /api/alerts/{id}\n%s", a, b)
		}
	})
}

// A service whose heartbeats stop fires its heartbeat rule after its
// interval plus grace, and resolves with its next heartbeat.
func TestAlertingHeartbeat(t *testing.T) {
	s := start(t, nil)
	r := s.send(http.MethodPost, "/api/alert-rules", adminKey, map[string]any{"name": "billing down", "kind": "heartbeat", "filter": map[string]any{"service": "billing"}, "grace": "1s"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create rule: %d %s", r.StatusCode, r.Body)
	}
	waitFor(t, "the rule held", func() bool { return s.metric("lightwatch_alerting_rules_held") == "1" })
	beat := []byte(`{"service":"billing","instance":"billing-0","status":"up","interval_seconds":1}`)
	if r := s.post("/ingest/heartbeats", adminKey, "application/json", beat); r.StatusCode != http.StatusAccepted {
		t.Fatalf("heartbeat: %d %s", r.StatusCode, r.Body)
	}
	sent := time.Now()
	var alert map[string]any
	waitFor(t, "a firing alert", func() bool {
		items := s.get("/api/alerts?state=firing", adminKey).json(t)["items"].([]any)
		if len(items) == 0 {
			return false
		}
		alert = items[0].(map[string]any)
		return true
	})
	t.Logf("heartbeat sent → alert firing: %v (interval 1s + grace 1s)", time.Since(sent))
	if alert["labels"].(map[string]any)["service"] != "billing" {
		t.Errorf("alert = %v", alert)
	}
	if r := s.post("/ingest/heartbeats", adminKey, "application/json", beat); r.StatusCode != http.StatusAccepted {
		t.Fatalf("heartbeat: %d %s", r.StatusCode, r.Body)
	}
	waitFor(t, "the alert resolved", func() bool {
		return s.get("/api/alerts/"+alert["id"].(string), adminKey).json(t)["state"] == "resolved"
	})
}
