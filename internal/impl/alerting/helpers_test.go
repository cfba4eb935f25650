package alerting

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

const tenant = "acme"

// env is one store and one real redis-server shared by the engines of a test.
type env struct {
	t     *testing.T
	store *sqlite.Store
	url   string
	rdb   *redis.Client
	log   streams.Streams // the event streams: Redis Streams on rdb, or in process for the embedded setup
	pub   *stream.Publisher
	clock *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, redistest.Start(t))
}

// newEnvOn is newEnv on the Redis at url; "" is the embedded setup of
// `make run`: in-process streams, and a miniredis for leases and nudges.
func newEnvOn(t *testing.T, url string) *env {
	t.Helper()
	e := &env{t: t, store: openStore(t), url: url, clock: newClock(time.Date(2026, 11, 27, 12, 0, 30, 0, time.UTC))}
	e.rdb = e.connect()
	if url == "" {
		e.log = streams.NewMemory()
	} else {
		e.log = streams.NewRedis(e.rdb)
	}
	e.pub = stream.New(e.log, 0)
	return e
}

// openStore opens an embedded store in a temporary directory until tb ends.
func openStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "lightwatch.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

func (e *env) connect() *redis.Client {
	e.t.Helper()
	c, stop, err := redisconn.Connect(context.Background(), e.url, slog.New(slog.DiscardHandler))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(stop)
	if e.url == "" { // later connections go to the same embedded server
		e.url = "redis://" + c.Options().Addr
	}
	return c
}

// testOptions are short intervals for tests, on the env's clock.
func (e *env) testOptions() Options {
	return Options{
		// Leases and claims leave room for a test machine under load, where
		// a tick may come late: an expired lease or a claimed entry changes
		// who does the work, which some tests count.
		Interval: 50 * time.Millisecond, RuleRefresh: 100 * time.Millisecond, LeaseTTL: 1500 * time.Millisecond,
		ClaimIdle: 10 * time.Second, Now: e.clock.Now,
		Notify: NotifyOptions{RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, Budget: 5 * time.Second,
			// The receivers are httptest servers on loopback.
			Allow: webhook.Policy{AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}},
	}
}

// waitGroup waits until the engines' consumer group exists: events published
// before are not delivered to it.
func (e *env) waitGroup() {
	e.t.Helper()
	waitFor(e.t, "the consumer group", func() bool {
		for _, s := range eventStreams {
			if _, err := e.log.Pending(context.Background(), s, Group, "probe"); err != nil {
				return false
			}
		}
		return true
	})
}

