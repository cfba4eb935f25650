package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/asyncapitest"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

// The alerting tests run the whole system: rules created over the query API,
// events sent over the ingest API, alerts observed on /ws/alerts (checked
// against the AsyncAPI document), in the query API and at a webhook receiver.
// Time is the engine's injected clock, which a test moves forward instead of
// waiting for windows to pass; the engine ticks every 20 ms.

const hookSecret = "change-me-please"

// clock is the alerting engine's clock: an hour behind the real time to
// begin with, plus what the test advances it by. Events are sent with
// timestamps from it (stamped), so that they fall into rule windows and leave
// them when the test says; being behind, it never dates an alert in the
// future, which the query API's listings leave out.
type clock struct{ offset atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.offset.Store(int64(-time.Hour))
	return c
}

func (c *clock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// stamped gives each JSON event object the timestamp ts.
func stamped(ts time.Time, events ...string) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = strings.TrimSuffix(e, "}") + fmt.Sprintf(`,"ts":%q}`, ts.UTC().Format(time.RFC3339Nano))
	}
	return out
}

// nextWindow advances the clock to just after the start of its next window
// of length w (windows aligned to the Unix epoch, as anomaly rules align
// them) and returns that start.
func (c *clock) nextWindow(w time.Duration) time.Time {
	now := c.Now()
	start := now.Truncate(w).Add(w)
	c.advance(start.Sub(now) + 100*time.Millisecond)
	return start
}

// fastAlerting is the configuration edit and App options of the alerting
// tests: a 20 ms tick, clk as the engine's clock, a quick rule refresh and
// webhook backoffs of milliseconds.
func fastAlerting(clk *clock, edits ...func(*alerting.Options)) (func(*config.Config), []app.Option) {
	return func(c *config.Config) {
			c.AlertInterval = 20 * time.Millisecond
			c.WebhookAllow = []string{"127.0.0.1"} // the receivers are httptest servers
		},
		[]app.Option{app.WithAlerting(func(o *alerting.Options) {
			o.Now = clk.Now
			o.RuleRefresh = 50 * time.Millisecond
			o.Notify.RetryBase, o.Notify.RetryMax = 10*time.Millisecond, 50*time.Millisecond
			for _, edit := range edits {
				edit(o)
			}
		})}
}

// startAlerting is start with fastAlerting, then edit (may be nil) and opts.
func startAlerting(t testing.TB, clk *clock, edit func(*config.Config), opts ...app.Option) *server {
	base, fast := fastAlerting(clk)
	return start(t, func(c *config.Config) {
		base(c)
		if edit != nil {
			edit(c)
		}
	}, append(fast, opts...)...)
}

// createRule creates an alert rule and returns its id.
func (s *server) createRule(def map[string]any) string {
	s.t.Helper()
	r := s.send(http.MethodPost, "/api/alert-rules", adminKey, def)
	if r.StatusCode != http.StatusCreated {
		s.t.Fatalf("create rule: %d %s", r.StatusCode, r.Body)
	}
	return r.json(s.t)["id"].(string)
}

