package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// These tests need the harness to serve the realtime surface (/ws/*) beside
// ingest and the query API.

// wsMessage is any realtime server message.
type wsMessage struct {
	Type    string          `json:"type"`
	Channel string          `json:"channel"`
	Cursor  string          `json:"cursor"`
	Event   map[string]any  `json:"event"`
	Alert   map[string]any  `json:"alert"`
	Filters json.RawMessage `json:"filters"`
	raw     string
}

// wsConn is a WebSocket client of the realtime surface.
type wsConn struct {
	t      testing.TB
	conn   *websocket.Conn
	queued []wsMessage
	frames [][]byte // every WebSocket message read, to check against the AsyncAPI document
}

// dialWS connects to path (with its query) using key as a bearer token.
func (s *server) dialWS(path, key string) (*wsConn, *http.Response, error) {
	hdr := http.Header{}
	if key != "" {
		hdr.Set("Authorization", "Bearer "+key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+path, hdr)
	if err != nil {
		return nil, resp, err
	}
	s.t.Cleanup(func() { _ = conn.Close() })
	return &wsConn{t: s.t, conn: conn}, resp, nil
}

func (s *server) mustDialWS(path, key string) *wsConn {
	s.t.Helper()
	c, resp, err := s.dialWS(path, key)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		hint := ""
		if status == http.StatusNotFound {
			hint = "; is the realtime surface (Surfaces.Realtime) served by the harness?"
		}
		s.t.Fatalf("dial %s: %v (status %d)%s", path, err, status, hint)
	}
	if m := c.next(); m.Type != "subscribed" {
		s.t.Fatalf("first message %s, want subscribed", m.raw)
	}
	return c
}

// next reads the next message, splitting WebSocket messages on newlines.
func (c *wsConn) next() wsMessage {
	c.t.Helper()
	m, err := c.tryNext()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *wsConn) tryNext() (wsMessage, error) {
	for len(c.queued) == 0 {
		_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return wsMessage{}, err
		}
		c.frames = append(c.frames, data)
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			var m wsMessage
			if err := json.Unmarshal(line, &m); err != nil {
				return wsMessage{}, err
			}
			m.raw = string(line)
			c.queued = append(c.queued, m)
		}
	}
	m := c.queued[0]
	c.queued = c.queued[1:]
	return m, nil
}

// nextEvent reads the next message and fails unless it is an event.
func (c *wsConn) nextEvent() wsMessage {
	c.t.Helper()
	m := c.next()
	if m.Type != "event" {
		c.t.Fatalf("got %s, want an event", m.raw)
	}
	return m
}

