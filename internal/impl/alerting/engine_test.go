package alerting

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Every rule kind fires and resolves, each alert once on stream:alerts per
// transition, with the fields and labels of its kind.

func TestLogCountFiresAndResolves(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "log_count", "filter": map[string]any{"service": "checkout", "level": []string{"error", "fatal"}, "q": "declined"},
		"window": "1m", "op": "gt", "threshold": 2.0, "labels": map[string]string{"team": "payments"}, "severity": "critical"})
	in := e.start(e.testOptions())
	now := e.clock.Now()
	e.send(logEv("checkout", event.LevelError, "payment DECLINED", now.Add(-time.Second)),
		logEv("checkout", event.LevelError, "payment declined", now.Add(-2*time.Second)),
		logEv("checkout", event.LevelInfo, "payment declined", now.Add(-2*time.Second)), // wrong level
		logEv("billing", event.LevelError, "payment declined", now.Add(-2*time.Second)), // wrong service
		logEv("checkout", event.LevelError, "timeout", now.Add(-2*time.Second)))         // no match
	in.settle(t, 3)
	if a := e.alerts(r.ID); len(a) != 0 {
		t.Fatalf("2 matching logs, threshold gt 2: want no alert, got %+v", a)
	}
	e.send(logEv("checkout", event.LevelFatal, "declined", now.Add(-3*time.Second)))
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	if a.Value != 3 || a.Severity != "critical" || a.Labels["team"] != "payments" || a.RuleName != r.Name || !a.FiredAt.Equal(now) || !a.StartedAt.Equal(now) {
		t.Errorf("firing alert = %+v", a)
	}
	e.clock.Advance(time.Minute) // the logs leave the window
	res := e.waitAlert(r.ID, "resolved", inState(StateResolved))
	if res.ID != a.ID || !res.ResolvedAt.Equal(now.Add(time.Minute)) || !res.FiredAt.Equal(now) {
		t.Errorf("resolved alert = %+v, fired %+v", res, a)
	}
	e.wantStates(r.ID, "firing,resolved")
	for _, s := range e.published(r.ID) {
		if s.tenant != tenant || s.kind != KindAlert || s.alert.ID != a.ID {
			t.Errorf("stream entry = %+v", s)
		}
	}
	if n := len(e.alerts(r.ID)); n != 1 {
		t.Errorf("%d alerts stored, want 1", n)
	}
}

func TestSecurityFiresAndResolves(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "security", "filter": map[string]any{"category": "authentication", "min_severity": "high"}, "window": "5m"})
	in := e.start(e.testOptions())
	now := e.clock.Now()
	e.send(securityEv("auth", "authentication", event.SeverityMedium, now.Add(-time.Second)),
		securityEv("auth", "web_attack", event.SeverityCritical, now.Add(-time.Second)))
	in.settle(t, 3)
	if a := e.alerts(r.ID); len(a) != 0 {
		t.Fatalf("no event at least high of the category: want no alert, got %+v", a)
	}
	e.send(securityEv("auth", "authentication", event.SeverityCritical, now.Add(-time.Second)))
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	if a.Value != 1 || a.Severity != "warning" {
		t.Errorf("firing alert = %+v", a)
	}
	e.clock.Advance(5 * time.Minute)
	e.waitAlert(r.ID, "resolved", inState(StateResolved))
	e.wantStates(r.ID, "firing,resolved")
}

