package realtime

import (
	"context"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/asyncapitest"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// What the server really sends on each channel (every message type, filters
// of every kind echoed) matches the AsyncAPI document.
func TestMessagesMatchTheAsyncAPIDocument(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	published := logEvent("acme", "l1", "checkout", "error", "payment declined", map[string]any{"http.status": float64(402), "order": "A-1", "retry": false})
	published.Host = "web-1"
	published.Log.TraceID = "4bf92f3577b34da6"
	frames := map[string][][]byte{}

	// logs: filters of every kind, an event, a refused and an accepted subscribe.
	logs := h.dial("/ws/logs?service=checkout&service=cart&level=error&host=web-1&q=declined&attr.http.status=402&attr=order=A-1", acmeKey)
	logs.expect(msgSubscribed)
	h.publish(published)
	logs.expect(msgEvent)
	logs.send(map[string]any{"type": "subscribe", "filters": map[string]any{"level": "loud"}})
	logs.expect(msgError)
	logs.send(map[string]any{"type": "subscribe", "filters": map[string]any{"attr.region": "eu"}})
	logs.expect(msgSubscribed)
	frames["logs"] = logs.frames

	sec := h.dial("/ws/security-events?service=waf&category=web_attack&severity=high&severity=critical&min_severity=medium&src_ip=198.51.100.4&actor=bot&outcome=failure&q=sql", acmeKey)
	sec.expect(msgSubscribed)
	h.publish(securityEvent("s1", "waf", "web_attack", "critical", "failure", "bot", "198.51.100.4", "SQL injection"))
	sec.expect(msgEvent)
	frames["security-events"] = sec.frames

	met := h.dial("/ws/metrics?name=http_requests_total&service=checkout&label.code=200&label=route=/pay", acmeKey)
	met.expect(msgSubscribed)
	h.publish(metricEvent("m1", "checkout", "http_requests_total", map[string]string{"code": "200", "route": "/pay"}))
	met.expect(msgEvent)
	frames["metrics"] = met.frames

	al := h.dial("/ws/alerts?state=firing&rule_id=r1&severity=critical", acmeKey)
	al.expect(msgSubscribed)
	h.publishAlert("acme", alert("a1", "r1", "firing", "critical"))
	resolved := alert("a2", "r1", "resolved", "critical")
	resolved["resolved_at"] = "2026-11-27T12:10:00Z"
	h.publishAlert("acme", resolved) // filtered out: state resolved
	h.publishAlert("acme", alert("a3", "r1", "firing", "critical"))
	if m := al.expect(msgAlert); m.Alert["id"] != "a1" {
		t.Fatalf("got %s", m.raw)
	}
	if m := al.expect(msgAlert); m.Alert["id"] != "a3" {
		t.Fatalf("got %s", m.raw)
	}
	al.send(map[string]any{"type": "subscribe", "filters": map[string]any{}})
	al.expect(msgSubscribed)
	h.publishAlert("acme", resolved)
	al.expect(msgAlert)
	frames["alerts"] = al.frames

	// A resume from trimmed history: reset, then events.
	cursors := h.entryIDs(stream.Logs)
	h.publish(logEvent("acme", "l2", "checkout", "info", "x", nil), logEvent("acme", "l3", "checkout", "info", "x", nil))
	if err := h.rdb.XTrimMaxLen(context.Background(), stream.Logs, 1).Err(); err != nil {
		t.Fatal(err)
	}
	resumed := h.dial("/ws/logs?since="+cursors[0], acmeKey)
	resumed.expect(msgSubscribed)
	resumed.expect(msgReset)
	resumed.expect(msgEvent)
	frames["logs"] = append(frames["logs"], resumed.frames...)
	// lagged is hard to provoke in every channel; it is built by one function.
	frames["metrics"] = append(frames["metrics"], laggedMessage(42))

	for channel, fs := range frames {
		t.Run(channel, func(t *testing.T) {
			t.Parallel()
			asyncapitest.Messages(t, "", PathPrefix+channel, fs)
		})
	}
}