// instance is one running engine.
type instance struct {
	*Engine
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs an engine until the test ends (or stop).
func (e *env) start(opts Options, rdb ...*redis.Client) *instance {
	e.t.Helper()
	client := e.rdb
	if len(rdb) > 0 {
		client = rdb[0]
	}
	reg := prometheus.NewRegistry()
	log := e.log
	if len(rdb) > 0 {
		log = streams.NewRedis(client)
	}
	eng := New(Deps{Store: e.store, Redis: client, Streams: log, Registerer: reg,
		Logger: slog.New(slog.NewTextHandler(testWriter{e.t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}, opts)
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{Engine: eng, reg: reg, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(in.done)
		if err := eng.Run(ctx); err != nil {
			e.t.Errorf("Run: %v", err)
		}
	}()
	e.t.Cleanup(in.stop)
	return in
}

func (in *instance) stop() {
	in.cancel()
	<-in.done
}

func (in *instance) evaluations() float64 {
	var n float64
	for _, k := range []Kind{KindMetricThreshold, KindLogCount, KindSecurity, KindHeartbeat, KindAnomaly} {
		n += testutil.ToFloat64(in.metrics.evaluations.WithLabelValues(string(k)))
	}
	return n
}

func (in *instance) deliveries(outcome string) float64 {
	return testutil.ToFloat64(in.metrics.deliveries.WithLabelValues(outcome))
}

// settle waits until the instance has ticked n more times and, when it holds
// rules, evaluated n more times, so that what the store holds reflects the clock.
func (in *instance) settle(t *testing.T, n int64) {
	t.Helper()
	rounds, evals := in.rounds.Load()+n, in.evaluations()+float64(n)
	waitFor(t, "evaluations", func() bool {
		return in.rounds.Load() >= rounds && (len(in.heldKeys()) == 0 || in.evaluations() >= evals)
	})
}

// rule stores a rule as the API would (kind and name beside the definition).
func (e *env) rule(def map[string]any) store.Rule {
	e.t.Helper()
	if _, ok := def["name"]; !ok {
		def["name"] = e.t.Name()
	}
	b, err := json.Marshal(def)
	if err != nil {
		e.t.Fatal(err)
	}
	now := time.Now().UTC()
	r := store.Rule{ID: event.NewID(now), Tenant: tenant, Name: def["name"].(string), Kind: def["kind"].(string), Definition: b, CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateRule(context.Background(), r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// send stores events and publishes the new ones, as ingest does.
func (e *env) send(events ...event.Event) {
	e.t.Helper()
	for i := range events {
		if events[i].ID == "" {
			events[i].ID = event.NewID(time.Now())
		}
		events[i].Tenant = tenant
		if events[i].ReceivedAt.IsZero() {
			events[i].ReceivedAt = events[i].TS
		}
	}
	fresh, err := e.store.InsertEvents(context.Background(), events)
	if err != nil {
		e.t.Fatal(err)
	}
	var pub []event.Event
	for i, f := range fresh {
		if f {
			pub = append(pub, events[i])
		}
	}
	if err := e.pub.Publish(context.Background(), pub); err != nil {
		e.t.Fatal(err)
	}
}

func logEv(service string, level event.Level, msg string, ts time.Time) event.Event {
	return event.Event{Kind: event.KindLog, TS: ts, Service: service, Log: &event.Log{Level: level, Message: msg}}
}

func metricEv(name, service string, labels map[string]string, v float64, ts time.Time) event.Event {
	return event.Event{Kind: event.KindMetric, TS: ts, Service: service, Metric: &event.Metric{Name: name, Value: v, Type: event.MetricGauge, Labels: labels}}
}

func securityEv(service, category string, sev event.Severity, ts time.Time) event.Event {
	return event.Event{Kind: event.KindSecurity, TS: ts, Service: service, Security: &event.Security{Category: category, Severity: sev}}
}

func heartbeatEv(service string, status event.HeartbeatStatus, interval int, ts time.Time) event.Event {
	return event.Event{Kind: event.KindHeartbeat, TS: ts, Service: service, Heartbeat: &event.Heartbeat{Instance: service + "-0", Status: status, IntervalSeconds: interval}}
}

// alerts lists every alert of a rule, oldest first.
func (e *env) alerts(ruleID string) []store.Alert {
	e.t.Helper()
	var out []store.Alert
	q := store.AlertQuery{Window: store.Window{Tenant: tenant, Limit: 1000, Ascending: true}, RuleID: ruleID}
	for {
		p, err := e.store.ListAlerts(context.Background(), q)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, p.Alerts...)
		if p.Next == nil {
			return out
		}
		q.After = p.Next
	}
}

// waitAlert waits until the rule has an alert satisfying cond and returns it.
func (e *env) waitAlert(ruleID, what string, cond func(store.Alert) bool) store.Alert {
	e.t.Helper()
	var found store.Alert
	waitFor(e.t, what, func() bool {
		for _, a := range e.alerts(ruleID) {
			if cond(a) {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

func inState(state string) func(store.Alert) bool {
	return func(a store.Alert) bool { return a.State == state }
}

// streamed is an entry of stream:alerts.
type streamed struct {
	tenant, kind string
	alert        AlertMessage
}

// published returns stream:alerts' entries of a rule, oldest first.
func (e *env) published(ruleID string) []streamed {
	e.t.Helper()
	msgs, err := e.log.Range(context.Background(), stream.Alerts, streams.ID{}, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []streamed
	for _, m := range msgs {
		var a AlertMessage
		if err := json.Unmarshal(m.Event, &a); err != nil {
			e.t.Fatal(err)
		}
		if a.RuleID == ruleID {
			out = append(out, streamed{tenant: m.Tenant, kind: m.Kind, alert: a})
		}
	}
	return out
}

// wantStates waits until stream:alerts holds exactly these states of the
// rule's alerts (an alert is published just after it is stored).
func (e *env) wantStates(ruleID, want string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := states(e.published(ruleID))
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			e.t.Errorf("stream:alerts states of rule %s = %q, want %q", ruleID, got, want)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func states(entries []streamed) string {
	var s []string
	for _, e := range entries {
		s = append(s, e.alert.State)
	}
	return strings.Join(s, ",")
}

// clock is a hand-moved clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// receiver is a webhook endpoint that answers 500 to its first failFirst
// requests (or status, when set) and records every request.
type receiver struct {
	*httptest.Server
	secret    string
	failFirst int
	status    int

	mu       sync.Mutex
	requests []received
}

type received struct {
	payload  Payload
	alert    AlertMessage
	signed   bool // the signature verified with the secret
	answered int
	header   http.Header
}

func newReceiver(t *testing.T, secret string, failFirst int) *receiver {
	rc := &receiver{secret: secret, failFirst: failFirst}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var got received
		got.header = r.Header.Clone()
		got.signed = webhook.Verify(rc.secret, r.Header.Get(webhook.TimestampHeader), r.Header.Get(webhook.SignatureHeader), body)
		if err := json.Unmarshal(body, &got.payload); err != nil {
			t.Errorf("webhook body is not JSON: %v", err)
		}
		got.alert = got.payload.Alert
		rc.mu.Lock()
		got.answered = http.StatusOK
		switch {
		case rc.status != 0:
			got.answered = rc.status
		case len(rc.requests) < rc.failFirst:
			got.answered = http.StatusInternalServerError
		}
		rc.requests = append(rc.requests, got)
		rc.mu.Unlock()
		w.WriteHeader(got.answered)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.requests...)
}

// accepted returns the statuses of the deliveries answered 2xx.
func (rc *receiver) accepted() []string {
	var out []string
	for _, r := range rc.got() {
		if r.answered/100 == 2 {
			out = append(out, r.payload.Status)
		}
	}
	return out
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.Until(t, what, 10*time.Second, cond)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