func TestMetricThresholdOneAlertPerSeries(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "metric_threshold", "filter": map[string]any{"name": "cpu", "labels": map[string]string{"env": "prod"}},
		"aggregate": "avg", "op": "gte", "threshold": 0.9, "window": "1m", "labels": map[string]string{"team": "infra"}})
	in := e.start(e.testOptions())
	now := e.clock.Now()
	hot := map[string]string{"env": "prod", "host": "a"}
	cool := map[string]string{"env": "prod", "host": "b"}
	e.send(metricEv("cpu", "api", hot, 1, now.Add(-20*time.Second)), metricEv("cpu", "api", hot, 0.9, now.Add(-10*time.Second)),
		metricEv("cpu", "api", cool, 0.2, now.Add(-10*time.Second)),
		metricEv("cpu", "api", map[string]string{"env": "dev", "host": "c"}, 1, now.Add(-10*time.Second)))
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	want := map[string]string{"team": "infra", "service": "api", "env": "prod", "host": "a"}
	if a.Value != 0.95 || len(a.Labels) != len(want) || a.Labels["host"] != "a" || a.Labels["service"] != "api" || a.Labels["team"] != "infra" {
		t.Errorf("firing alert = %+v, want labels %v and value 0.95", a, want)
	}
	if a.Fingerprint != Fingerprint(r.ID, want) {
		t.Errorf("fingerprint %s, want %s", a.Fingerprint, Fingerprint(r.ID, want))
	}
	in.settle(t, 3)
	if n := len(e.alerts(r.ID)); n != 1 {
		t.Errorf("%d alerts, want 1 (one series above the threshold)", n)
	}
	e.clock.Advance(time.Minute)
	e.waitAlert(r.ID, "resolved", inState(StateResolved))
}

func TestHeartbeatFiresAfterIntervalPlusGrace(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "heartbeat", "grace": "5s"})
	in := e.start(e.testOptions())
	now := e.clock.Now()
	e.send(heartbeatEv("billing", event.StatusUp, 10, now), heartbeatEv("search", event.StatusUp, 60, now))
	e.clock.Advance(15 * time.Second) // exactly interval + grace: not yet
	in.settle(t, 3)
	if a := e.alerts(r.ID); len(a) != 0 {
		t.Fatalf("at interval + grace: want no alert, got %+v", a)
	}
	e.clock.Advance(time.Second)
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	if a.Labels["service"] != "billing" || a.Value != 16 {
		t.Errorf("firing alert = %+v", a)
	}
	e.send(heartbeatEv("billing", event.StatusUp, 10, e.clock.Now()))
	e.waitAlert(r.ID, "resolved", inState(StateResolved))

	e.send(heartbeatEv("search", event.StatusDown, 60, e.clock.Now()))
	down := e.waitAlert(r.ID, "search down", func(a store.Alert) bool { return a.Labels["service"] == "search" && a.State == StateFiring })
	if len(e.alerts(r.ID)) != 2 {
		t.Errorf("alerts = %+v", e.alerts(r.ID))
	}
	_ = down
}

func TestHeartbeatFilterWatchesOneService(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "heartbeat", "filter": map[string]any{"service": "search"}, "grace": "1s"})
	in := e.start(e.testOptions())
	now := e.clock.Now()
	e.send(heartbeatEv("billing", event.StatusUp, 1, now), heartbeatEv("search", event.StatusUp, 30, now))
	e.clock.Advance(10 * time.Second)
	in.settle(t, 3)
	if a := e.alerts(r.ID); len(a) != 0 {
		t.Fatalf("billing is late but not watched: got %+v", a)
	}
}

// `for` hides a condition that holds for less than it: pending, then
// resolved without firing and without a notification.
func TestForSuppressesShortSpike(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 0)
	r := e.rule(map[string]any{"kind": "log_count", "window": "30s", "threshold": 0.0, "for": "1m",
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	in := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	p := e.waitAlert(r.ID, "pending", inState(StatePending))
	e.clock.Advance(20 * time.Second) // still held, not yet for
	in.settle(t, 3)
	e.clock.Advance(20 * time.Second) // the spike left the window before `for`
	res := e.waitAlert(r.ID, "resolved", inState(StateResolved))
	if res.ID != p.ID || !res.FiredAt.IsZero() {
		t.Errorf("resolved = %+v, want the pending alert never fired", res)
	}
	in.settle(t, 3)
	e.wantStates(r.ID, "pending,resolved")
	if n := len(hook.got()); n != 0 {
		t.Errorf("webhook got %d requests, want none", n)
	}
	if n := in.deliveries(outcomeDelivered) + in.deliveries(outcomeRetried) + in.deliveries(outcomeFailed); n != 0 {
		t.Errorf("%v deliveries, want none", n)
	}
}

// `for` makes a condition that holds long enough fire.
func TestForFiresAfterHolding(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "log_count", "window": "5m", "threshold": 0.0, "for": "1m"})
	in := e.start(e.testOptions())
	start := e.clock.Now()
	e.send(logEv("checkout", event.LevelError, "boom", start.Add(-time.Second)))
	e.waitAlert(r.ID, "pending", inState(StatePending))
	e.clock.Advance(59 * time.Second)
	in.settle(t, 3)
	if a := e.alerts(r.ID); len(a) != 1 || a[0].State != StatePending {
		t.Fatalf("before for: %+v", a)
	}
	e.clock.Advance(time.Second)
	a := e.waitAlert(r.ID, "firing", inState(StateFiring))
	if !a.StartedAt.Equal(start) || !a.FiredAt.Equal(start.Add(time.Minute)) {
		t.Errorf("alert = %+v", a)
	}
	e.wantStates(r.ID, "pending,firing")
}

