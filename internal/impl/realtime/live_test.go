package realtime

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

func TestLiveEventsReachTheClientInStreamOrder(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	c := h.dial("/ws/logs", acmeKey)
	sub := c.expect(msgSubscribed)
	if sub.Channel != "logs" || string(sub.Filters) != "{}" {
		t.Fatalf("subscribed = %s, want channel logs and no filters", sub.raw)
	}
	want := logs("acme", "live", 5)
	want[2].Attributes = map[string]any{"http.status": float64(402), "region": "eu"}
	h.publish(want...)

	cursors := h.entryIDs(stream.Logs)
	for i, w := range want {
		m := c.expect(msgEvent)
		if m.Channel != "logs" || m.Cursor != cursors[i] {
			t.Errorf("message %d: channel %q cursor %q, want logs %q", i, m.Channel, m.Cursor, cursors[i])
		}
		got, _ := json.Marshal(m.Event)
		exp, _ := json.Marshal(w)
		if string(got) != string(exp) {
			t.Errorf("message %d: event\n got %s\nwant %s", i, got, exp)
		}
	}
	// The writer counts a message once its socket write returns, which may be
	// after the client has read it.
	waitFor(t, "the delivered counter to reach 6 (subscribed and 5 events)", func() bool {
		return h.counter(h.svc.m.delivered.WithLabelValues("logs")) >= 6
	})
	if n := h.counter(h.svc.m.connections.WithLabelValues("logs")); n != 1 {
		t.Errorf("connections gauge = %v, want 1", n)
	}
	_ = c.conn.Close()
	waitFor(t, "the connections gauge to drop to 0", func() bool {
		return h.counter(h.svc.m.connections.WithLabelValues("logs")) == 0
	})
}

func TestEachChannelReadsItsStream(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	logsC, secC, metC, alertC := h.dial("/ws/logs", acmeKey), h.dial("/ws/security-events", acmeKey),
		h.dial("/ws/metrics", acmeKey), h.dial("/ws/alerts", acmeKey)
	for _, c := range []*wsClient{logsC, secC, metC, alertC} {
		c.expect(msgSubscribed)
	}
	h.publish(logEvent("acme", "l1", "checkout", "info", "hi", nil), securityEvent("s1", "checkout", "auth", "high", "", "", "", ""),
		metricEvent("m1", "checkout", "cpu", nil),
		event.Event{ID: "h1", Tenant: "acme", Kind: event.KindHeartbeat, Service: "checkout", Heartbeat: &event.Heartbeat{Instance: "i", Status: event.StatusUp, IntervalSeconds: 30}})
	alertID := h.publishAlert("acme", alert("a1", "r1", "firing", "critical"))

	for c, want := range map[*wsClient]string{logsC: "l1", secC: "s1", metC: "m1"} {
		m := c.expect(msgEvent)
		if m.Event.ID != want {
			t.Errorf("got %s, want event %s", m.raw, want)
		}
	}
	m := alertC.expect(msgAlert)
	if m.Channel != "alerts" || m.Cursor != alertID || m.Alert["id"] != "a1" || m.Alert["rule_name"] != "rule r1" {
		t.Errorf("alert message = %s", m.raw)
	}
	// The same JSON as the query API's Alert: fields as published, none added.
	want, _ := json.Marshal(alert("a1", "r1", "firing", "critical"))
	got, _ := json.Marshal(m.Alert)
	if string(got) != string(want) {
		t.Errorf("alert\n got %s\nwant %s", got, want)
	}
}

func TestTenantsNeverSeeEachOthersEvents(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	acme, globex := h.dial("/ws/logs", acmeKey), h.dial("/ws/logs", globexKey)
	acme.expect(msgSubscribed)
	globex.expect(msgSubscribed)
	h.publish(logEvent("globex", "g1", "checkout", "info", "x", nil), logEvent("acme", "a1", "checkout", "info", "x", nil),
		logEvent("globex", "g2", "checkout", "info", "x", nil), logEvent("acme", "a2", "checkout", "info", "x", nil))
	if got := acme.eventsUntil("a2"); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Errorf("acme got %v", got)
	}
	if got := globex.eventsUntil("g2"); !slices.Equal(got, []string{"g1", "g2"}) {
		t.Errorf("globex got %v", got)
	}
	al := h.dial("/ws/alerts", acmeKey)
	al.expect(msgSubscribed)
	h.publishAlert("globex", alert("gb", "r1", "firing", "critical"))
	h.publishAlert("acme", alert("ab", "r1", "firing", "critical"))
	if m := al.expect(msgAlert); m.Alert["id"] != "ab" {
		t.Errorf("acme's alerts client got %s, want alert ab", m.raw)
	}
}

