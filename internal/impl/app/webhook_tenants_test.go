package app_test

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// blackHole is a webhook target that accepts connections and never answers.
type blackHole struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newBlackHole(t *testing.T) *blackHole {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &blackHole{Listener: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.mu.Lock()
			b.conns = append(b.conns, c)
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, c := range b.conns {
			_ = c.Close()
		}
	})
	return b
}

func (b *blackHole) accepted() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.conns)
}

// One tenant whose webhooks go to a black hole (many alerts, each delivery
// hanging until its timeout and then retried) holds at most its share of the
// deliveries in flight: another tenant's notification goes out at once.
func TestWebhookBlackHoleOfOneTenantDoesNotDelayAnother(t *testing.T) {
	clk := newClock()
	s := startAlerting(t, clk, func(c *config.Config) { c.WebhookTenantInFlight = 2 },
		app.WithAlerting(func(o *alerting.Options) { o.Notify.InFlight = 4 }))
	hole := newBlackHole(t)
	keyA := s.putKey("tenant-a", apikey.ScopeAdmin, apikey.ScopeIngest, apikey.ScopeRead)
	r := s.send(http.MethodPost, "/api/alert-rules", keyA, map[string]any{"name": "load", "kind": "metric_threshold",
		"filter": map[string]any{"name": "load"}, "aggregate": "max", "op": "gt", "threshold": 0, "window": "10s",
		"notify": []map[string]any{{"type": "webhook", "url": "http://" + hole.Addr().String() + "/hook"}}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("tenant-a rule: %d %s", r.StatusCode, r.Body)
	}
	hook := newHookReceiver(t, 0)
	s.createRule(logRule("checkout errors", "checkout", hook, nil))
	s.waitHeld(2)

	var series []string
	for i := range 12 {
		series = append(series, fmt.Sprintf(`{"name":"load","value":1,"service":"web","labels":{"host":"h%d"}}`, i))
	}
	s.ingest("/ingest/metrics", keyA, stamped(clk.Now(), series...)...)
	waitFor(t, "tenant-a's deliveries to hang", func() bool { return hole.accepted() >= 2 })

	s.errorsAt("checkout", clk.Now())
	if got := hook.waitRequests(t, 1); got[0].Status != "firing" {
		t.Errorf("tenant default's webhook %s, want the firing", got[0].body)
	}
	if n := hole.accepted(); n > 2 {
		t.Errorf("tenant-a has %d deliveries in flight, above its share of 2", n)
	}
}

// A target that keeps failing is paused (circuit breaker): after 5 failed
// attempts in a row the deliveries to it fail fast for a while instead of
// each trying it again.
func TestWebhookFailingTargetBreaker(t *testing.T) {
	clk := newClock()
	s := startAlerting(t, clk, func(c *config.Config) {
		c.WebhookTenantInFlight = 2
		c.WebhookRetryBudget = 500 * time.Millisecond
	})
	hook := newHookReceiver(t, math.MaxInt) // 503, always
	s.createRule(map[string]any{"name": "load", "kind": "metric_threshold",
		"filter": map[string]any{"name": "load"}, "aggregate": "max", "op": "gt", "threshold": 0, "window": "10s", "notify": hook.target()})
	s.waitHeld(1)
	var series []string
	for i := range 12 {
		series = append(series, fmt.Sprintf(`{"name":"load","value":1,"service":"web","labels":{"host":"h%d"}}`, i))
	}
	s.ingest("/ingest/metrics", adminKey, stamped(clk.Now(), series...)...)
	waitFor(t, "12 notifications given up", func() bool {
		return s.metricValue(`lightwatch_webhook_deliveries_total{outcome="failed"}`) == 12
	})
	// 5 failures open the breaker; the other delivery in flight may have
	// been trying meanwhile.
	if n := len(hook.requests()); n > 6 {
		t.Errorf("the failing target got %d requests, want at most 6", n)
	}
}