// While a condition keeps holding, its alert stays the one alert: more
// events, nudges and ticks change nothing.
func TestNoDuplicatesWhileFiring(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "log_count", "window": "5m", "threshold": 0.0})
	in := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	e.waitAlert(r.ID, "firing", inState(StateFiring))
	for i := range 20 {
		e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
		if i%5 == 0 {
			e.clock.Advance(10 * time.Second)
		}
	}
	in.settle(t, 10)
	if a := e.alerts(r.ID); len(a) != 1 || a[0].State != StateFiring {
		t.Errorf("alerts = %+v, want one firing", a)
	}
	e.wantStates(r.ID, "firing")
}

// A disabled rule resolves its alerts; a deleted one too, and is let go.
func TestDisabledAndDeletedRulesResolve(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "log_count", "window": "5m", "threshold": 0.0})
	r2 := e.rule(map[string]any{"kind": "log_count", "window": "5m", "threshold": 0.0})
	in := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	e.waitAlert(r.ID, "firing", inState(StateFiring))
	e.waitAlert(r2.ID, "firing", inState(StateFiring))

	r.Definition = []byte(`{"kind":"log_count","window":"5m","threshold":0,"enabled":false}`)
	r.UpdatedAt = time.Now().UTC()
	if err := e.store.ReplaceRule(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	e.waitAlert(r.ID, "resolved after disable", inState(StateResolved))

	if err := e.store.DeleteRule(t.Context(), tenant, r2.ID); err != nil {
		t.Fatal(err)
	}
	e.waitAlert(r2.ID, "resolved after delete", inState(StateResolved))
	waitFor(t, "the deleted rule's lease let go", func() bool {
		n, err := e.rdb.Exists(t.Context(), leaseKey(RuleKey{tenant, r2.ID})).Result()
		return err == nil && n == 0 && !in.holds(RuleKey{tenant, r2.ID})
	})
}

// The embedded Redis of `make run` (miniredis) serves the engine too.
func TestEmbeddedRedis(t *testing.T) {
	e := newEnvOn(t, "")
	hook := newReceiver(t, "s3cret-key", 0)
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	opts := e.testOptions()
	opts.LeaseTTL = 3 * time.Second // miniredis ages TTLs in steps of a second
	a, b := e.start(opts), e.start(opts)
	e.waitGroup()
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	e.waitAlert(r.ID, "firing", inState(StateFiring))
	waitFor(t, "the firing notification", func() bool { return len(hook.accepted()) == 1 })
	e.clock.Advance(time.Minute)
	e.waitAlert(r.ID, "resolved", inState(StateResolved))
	waitFor(t, "the resolve notification", func() bool { return len(hook.accepted()) == 2 })
	e.wantStates(r.ID, "firing,resolved")
	if len(e.alerts(r.ID)) != 1 {
		t.Errorf("alerts %+v, want one", e.alerts(r.ID))
	}
	if n := testutil.ToFloat64(a.metrics.entries) + testutil.ToFloat64(b.metrics.entries); n != 1 {
		t.Errorf("%v stream entries handled, want 1", n)
	}
}