// filterCase publishes events and expects the ids a filtered connection gets.
type filterCase struct {
	query string
	want  []string
}

func TestFiltersMeanWhatTheQueryAPIMeans(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	logsIn := []event.Event{
		logEvent("acme", "l-checkout-info", "checkout", "info", "order placed", map[string]any{"http.status": float64(200), "region": "eu", "retry": false}),
		logEvent("acme", "l-checkout-error", "checkout", "error", "Payment TIMEOUT at gateway", map[string]any{"http.status": float64(502), "region": "eu"}),
		logEvent("acme", "l-auth-fatal", "auth", "fatal", "token store down", map[string]any{"http.status": "502", "retry": true}),
		logEvent("acme", "l-search-warn", "search", "warn", "slow query timeout", nil),
	}
	logsIn[3].Host = "web-2"
	secIn := []event.Event{
		securityEvent("s-low", "auth", "authentication", "low", "success", "alice", "10.0.0.1", "login ok"),
		securityEvent("s-med", "auth", "authentication", "medium", "failure", "bob", "10.0.0.2", "bad password"),
		securityEvent("s-high", "waf", "web_attack", "high", "failure", "", "198.51.100.4", "SQL injection blocked"),
		securityEvent("s-crit", "waf", "web_attack", "critical", "unknown", "", "198.51.100.4", "RCE attempt"),
	}
	metIn := []event.Event{
		metricEvent("m-cpu-checkout", "checkout", "cpu_usage", map[string]string{"host": "a"}),
		metricEvent("m-req-200", "checkout", "http_requests_total", map[string]string{"code": "200", "route": "/pay"}),
		metricEvent("m-req-500", "checkout", "http_requests_total", map[string]string{"code": "500", "route": "/pay"}),
		metricEvent("m-req-auth", "auth", "http_requests_total", map[string]string{"code": "200"}),
	}
	alertsIn := []map[string]any{
		alert("al-1", "r1", "firing", "critical"),
		alert("al-2", "r1", "resolved", "critical"),
		alert("al-3", "r2", "pending", "warning"),
		alert("al-4", "r2", "firing", "info"),
	}

	cases := map[string][]filterCase{
		"logs": {
			{"", []string{"l-checkout-info", "l-checkout-error", "l-auth-fatal", "l-search-warn"}},
			{"service=checkout", []string{"l-checkout-info", "l-checkout-error"}},
			{"service=checkout&service=search", []string{"l-checkout-info", "l-checkout-error", "l-search-warn"}},
			{"level=error&level=fatal", []string{"l-checkout-error", "l-auth-fatal"}},
			{"host=web-2", []string{"l-search-warn"}},
			{"q=TimeOut", []string{"l-checkout-error", "l-search-warn"}},
			// Numbers match numerically, strings as strings: "502" the string matches too.
			{"attr=http.status=502", []string{"l-checkout-error", "l-auth-fatal"}},
			{"attr=http.status=502.0", []string{"l-checkout-error"}},
			{"attr.region=eu&attr.http.status=200", []string{"l-checkout-info"}},
			{"attr=retry=true", []string{"l-auth-fatal"}},
			{"service=checkout&level=error&q=gateway", []string{"l-checkout-error"}},
		},
		"security-events": {
			{"category=web_attack", []string{"s-high", "s-crit"}},
			{"service=auth", []string{"s-low", "s-med"}},
			{"severity=low&severity=critical", []string{"s-low", "s-crit"}},
			{"min_severity=high", []string{"s-high", "s-crit"}},
			{"severity=low&severity=high&min_severity=medium", []string{"s-high"}},
			{"src_ip=198.51.100.4&outcome=unknown", []string{"s-crit"}},
			{"actor=bob", []string{"s-med"}},
			{"q=injection", []string{"s-high"}},
		},
		"metrics": {
			{"name=http_requests_total", []string{"m-req-200", "m-req-500", "m-req-auth"}},
			{"name=http_requests_total&service=checkout", []string{"m-req-200", "m-req-500"}},
			{"label=code=200", []string{"m-req-200", "m-req-auth"}},
			{"label.code=200&label.route=/pay", []string{"m-req-200"}},
		},
		"alerts": {
			{"state=firing", []string{"al-1", "al-4"}},
			{"rule_id=r2", []string{"al-3", "al-4"}},
			{"severity=critical", []string{"al-1", "al-2"}},
			{"severity=warning&state=pending", []string{"al-3"}},
			{"rule_id=r1&state=resolved", []string{"al-2"}},
		},
	}
	for channel, cs := range cases {
		for _, tc := range cs {
			t.Run(channel+"?"+tc.query, func(t *testing.T) {
				c := h.dial("/ws/"+channel+"?"+tc.query, acmeKey)
				c.expect(msgSubscribed)
				// Every case ends with a marker event that only its own
				// connection was subscribed to see last.
				var got []string
				switch channel {
				case "alerts":
					for _, a := range alertsIn {
						h.publishAlert("acme", a)
					}
					h.publishAlert("acme", markerAlert(tc.query))
					for {
						m := c.expect(msgAlert)
						if m.Alert["id"] == "marker" {
							break
						}
						got = append(got, m.Alert["id"].(string))
					}
				default:
					in := map[string][]event.Event{"logs": logsIn, "security-events": secIn, "metrics": metIn}[channel]
					h.publish(append(slices.Clone(in), marker(channel, tc.query))...)
					got = c.eventsUntil("marker")
					got = got[:len(got)-1]
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
	}
}

// marker returns an event of the channel that passes the filters in query.
func marker(channel, query string) event.Event {
	q, _ := url.ParseQuery(query)
	one := func(name, def string) string {
		if v := q.Get(name); v != "" {
			return v
		}
		return def
	}
	switch channel {
	case "logs":
		e := logEvent("acme", "marker", one("service", "checkout"), one("level", "info"), "marker "+q.Get("q"), map[string]any{})
		e.Host = one("host", "web-1")
		for _, kv := range append(q["attr"], prefixed(q, "attr.")...) {
			k, v, _ := strings.Cut(kv, "=")
			e.Attributes[k] = v
		}
		return e
	case "security-events":
		sev := one("severity", one("min_severity", "high"))
		if sev == "low" && q.Get("min_severity") != "" {
			sev = "high"
		}
		return securityEvent("marker", one("service", "waf"), one("category", "x"), sev, one("outcome", ""), one("actor", ""), one("src_ip", ""), "marker "+q.Get("q"))
	default:
		labels := map[string]string{}
		for _, kv := range append(q["label"], prefixed(q, "label.")...) {
			k, v, _ := strings.Cut(kv, "=")
			labels[k] = v
		}
		return metricEvent("marker", one("service", "checkout"), one("name", "x"), labels)
	}
}

func markerAlert(query string) map[string]any {
	q, _ := url.ParseQuery(query)
	a := alert("marker", "r1", "firing", "critical")
	for _, name := range []string{"rule_id", "state", "severity"} {
		if v := q.Get(name); v != "" {
			a[name] = v
		}
	}
	return a
}

func prefixed(q url.Values, prefix string) []string {
	var out []string
	for k, vs := range q {
		if key, ok := strings.CutPrefix(k, prefix); ok {
			for _, v := range vs {
				out = append(out, key+"="+v)
			}
		}
	}
	return out
}

func securityEvent(id, service, category, severity, outcome, actor, srcIP, msg string) event.Event {
	return event.Event{ID: id, Tenant: "acme", Kind: event.KindSecurity, TS: baseTime, ReceivedAt: baseTime, Service: service,
		Security: &event.Security{Category: category, Severity: event.Severity(severity), Outcome: outcome, Actor: actor, SrcIP: srcIP, Message: msg}}
}

func metricEvent(id, service, name string, labels map[string]string) event.Event {
	return event.Event{ID: id, Tenant: "acme", Kind: event.KindMetric, TS: baseTime, ReceivedAt: baseTime, Service: service,
		Metric: &event.Metric{Name: name, Value: 1, Type: event.MetricGauge, Labels: labels}}
}

// alert is the query API's Alert JSON.
func alert(id, ruleID, state, severity string) map[string]any {
	return map[string]any{
		"id": id, "rule_id": ruleID, "rule_name": "rule " + ruleID, "labels": map[string]any{"team": "payments"},
		"severity": severity, "state": state, "started_at": "2026-11-27T12:00:00Z", "fired_at": "2026-11-27T12:01:00Z",
		"value": 12.5, "summary": fmt.Sprintf("%s is %s", ruleID, state),
	}
}

func TestSubscribeReplacesTheFilters(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	c := h.dial("/ws/logs?service=a", acmeKey)
	if m := c.expect(msgSubscribed); string(m.Filters) != `{"service":["a"]}` {
		t.Fatalf("subscribed filters = %s", m.Filters)
	}
	h.publish(logEvent("acme", "b1", "b", "info", "x", nil), logEvent("acme", "a1", "a", "info", "x", nil))
	if got := c.eventsUntil("a1"); !slices.Equal(got, []string{"a1"}) {
		t.Fatalf("got %v", got)
	}

	c.send(map[string]any{"type": "subscribe", "filters": map[string]any{"service": "b", "level": []string{"error", "warn"}, "attr.http.status": 402}})
	m := c.expect(msgSubscribed)
	if string(m.Filters) != `{"attr":["http.status=402"],"level":["error","warn"],"service":["b"]}` {
		t.Fatalf("subscribed filters = %s", m.Filters)
	}
	status := map[string]any{"http.status": float64(402)}
	h.publish(logEvent("acme", "a2", "a", "error", "x", status), logEvent("acme", "b2", "b", "info", "x", status),
		logEvent("acme", "b3", "b", "warn", "x", status))
	if got := c.eventsUntil("b3"); !slices.Equal(got, []string{"b3"}) {
		t.Fatalf("after subscribe got %v, want [b3]", got)
	}

	// Refused messages change nothing and keep the connection open.
	for _, bad := range []struct {
		send any
		want string
	}{
		{"not json", "malformed message"},
		{map[string]any{"type": "unsubscribe"}, `unknown message type "unsubscribe"`},
		{map[string]any{"type": "subscribe", "filters": map[string]any{"level": "loud"}}, "filters.level: want one of trace, debug, info, warn, error, fatal"},
		{map[string]any{"type": "subscribe", "filters": map[string]any{"severity": "high"}}, "filters.severity: unknown filter for channel logs"},
		{map[string]any{"type": "subscribe", "filters": map[string]any{"host": []string{"a", "b"}}}, "filters.host: give it at most once"},
		{map[string]any{"type": "subscribe", "filters": map[string]any{"service": map[string]any{}}}, "filters.service: want a string or an array of strings"},
	} {
		if s, ok := bad.send.(string); ok {
			_ = c.conn.WriteMessage(1, []byte(s))
		} else {
			c.send(bad.send)
		}
		m := c.expect(msgError)
		if !strings.Contains(m.Message, bad.want) {
			t.Errorf("error message %q, want it to contain %q", m.Message, bad.want)
		}
	}
	h.publish(logEvent("acme", "a4", "a", "error", "x", status), logEvent("acme", "b4", "b", "error", "x", status))
	if got := c.eventsUntil("b4"); !slices.Equal(got, []string{"b4"}) {
		t.Fatalf("after refused messages got %v, want [b4]", got)
	}

	// An empty subscribe clears the filters.
	c.send(map[string]any{"type": "subscribe"})
	if m := c.expect(msgSubscribed); string(m.Filters) != "{}" {
		t.Fatalf("subscribed filters = %s", m.Filters)
	}
	h.publish(logEvent("acme", "a5", "a", "info", "x", nil))
	c.eventsUntil("a5")
}