func TestRealtimeDeliversIngestedEventsAsTheirEnvelope(t *testing.T) {
	s := start(t, nil)
	logs := s.mustDialWS("/ws/logs?service=checkout&level=error&attr.http.status=402", adminKey)
	metrics := s.mustDialWS("/ws/metrics?name=http_requests_total&label.code=200", adminKey)
	security := s.mustDialWS("/ws/security-events?min_severity=high", adminKey)

	now := time.Now().UTC()
	s.ingest("/ingest/logs", adminKey,
		logLine("l-other", "cart", "error", "not this service", now, `{"http.status":402}`),
		logLine("l-info", "checkout", "info", "not this level", now, `{"http.status":402}`),
		logLine("l-hit", "checkout", "ERROR", "payment declined", now, `{"http.status":402,"order":"A-1"}`))
	s.ingest("/ingest/metrics", adminKey,
		`{"id":"m-500","name":"http_requests_total","value":3,"service":"checkout","labels":{"code":"500"}}`,
		`{"id":"m-200","name":"http_requests_total","value":7,"type":"counter","service":"checkout","labels":{"code":"200"}}`)
	s.ingest("/ingest/security-events", adminKey,
		`{"id":"s-low","service":"auth","category":"authentication","severity":"low"}`,
		`{"id":"s-crit","source":"waf","category":"web_attack","severity":"critical","src_ip":"198.51.100.4"}`)

	m := logs.nextEvent()
	e := m.Event
	if m.Channel != "logs" || m.Cursor == "" || e["id"] != "l-hit" || e["tenant"] != "default" || e["kind"] != "log" || e["service"] != "checkout" {
		t.Fatalf("log message %s", m.raw)
	}
	if l := e["log"].(map[string]any); l["level"] != "error" || l["message"] != "payment declined" {
		t.Errorf("log body %v: want the normalized level", l)
	}
	if e["received_at"] == nil || e["attributes"].(map[string]any)["order"] != "A-1" {
		t.Errorf("envelope %s", m.raw)
	}
	// The cursor is the stream entry's id.
	entries, err := s.redis.XRange(context.Background(), "stream:logs", "-", "+").Result()
	if err != nil || len(entries) != 3 || entries[2].ID != m.Cursor {
		t.Errorf("cursor %s, stream entries %v (%v)", m.Cursor, entries, err)
	}
	if m := metrics.nextEvent(); m.Event["id"] != "m-200" || m.Event["metric"].(map[string]any)["value"] != 7.0 {
		t.Errorf("metric message %s", m.raw)
	}
	if m := security.nextEvent(); m.Event["id"] != "s-crit" || m.Channel != "security-events" {
		t.Errorf("security message %s", m.raw)
	}

	metricsText := s.get("/metrics", "").Body
	for _, want := range []string{`lightwatch_realtime_connections{channel="logs"} 1`, `lightwatch_realtime_messages_delivered_total{channel="logs"}`} {
		if !bytes.Contains(metricsText, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRealtimeTenantsAndAuth(t *testing.T) {
	s := start(t, nil)
	acme := s.putKey("acme", apikey.ScopeRead, apikey.ScopeIngest)
	ingestOnly := s.putKey("acme", apikey.ScopeIngest)

	acmeWS := s.mustDialWS("/ws/logs", acme)
	defaultWS := s.mustDialWS("/ws/logs", adminKey)
	now := time.Now().UTC()
	s.ingest("/ingest/logs", acme, logLine("acme-1", "checkout", "info", "m", now, ""))
	s.ingest("/ingest/logs", adminKey, logLine("default-1", "checkout", "info", "m", now, ""))
	if m := acmeWS.nextEvent(); m.Event["id"] != "acme-1" || m.Event["tenant"] != "acme" {
		t.Errorf("acme got %s", m.raw)
	}
	if m := defaultWS.nextEvent(); m.Event["id"] != "default-1" {
		t.Errorf("default got %s, want only its own tenant's event", m.raw)
	}

	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/ws/logs", "", http.StatusUnauthorized},
		{"/ws/logs?access_token=lw_not_a_key", "", http.StatusUnauthorized},
		{"/ws/logs", ingestOnly, http.StatusForbidden},
		{"/ws/logs?level=loud", acme, http.StatusBadRequest},
		{"/ws/logs?since=yesterday", acme, http.StatusBadRequest},
		{"/ws/nope", acme, http.StatusNotFound},
	} {
		_, resp, err := s.dialWS(tc.path, tc.key)
		if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != tc.status {
			t.Errorf("%s: %v, want status %d before the upgrade", tc.path, err, tc.status)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var p problem.Problem
		if resp.Header.Get("Content-Type") != problem.ContentType || json.Unmarshal(b, &p) != nil || p.Status != tc.status || p.RequestID == "" {
			t.Errorf("%s: answer %s %s, want a problem with a request id", tc.path, resp.Header.Get("Content-Type"), b)
		}
	}
	// Browsers, which cannot set headers, send the key as access_token.
	c, _, err := s.dialWS("/ws/logs?access_token="+acme, "")
	if err != nil {
		t.Fatalf("access_token: %v", err)
	}
	if m := c.next(); m.Type != "subscribed" {
		t.Fatalf("got %s", m.raw)
	}
}

func TestRealtimeResumesAfterReconnect(t *testing.T) {
	s := start(t, nil)
	c := s.mustDialWS("/ws/logs", adminKey)
	now := time.Now().UTC()
	s.ingest("/ingest/logs", adminKey, logLine("r-1", "svc", "info", "m", now, ""))
	cursor := c.nextEvent().Cursor
	_ = c.conn.Close()
	s.ingest("/ingest/logs", adminKey, logLine("r-2", "svc", "info", "m", now, ""), logLine("r-3", "svc", "info", "m", now, ""))

	c = s.mustDialWS("/ws/logs?since="+cursor, adminKey)
	s.ingest("/ingest/logs", adminKey, logLine("r-4", "svc", "info", "m", now, ""))
	for _, want := range []string{"r-2", "r-3", "r-4"} {
		if m := c.nextEvent(); m.Event["id"] != want {
			t.Fatalf("got %s, want event %s", m.raw, want)
		}
	}
}

func TestRealtimeClientsGetGoingAwayOnShutdown(t *testing.T) {
	s := start(t, nil)
	c := s.mustDialWS("/ws/alerts", adminKey)
	s.stop()
	if _, err := c.tryNext(); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("after shutdown: %v, want close 1001", err)
	}
}

// A filter means the same on /api/* and /ws/*, and so do its bounds: the
// spec's maxItems counts values as sent, so 21 copies of service=a are
// refused on both, and 20 accepted on both.
func TestFilterBoundsAgreeOnAPIAndWebSocket(t *testing.T) {
	s := start(t, nil)
	for _, tc := range []struct {
		query  string
		status int
	}{
		{strings.Repeat("service=a&", 21), http.StatusBadRequest},
		{strings.Repeat("service=a&", 20), http.StatusOK},
		{strings.Repeat("attr.k=v&", 17), http.StatusBadRequest},
		{"level=loud", http.StatusBadRequest},
	} {
		if r := s.get("/api/logs?"+tc.query, adminKey); r.StatusCode != tc.status {
			t.Errorf("/api/logs?%s: %d, want %d", tc.query, r.StatusCode, tc.status)
		}
		c, resp, err := s.dialWS("/ws/logs?"+tc.query, adminKey)
		switch {
		case tc.status == http.StatusOK && err != nil:
			t.Errorf("/ws/logs?%s: %v, want a connection", tc.query, err)
		case tc.status != http.StatusOK && (resp == nil || resp.StatusCode != tc.status):
			t.Errorf("/ws/logs?%s: %v, want %d", tc.query, err, tc.status)
		}
		if c != nil {
			_ = c.conn.Close()
		}
	}
}