// metric reads one sample of the server's /metrics, "" when absent. name
// includes the labels as exposed: `x_total{outcome="retried"}`.
func (s *server) metric(name string) string {
	s.t.Helper()
	r := s.get("/metrics", "")
	for line := range strings.SplitSeq(string(r.Body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// metricValue is metric as a number, 0 when absent.
func (s *server) metricValue(name string) float64 {
	v, _ := strconv.ParseFloat(s.metric(name), 64)
	return v
}

// waitHeld waits until the server's engine holds n rules' leases.
func (s *server) waitHeld(n int) {
	s.t.Helper()
	waitFor(s.t, fmt.Sprintf("%d rules held", n), func() bool { return s.metricValue("lightwatch_alerting_rules_held") == float64(n) })
}

// alerts lists a rule's alerts in the query API.
func (s *server) alerts(ruleID, state string) []map[string]any {
	s.t.Helper()
	q := "/api/alerts?rule_id=" + ruleID
	if state != "" {
		q += "&state=" + state
	}
	var out []map[string]any
	for _, it := range s.get(q, adminKey).json(s.t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

// alertsWatch is a /ws/alerts client; every connection's frames are kept for
// one check against the AsyncAPI document at the end of the test.
type alertsWatch struct {
	*wsConn
	frames *[][]byte
}

// watchAlerts subscribes to /ws/alerts with query; frames collects what it reads.
func (s *server) watchAlerts(query string, frames *[][]byte) *alertsWatch {
	s.t.Helper()
	c := s.mustDialWS("/ws/alerts?"+query, adminKey)
	s.t.Cleanup(func() { *frames = append(*frames, c.frames...) })
	return &alertsWatch{c, frames}
}

// next reads the next alert message and fails unless it is in state.
func (w *alertsWatch) next(state string) map[string]any {
	w.t.Helper()
	m := w.wsConn.next()
	if m.Type != "alert" || m.Channel != "alerts" || m.Cursor == "" {
		w.t.Fatalf("got %s, want an alert message", m.raw)
	}
	if m.Alert["state"] != state {
		w.t.Fatalf("got %s, want an alert %s", m.raw, state)
	}
	return m.Alert
}

// checkAlertMessages checks every frame read on /ws/alerts against the
// AsyncAPI document, in one run of the validator.
func checkAlertMessages(t *testing.T, frames [][]byte) {
	t.Helper()
	if !t.Failed() {
		asyncapitest.Messages(t, "", "/ws/alerts", frames)
	}
}

// delivery is one webhook request the receiver got.
type delivery struct {
	Status string         `json:"status"`
	Alert  map[string]any `json:"alert"`
	Rule   map[string]any `json:"rule"`
	signed bool           // the signature is the HMAC of timestamp and body with the secret
	body   string
}

// hookReceiver is a webhook target. It answers 503 to its first failFirst
// requests, then 204, and records every request.
type hookReceiver struct {
	*httptest.Server
	failFirst int

	mu  sync.Mutex
	got []delivery
}

func newHookReceiver(t testing.TB, failFirst int) *hookReceiver {
	h := &hookReceiver{failFirst: failFirst}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var d delivery
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("webhook body is not JSON: %v: %s", err, body)
		}
		d.signed = r.Header.Get("Content-Type") == "application/json" &&
			webhook.Verify(hookSecret, r.Header.Get(webhook.TimestampHeader), r.Header.Get(webhook.SignatureHeader), body)
		d.body = string(body)
		h.mu.Lock()
		h.got = append(h.got, d)
		fail := len(h.got) <= h.failFirst
		h.mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

// target is the rule's notify list for this receiver.
func (h *hookReceiver) target() []map[string]any {
	return []map[string]any{{"type": "webhook", "url": h.URL + "/hooks/lightwatch", "secret": hookSecret}}
}

func (h *hookReceiver) requests() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

// waitRequests waits for n requests and returns them, failing on any that is
// badly signed.
func (h *hookReceiver) waitRequests(t testing.TB, n int) []delivery {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d webhook requests", n), func() bool { return len(h.requests()) >= n })
	got := h.requests()
	for i, d := range got {
		if !d.signed {
			t.Errorf("webhook request %d is not validly signed: %s", i, d.body)
		}
	}
	return got
}

// sameJSON fails unless a and b are the same JSON value.
func sameJSON(t testing.TB, what string, a, b any) {
	t.Helper()
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if !bytes.Equal(x, y) {
		t.Errorf("%s:\n%s\n%s", what, x, y)
	}
}

// kindCase drives one rule kind: fire makes its condition hold through the
// ingest API, resolve makes it stop holding.
type kindCase struct {
	kind    string
	rule    map[string]any // the kind's own fields
	fire    func(s *server, clk *clock)
	resolve func(s *server, clk *clock)
	check   func(t *testing.T, alert map[string]any) // the firing alert's value and labels
}

func kindCases() []kindCase {
	window := 10 * time.Second
	return []kindCase{{
		kind: "log_count",
		rule: map[string]any{"filter": map[string]any{"service": "checkout", "level": []string{"error"}, "q": "payment"}, "window": "10s", "op": "gt", "threshold": 2},
		fire: func(s *server, clk *clock) {
			s.ingest("/ingest/logs", adminKey, stamped(clk.Now(),
				`{"service":"checkout","level":"error","message":"payment declined"}`,
				`{"service":"checkout","level":"ERROR","message":"Payment timeout"}`,
				`{"service":"checkout","level":"info","message":"payment ok"}`,
				`{"service":"cart","level":"error","message":"payment declined"}`,
				`{"service":"checkout","level":"error","message":"disk full"}`,
				`{"service":"checkout","level":"error","message":"payment declined again"}`)...)
		},
		resolve: func(s *server, clk *clock) { clk.advance(window + time.Second) },
		check: func(t *testing.T, a map[string]any) {
			if a["value"] != 3.0 {
				t.Errorf("value %v, want 3 matching logs", a["value"])
			}
		},
	}, {
		kind: "security",
		rule: map[string]any{"filter": map[string]any{"category": "web_attack", "min_severity": "high"}, "window": "10s"},
		fire: func(s *server, clk *clock) {
			s.ingest("/ingest/security-events", adminKey, stamped(clk.Now(),
				`{"source":"waf","category":"web_attack","severity":"low"}`,
				`{"source":"waf","category":"authentication","severity":"critical"}`,
				`{"source":"waf","category":"web_attack","severity":"high","src_ip":"198.51.100.4"}`)...)
		},
		resolve: func(s *server, clk *clock) { clk.advance(window + time.Second) },
		check: func(t *testing.T, a map[string]any) {
			if a["value"] != 1.0 {
				t.Errorf("value %v, want 1 matching security event", a["value"])
			}
		},
	}, {
		kind: "metric_threshold",
		rule: map[string]any{"filter": map[string]any{"name": "latency_ms", "service": "checkout"}, "aggregate": "avg", "op": "gt", "threshold": 500, "window": "10s"},
		fire: func(s *server, clk *clock) {
			s.ingest("/ingest/metrics", adminKey, stamped(clk.Now(),
				`{"name":"latency_ms","value":900,"service":"checkout","labels":{"route":"/pay"}}`,
				`{"name":"latency_ms","value":700,"service":"checkout","labels":{"route":"/pay"}}`,
				`{"name":"latency_ms","value":100,"service":"checkout","labels":{"route":"/cart"}}`,
				`{"name":"latency_ms","value":900,"service":"cart","labels":{"route":"/pay"}}`)...)
		},
		resolve: func(s *server, clk *clock) {
			clk.advance(window + time.Second)
			s.ingest("/ingest/metrics", adminKey, stamped(clk.Now(), `{"name":"latency_ms","value":200,"service":"checkout","labels":{"route":"/pay"}}`)...)
		},
		check: func(t *testing.T, a map[string]any) {
			l := a["labels"].(map[string]any)
			if a["value"] != 800.0 || l["route"] != "/pay" || l["service"] != "checkout" {
				t.Errorf("alert %v, want the /pay series of checkout at avg 800", a)
			}
		},
	}, {
		kind: "heartbeat",
		rule: map[string]any{"filter": map[string]any{"service": "billing"}, "grace": "1s"},
		fire: func(s *server, clk *clock) {
			s.ingest("/ingest/heartbeats", adminKey, heartbeat("billing", clk.Now()))
			clk.advance(3 * time.Second) // interval 1s + grace 1s, and more
		},
		resolve: func(s *server, clk *clock) { s.ingest("/ingest/heartbeats", adminKey, heartbeat("billing", clk.Now())) },
		check: func(t *testing.T, a map[string]any) {
			if a["labels"].(map[string]any)["service"] != "billing" || a["value"].(float64) < 2 {
				t.Errorf("alert %v, want billing silent for over 2s", a)
			}
		},
	}, {
		kind: "anomaly",
		rule: map[string]any{"filter": map[string]any{"name": "http_requests_total", "service": "checkout"}, "aggregate": "sum", "window": "10s", "warmup": "1m", "sensitivity": 3},
		fire: func(s *server, clk *clock) {
			spikeInWindow(s, clk, window, 100)
		},
		resolve: func(s *server, clk *clock) {
			s.ingest("/ingest/metrics", adminKey, requests(clk.Now().Truncate(window).Add(time.Second), 10))
			clk.advance(window)
		},
		check: func(t *testing.T, a map[string]any) {
			if a["value"] != 100.0 || a["labels"].(map[string]any)["service"] != "checkout" {
				t.Errorf("alert %v, want the spike of 100", a)
			}
		},
	}}
}

// spikeInWindow sends a minute and more of steady traffic (sums of about 10
// per window of w) and then value in the window under way, and closes that
// window: an anomaly rule on http_requests_total then judges the spike.
func spikeInWindow(s *server, clk *clock, w time.Duration, value float64) {
	s.t.Helper()
	start := clk.nextWindow(w)
	var lines []string
	for k, v := range []float64{10, 12, 11, 9, 10, 11, 12, 10} {
		lines = append(lines, requests(start.Add(-time.Duration(k+1)*w+time.Second), v))
	}
	s.ingest("/ingest/metrics", adminKey, lines...)
	s.ingest("/ingest/metrics", adminKey, requests(start.Add(time.Second), value))
	clk.advance(w)
}

func requests(ts time.Time, v float64) string {
	return stamped(ts, fmt.Sprintf(`{"name":"http_requests_total","value":%g,"type":"counter","service":"checkout"}`, v))[0]
}

func heartbeat(service string, ts time.Time) string {
	return stamped(ts, fmt.Sprintf(`{"service":%q,"instance":"%s-0","status":"up","interval_seconds":1}`, service, service))[0]
}

// Every rule kind, created over the API, fires on events sent over the ingest
// API and resolves when its condition stops holding; both transitions are on
// /ws/alerts, in the query API and at the rule's webhook, signed.
func TestAlertRuleKindsFireAndResolve(t *testing.T) {
	var frames [][]byte
	t.Cleanup(func() { checkAlertMessages(t, frames) })
	for _, c := range kindCases() {
		t.Run(c.kind, func(t *testing.T) {
			clk := newClock()
			edit, opts := fastAlerting(clk)
			eachStoreWith(t, edit, opts, func(t *testing.T, s *server) {
				testRuleKind(t, s, clk, c, &frames)
			})
		})
	}
}

func testRuleKind(t *testing.T, s *server, clk *clock, c kindCase, frames *[][]byte) {
	hook := newHookReceiver(t, 0)
	def := map[string]any{"name": c.kind + " rule", "kind": c.kind, "severity": "critical", "labels": map[string]string{"team": "payments"}, "notify": hook.target()}
	for k, v := range c.rule {
		def[k] = v
	}
	ruleID := s.createRule(def)
	ws := s.watchAlerts("rule_id="+ruleID, frames)
	s.waitHeld(1)

	sent := time.Now()
	c.fire(s, clk)
	fired := ws.next("firing")
	t.Logf("%s: events sent → alert firing on /ws/alerts: %v", c.kind, time.Since(sent))
	if fired["rule_id"] != ruleID || fired["rule_name"] != c.kind+" rule" || fired["severity"] != "critical" ||
		fired["labels"].(map[string]any)["team"] != "payments" || fired["fired_at"] == nil || fired["summary"] == "" {
		t.Errorf("firing alert %v", fired)
	}
	c.check(t, fired)
	if got := s.alerts(ruleID, "firing"); len(got) != 1 || got[0]["id"] != fired["id"] {
		t.Errorf("firing in the query API: %v, want the alert of /ws/alerts", got)
	}
	if d := hook.waitRequests(t, 1); d[0].Status != "firing" || d[0].Alert["id"] != fired["id"] || d[0].Rule["id"] != ruleID {
		t.Errorf("webhook %+v, want the firing alert", d[0])
	}

	c.resolve(s, clk)
	resolved := ws.next("resolved")
	if resolved["id"] != fired["id"] || resolved["resolved_at"] == nil {
		t.Errorf("resolved alert %v, want %v resolved", resolved, fired["id"])
	}
	sameJSON(t, "the resolved alert on /ws/alerts and in GET /api/alerts/{id}", resolved,
		s.get("/api/alerts/"+resolved["id"].(string), adminKey).json(t))
	if got := s.alerts(ruleID, ""); len(got) != 1 || got[0]["state"] != "resolved" {
		t.Errorf("the rule's alerts in the query API: %v, want the one resolved", got)
	}
	d := hook.waitRequests(t, 2)
	if len(d) != 2 || d[1].Status != "resolved" || d[1].Alert["id"] != fired["id"] || d[1].Alert["state"] != "resolved" {
		t.Errorf("webhook requests %+v, want firing then resolved", d)
	}
}

// logRule is a log_count rule on service's errors over 10 s, notifying hook.
func logRule(name, service string, hook *hookReceiver, extra map[string]any) map[string]any {
	def := map[string]any{"name": name, "kind": "log_count", "filter": map[string]any{"service": service, "level": []string{"error"}},
		"window": "10s", "threshold": 0, "notify": hook.target()}
	for k, v := range extra {
		def[k] = v
	}
	return def
}

// errorsAt sends one error log of service for each timestamp.
func (s *server) errorsAt(service string, ts ...time.Time) {
	s.t.Helper()
	var lines []string
	for _, at := range ts {
		lines = append(lines, stamped(at, fmt.Sprintf(`{"service":%q,"level":"error","message":"boom"}`, service))...)
	}
	s.ingest("/ingest/logs", adminKey, lines...)
}

// scene is a server with one log_count rule on checkout's errors (window
// 10s, threshold 0), the rule's webhook receiver and a /ws/alerts client of
// its alerts, whose messages are checked against the AsyncAPI document when
// the test ends.
type scene struct {
	s      *server
	clk    *clock
	hook   *hookReceiver
	ruleID string
	ws     *alertsWatch
}

// newScene starts a scene: edit changes the configuration (may be nil), the
// receiver fails its first failFirst requests, extra adds to the rule.
func newScene(t *testing.T, edit func(*config.Config), failFirst int, extra map[string]any) *scene {
	t.Helper()
	var frames [][]byte
	t.Cleanup(func() { checkAlertMessages(t, frames) })
	sc := &scene{clk: newClock(), hook: newHookReceiver(t, failFirst)}
	sc.s = startAlerting(t, sc.clk, edit)
	sc.ruleID = sc.s.createRule(logRule("checkout errors", "checkout", sc.hook, extra))
	sc.ws = sc.s.watchAlerts("rule_id="+sc.ruleID, &frames)
	sc.s.waitHeld(1)
	return sc
}

// A webhook receiver that fails gets the notification again, with backoff,
// until it accepts it; meanwhile the failure shows on the alert (in the query
// API and on /ws/alerts) and in /metrics, and it clears once delivered.
func TestAlertWebhookRetriedUntilDelivered(t *testing.T) {
	sc := newScene(t, nil, 2, nil)
	s, clk, hook, ws := sc.s, sc.clk, sc.hook, sc.ws

	s.errorsAt("checkout", clk.Now())
	fired := ws.next("firing")
	failing := ws.next("firing")
	if msg, _ := failing["notify_error"].(string); failing["id"] != fired["id"] || !strings.Contains(msg, "503") || !strings.Contains(msg, "retrying") {
		t.Errorf("alert during retries %v, want the 503 in notify_error", failing)
	}
	delivered := ws.next("firing")
	if _, ok := delivered["notify_error"]; ok || delivered["id"] != fired["id"] {
		t.Errorf("alert once delivered %v, want notify_error cleared", delivered)
	}
	sameJSON(t, "the alert on /ws/alerts and in the query API", delivered, s.get("/api/alerts/"+fired["id"].(string), adminKey).json(t))
	reqs := hook.waitRequests(t, 3)
	for i, r := range reqs {
		if r.body != reqs[0].body || r.Status != "firing" {
			t.Errorf("attempt %d: %s, want the same firing notification as the first", i+1, r.body)
		}
	}
	if r, d := s.metric(`lightwatch_webhook_deliveries_total{outcome="retried"}`), s.metric(`lightwatch_webhook_deliveries_total{outcome="delivered"}`); r != "2" || d != "1" {
		t.Errorf("/metrics: %s retried, %s delivered; want 2 and 1", r, d)
	}

	clk.advance(11 * time.Second)
	ws.next("resolved")
	if reqs := hook.waitRequests(t, 4); reqs[3].Status != "resolved" {
		t.Errorf("last webhook request %s, want the resolve", reqs[3].body)
	}
}

// A notification the receiver keeps refusing is given up after the retry
// budget (LIGHTWATCH_WEBHOOK_RETRY_BUDGET), which the alert and /metrics say.
func TestAlertWebhookGivenUpAfterBudget(t *testing.T) {
	sc := newScene(t, func(c *config.Config) { c.WebhookRetryBudget = 300 * time.Millisecond }, math.MaxInt, nil)
	s, clk, hook, ws := sc.s, sc.clk, sc.hook, sc.ws

	s.errorsAt("checkout", clk.Now())
	ws.next("firing")
	if msg, _ := ws.next("firing")["notify_error"].(string); !strings.Contains(msg, "retrying") {
		t.Errorf("notify_error %q, want the failure and that it is retried", msg)
	}
	gaveUp := ws.next("firing")
	if msg, _ := gaveUp["notify_error"].(string); !strings.Contains(msg, "503") || !strings.Contains(msg, "given up") {
		t.Errorf("notify_error %q, want the failure and that it was given up", msg)
	}
	if f := s.metric(`lightwatch_webhook_deliveries_total{outcome="failed"}`); f != "1" {
		t.Errorf("/metrics: %s failed deliveries, want 1", f)
	}
	for _, r := range hook.waitRequests(t, 2) {
		if r.Status != "firing" {
			t.Errorf("attempt %s, want the firing notification", r.body)
		}
	}
}

// A rule's `for` keeps a spike shorter than it from firing (pending, then
// resolved, and no notification), and fires a condition that holds for it.
func TestAlertForSuppressesShortSpike(t *testing.T) {
	sc := newScene(t, nil, 0, map[string]any{"for": "30s"})
	s, clk, hook, ws := sc.s, sc.clk, sc.hook, sc.ws

	s.errorsAt("checkout", clk.Now())
	spike := ws.next("pending")
	clk.advance(11 * time.Second) // the spike leaves the window before `for` has passed
	if a := ws.next("resolved"); a["id"] != spike["id"] || a["fired_at"] != nil {
		t.Errorf("spike ended as %v, want it resolved without firing", a)
	}

	// Errors every 8 s for 40 s: the condition holds through `for`.
	t0 := clk.Now()
	s.errorsAt("checkout", t0, t0.Add(8*time.Second), t0.Add(16*time.Second), t0.Add(24*time.Second), t0.Add(32*time.Second))
	held := ws.next("pending")
	clk.advance(35 * time.Second)
	fired := ws.next("firing")
	started, _ := time.Parse(time.RFC3339Nano, fired["started_at"].(string))
	firedAt, _ := time.Parse(time.RFC3339Nano, fired["fired_at"].(string))
	if fired["id"] != held["id"] || firedAt.Sub(started) < 30*time.Second {
		t.Errorf("fired %v, want %v firing at least 30s after it started", fired, held["id"])
	}
	if reqs := hook.waitRequests(t, 1); len(reqs) != 1 || reqs[0].Alert["id"] != held["id"] || reqs[0].Status != "firing" {
		t.Errorf("webhook requests %+v, want only the firing of the held condition", reqs)
	}
	if got := s.alerts(sc.ruleID, ""); len(got) != 2 {
		t.Errorf("the rule's alerts in the query API: %v, want the spike's and the firing one", got)
	}
}

// held is how many rules the server's engine holds.
func (s *server) held() float64 { return s.metricValue("lightwatch_alerting_rules_held") }

// Two API instances on one Redis and one MongoDB: each evaluates half of the
// rules, each event is handled once, and an alert is not doubled however
// the events arrive; when one stops, the other carries on with its alerts.
func TestAlertingTwoInstancesNoDuplicates(t *testing.T) {
	var frames [][]byte
	t.Cleanup(func() { checkAlertMessages(t, frames) })
	clk := newClock()
	redisURL, mongoURI := redistest.Start(t), ferrettest.Start(t)
	shared := func(c *config.Config) { c.RedisURL, c.MongoURI, c.MongoDatabase = redisURL, mongoURI, "lightwatch_e2e" }
	named := func(id string) app.Option {
		return app.WithAlerting(func(o *alerting.Options) { o.InstanceID = id })
	}
	a := startAlerting(t, clk, shared, named("api-a"))
	// b shares a's connection to the database: FerretDB, the MongoDB
	// stand-in, panics when a second client creates indexes that exist.
	b := startAlerting(t, clk, shared, named("api-b"), app.WithStore(a.store(), 4))
	hook := newHookReceiver(t, 0)
	const rules, rounds = 4, 3
	for i := range rules {
		a.createRule(logRule(fmt.Sprintf("r%d", i), fmt.Sprintf("svc-%d", i), hook, nil))
	}
	waitFor(t, "the rules shared between a and b", func() bool { return a.held() == rules/2 && b.held() == rules/2 })
	wsA, wsB := a.watchAlerts("state=firing", &frames), b.watchAlerts("state=firing", &frames)

	for round := range rounds {
		for i := range rules {
			via := []*server{a, b}[(i+round)%2]
			via.errorsAt(fmt.Sprintf("svc-%d", i), clk.Now())
		}
	}
	firing := map[any]any{} // rule id → alert id
	for range rules {
		m := wsA.next("firing")
		firing[m["rule_id"]] = m["id"]
	}
	for range rules {
		if m := wsB.next("firing"); firing[m["rule_id"]] != m["id"] {
			t.Errorf("instance b pushed %v, instance a %v", m, firing[m["rule_id"]])
		}
	}
	entries := func() float64 {
		return a.metricValue("lightwatch_alerting_stream_entries_total") + b.metricValue("lightwatch_alerting_stream_entries_total")
	}
	evaluations := func() float64 {
		k := `lightwatch_alert_evaluations_total{kind="log_count"}`
		return a.metricValue(k) + b.metricValue(k)
	}
	waitFor(t, "every event handled", func() bool { return entries() >= rules*rounds })
	after := evaluations()
	waitFor(t, "two more evaluations of every rule", func() bool { return evaluations() >= after+2*rules })
	if n := entries(); n != rules*rounds {
		t.Errorf("%v event stream entries handled, want each of %d once", n, rules*rounds)
	}
	if n, err := a.redis.XLen(t.Context(), "stream:alerts").Result(); err != nil || n != rules {
		t.Errorf("stream:alerts holds %d entries (%v), want one firing per rule", n, err)
	}
	if reqs := hook.waitRequests(t, rules); len(reqs) != rules {
		t.Errorf("%d webhook requests, want one per rule", len(reqs))
	}

	// a stops; b takes its rules over and resolves the same alerts.
	a.stop()
	b.waitHeld(rules)
	clk.advance(11 * time.Second)
	for ruleID, alertID := range firing {
		waitFor(t, "the alert resolved", func() bool {
			got := b.alerts(ruleID.(string), "")
			return len(got) == 1 && got[0]["id"] == alertID && got[0]["state"] == "resolved"
		})
	}
	resolves := map[any]bool{}
	for _, r := range hook.waitRequests(t, 2*rules)[rules:] {
		resolves[r.Alert["id"]] = r.Status == "resolved"
	}
	for _, alertID := range firing {
		if !resolves[alertID] {
			t.Errorf("no resolve notification of %v: %v", alertID, resolves)
		}
	}
}

// With LIGHTWATCH_ANOMALY=off anomaly rules are evaluated as holding for
// nothing: the spike that fires one when it is on leaves no alert.
func TestAlertAnomalyOff(t *testing.T) {
	clk := newClock()
	s := startAlerting(t, clk, func(c *config.Config) { c.Anomaly = false })
	var anomaly kindCase
	for _, c := range kindCases() {
		if c.kind == "anomaly" {
			anomaly = c
		}
	}
	def := map[string]any{"name": "odd traffic", "kind": "anomaly"}
	for k, v := range anomaly.rule {
		def[k] = v
	}
	ruleID := s.createRule(def)
	s.waitHeld(1)
	anomaly.fire(s, clk)
	evaluations := `lightwatch_alert_evaluations_total{kind="anomaly"}`
	after := s.metricValue(evaluations)
	waitFor(t, "two evaluations after the spike", func() bool { return s.metricValue(evaluations) >= after+2 })
	if got := s.alerts(ruleID, ""); len(got) != 0 {
		t.Errorf("alerts %v, want none with anomaly detection off", got)
	}
}
