package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/asyncapitest"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/realtime"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// refusedWS dials path with key and fails unless the handshake is answered
// status, as a problem naming want, before any upgrade.
func (s *server) refusedWS(path, key string, status int, want string) {
	s.t.Helper()
	_, resp, err := s.dialWS(path, key)
	if err == nil {
		s.t.Fatalf("dial %s: connected, want %d", path, status)
	}
	if resp == nil || resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		s.t.Fatalf("dial %s: %v (%+v), want a %d problem", path, err, resp, status)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), want) {
		s.t.Errorf("dial %s: problem %s, want it to name %s", path, body, want)
	}
}

// One key, and one tenant's keys together, hold at most their caps of live
// connections: past them the handshake is a 429 problem; another tenant is
// not affected, and a closed connection frees its slot.
func TestWSConnectionCaps(t *testing.T) {
	s := start(t, func(c *config.Config) {
		c.WSMaxConnsPerKey, c.WSMaxConnsPerTenant, c.WSHandshakeRate = 2, 3, 0
	})
	k1, k2 := s.putKey("acme", apikey.ScopeRead), s.putKey("acme", apikey.ScopeRead)
	other := s.putKey("globex", apikey.ScopeRead)
	first := s.mustDialWS("/ws/logs", k1)
	s.mustDialWS("/ws/logs", k1)
	s.refusedWS("/ws/logs", k1, http.StatusTooManyRequests, "LIGHTWATCH_WS_MAX_CONNS_PER_KEY")
	s.mustDialWS("/ws/alerts", k2)
	s.refusedWS("/ws/logs", k2, http.StatusTooManyRequests, "LIGHTWATCH_WS_MAX_CONNS_PER_TENANT")
	s.mustDialWS("/ws/logs", other)

	_ = first.conn.Close()
	waitFor(t, "the closed connection's slot to be freed", func() bool {
		c, _, err := s.dialWS("/ws/logs", k1)
		if err == nil {
			_ = c.conn.Close()
		}
		return err == nil
	})
}

// Handshakes are rate-limited per key (LIGHTWATCH_WS_HANDSHAKE_RATE, bursts
// of 4 times the rate): past the burst a 429 with Retry-After.
func TestWSHandshakeRateLimit(t *testing.T) {
	s := start(t, func(c *config.Config) { c.WSHandshakeRate = 1 })
	key := s.putKey("acme", apikey.ScopeRead)
	var last response
	for range 8 {
		if last = s.get("/ws/logs", key); last.StatusCode == http.StatusTooManyRequests {
			break
		}
		if last.StatusCode != http.StatusUpgradeRequired {
			t.Fatalf("handshake without upgrade: %d, want 426 until limited", last.StatusCode)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(last.Body), "LIGHTWATCH_WS_HANDSHAKE_RATE") {
		t.Errorf("after 8 quick handshakes: %d %v %s, want a 429 problem with Retry-After", last.StatusCode, last.Header, last.Body)
	}
	// Another key has its own budget.
	s.mustDialWS("/ws/logs", s.putKey("acme", apikey.ScopeRead))
}

// A revoked key's live connections are closed with 1008 within about a
// ping interval (the key is checked again on each).
func TestWSRevokedKeyClosed(t *testing.T) {
	s := start(t, nil, app.WithRealtime(func(o *realtime.Options) { o.PingInterval = 50 * time.Millisecond }))
	created := s.send(http.MethodPost, "/api/keys", adminKey, map[string]any{"name": "dashboard", "scopes": []string{"read"}})
	if created.StatusCode != http.StatusCreated {
		t.Fatalf("create key: %d %s", created.StatusCode, created.Body)
	}
	body := created.json(t)
	c := s.mustDialWS("/ws/logs", body["key"].(string))
	if r := s.send(http.MethodDelete, "/api/keys/"+body["id"].(string), adminKey, nil); r.StatusCode/100 != 2 {
		t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
	}
	_, err := c.tryNext()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Fatalf("after revocation: %v, want close 1008", err)
	}
}

// Browsers can send the key as a WebSocket protocol instead of in the URL:
// offered "lightwatch" and "lightwatch.bearer.<key>", the server selects
// "lightwatch" and never echoes the key.
func TestWSKeyInSubprotocol(t *testing.T) {
	s := start(t, nil)
	key := s.putKey("acme", apikey.ScopeRead)
	d := websocket.Dialer{Subprotocols: []string{realtime.Subprotocol, realtime.ProtocolKeyPrefix + key}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/ws/logs", nil)
	if err != nil {
		t.Fatalf("dial: %v (%+v)", err, resp)
	}
	defer conn.Close()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != realtime.Subprotocol {
		t.Errorf("selected protocol %q, want %q", got, realtime.Subprotocol)
	}
	d.Subprotocols = []string{realtime.Subprotocol, realtime.ProtocolKeyPrefix + "lw_not_a_key"}
	if _, resp, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/ws/logs", nil); err == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown key as protocol: %v, want 401", err)
	}
}

// A since cursor older than LIGHTWATCH_WS_REPLAY_MAX_AGE does not replay
// the whole stream: the replay starts at the window's start, after a reset
// that says so.
func TestWSReplayDepthCapped(t *testing.T) {
	s := start(t, func(c *config.Config) { c.WSReplayMaxAge = time.Minute })
	// The stream holds an entry from before the window, then a recent one.
	old := strconv.FormatInt(time.Now().Add(-2*time.Minute).UnixMilli(), 10) + "-0"
	if err := s.redis.XAdd(context.Background(), &redis.XAddArgs{Stream: stream.Logs, ID: old, Values: []any{"x", "y"}}).Err(); err != nil {
		t.Fatal(err)
	}
	s.ingest("/ingest/logs", adminKey, `{"service":"checkout","message":"recent"}`)
	c := s.mustDialWS("/ws/logs?since=1000-0", adminKey)
	reset := c.next()
	var m struct {
		Type, Reason, Oldest string
	}
	_ = json.Unmarshal([]byte(reset.raw), &m)
	ms, _, _ := strings.Cut(m.Oldest, "-")
	oldest, _ := strconv.ParseInt(ms, 10, 64)
	if m.Type != "reset" || m.Reason != "replay_limit" || time.Since(time.UnixMilli(oldest)) > 2*time.Minute {
		t.Fatalf("first message after subscribed %s, want a reset (replay_limit) from a minute ago", reset.raw)
	}
	if ev := c.nextEvent(); ev.Event["log"].(map[string]any)["message"] != "recent" {
		t.Errorf("replayed %s, want the recent event", ev.raw)
	}
	asyncapitest.Messages(t, "", "/ws/logs", c.frames)
}
