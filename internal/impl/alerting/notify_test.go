package alerting

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// A webhook gets the firing and the resolve, signed; failed attempts are
// retried, recorded on the alert while they last and cleared by the success.
func TestWebhookFiringAndResolveWithRetries(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 2) // the first two answers are 500
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL + "/hook?token=abc", "secret": "s3cret-key"}}})
	in := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	fired := e.waitAlert(r.ID, "firing", inState(StateFiring))
	waitFor(t, "the firing delivered", func() bool { return len(hook.accepted()) == 1 })
	waitFor(t, "the failure cleared", func() bool {
		a := e.waitAlert(r.ID, "firing", inState(StateFiring))
		return a.NotifyError == ""
	})
	e.clock.Advance(time.Minute)
	e.waitAlert(r.ID, "resolved", inState(StateResolved))
	waitFor(t, "the resolve delivered", func() bool { return len(hook.accepted()) == 2 })

	got := hook.got()
	if len(got) != 4 {
		t.Fatalf("%d requests, want 4 (500, 500, firing 200, resolved 200)", len(got))
	}
	for i, g := range got {
		if !g.signed || g.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: signed=%v content type %q", i, g.signed, g.header.Get("Content-Type"))
		}
		sec, err := strconv.ParseInt(g.header.Get(webhook.TimestampHeader), 10, 64)
		if err != nil || time.Since(time.Unix(sec, 0)) > time.Minute {
			t.Errorf("request %d: timestamp %q", i, g.header.Get(webhook.TimestampHeader))
		}
		if g.payload.Rule.ID != r.ID || g.payload.Rule.Name != r.Name || g.alert.ID != fired.ID {
			t.Errorf("request %d: payload %+v alert %+v", i, g.payload, g.alert)
		}
	}
	if got[0].payload.Status != "firing" || got[3].payload.Status != "resolved" || got[3].alert.State != "resolved" || got[3].alert.ResolvedAt == nil {
		t.Errorf("statuses: %q then %q (%+v)", got[0].payload.Status, got[3].payload.Status, got[3].alert)
	}
	waitFor(t, "the deliveries counted", func() bool { return in.deliveries(outcomeDelivered) == 2 })
	if in.deliveries(outcomeRetried) != 2 || in.deliveries(outcomeFailed) != 0 {
		t.Errorf("deliveries: retried %v delivered %v failed %v", in.deliveries(outcomeRetried), in.deliveries(outcomeDelivered), in.deliveries(outcomeFailed))
	}
	// The stream told the failure while it lasted, without the URL's token.
	var sawError bool
	for _, s := range e.published(r.ID) {
		if s.alert.NotifyError != nil {
			sawError = true
			if msg := *s.alert.NotifyError; !strings.Contains(msg, "HTTP 500") || strings.Contains(msg, "token") || !strings.HasPrefix(msg, "notify[0]: webhook http://") {
				t.Errorf("notify_error = %q", msg)
			}
		}
	}
	if !sawError {
		t.Errorf("no stream:alerts entry carried notify_error: %s", states(e.published(r.ID)))
	}
}

// A 4xx other than 408 and 429 is not retried, and stays on the alert.
func TestWebhookClientErrorNotRetried(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 0)
	hook.status = 400
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	in := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	a := e.waitAlert(r.ID, "failure recorded", func(a store.Alert) bool { return a.NotifyError != "" })
	if !strings.Contains(a.NotifyError, "HTTP 400") || !strings.Contains(a.NotifyError, "after 1 attempts") {
		t.Errorf("notify_error = %q", a.NotifyError)
	}
	waitFor(t, "the failure counted", func() bool { return in.deliveries(outcomeFailed) == 1 })
	if n := len(hook.got()); n != 1 || in.deliveries(outcomeRetried) != 0 {
		t.Errorf("%d requests, failed %v retried %v; want 1, 1, 0", n, in.deliveries(outcomeFailed), in.deliveries(outcomeRetried))
	}
}

// Deliveries give up when the retry budget is spent.
func TestWebhookBudget(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 1000)
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	opts := e.testOptions()
	opts.Notify.Budget = 300 * time.Millisecond
	in := e.start(opts)
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	a := e.waitAlert(r.ID, "given up", func(a store.Alert) bool { return strings.Contains(a.NotifyError, "given up") })
	if in.deliveries(outcomeFailed) != 1 || in.deliveries(outcomeRetried) < 2 || !strings.Contains(a.NotifyError, "HTTP 500") {
		t.Errorf("failed %v retried %v notify_error %q", in.deliveries(outcomeFailed), in.deliveries(outcomeRetried), a.NotifyError)
	}
}

// A notification still being retried when its instance stops is handed over:
// another instance delivers it, signed with the rule's secret, and clears the
// failure it left on the alert.
func TestUndeliveredNotificationHandedOver(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 0)
	hook.status = http.StatusServiceUnavailable
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	a := e.start(e.testOptions())
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	fired := e.waitAlert(r.ID, "firing", inState(StateFiring))
	waitFor(t, "a retrying", func() bool { return a.deliveries(outcomeRetried) >= 1 })
	a.stop()
	if n := a.deliveries(outcomeHandedOver); n != 1 {
		t.Errorf("a handed %v deliveries over, want 1", n)
	}

	hook.mu.Lock()
	hook.status = 0
	hook.mu.Unlock()
	b := e.start(e.testOptions())
	waitFor(t, "b delivers the firing", func() bool { return len(hook.accepted()) == 1 })
	got := hook.got()
	if last := got[len(got)-1]; !last.signed || last.payload.Status != StateFiring || last.alert.ID != fired.ID {
		t.Errorf("delivered %+v, want the firing of %s, signed", last, fired.ID)
	}
	waitFor(t, "the failure cleared", func() bool {
		return e.waitAlert(r.ID, "firing", inState(StateFiring)).NotifyError == ""
	})
	if n := b.deliveries(outcomeDelivered); n != 1 {
		t.Errorf("b delivered %v, want 1", n)
	}
}

// An instance that takes over a notification of a rule it has not loaded yet
// (created since its last refresh, with no event to tell it) loads the rules
// rather than drop the notification.
func TestHandedOverNotificationOfANewRule(t *testing.T) {
	e := newEnv(t)
	hook := newReceiver(t, "s3cret-key", 0)
	late := e.testOptions()
	late.RuleRefresh = time.Hour // loads the rules at start only, before the rule exists
	b := e.start(late)
	waitFor(t, "b has loaded the rules and ticked", func() bool { return b.rounds.Load() >= 1 })
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0,
		"notify": []map[string]any{{"type": "webhook", "url": hook.URL, "secret": "s3cret-key"}}})
	// What a stopping instance pushes (handOver).
	h, err := json.Marshal(handoff{Rule: RuleKey{r.Tenant, r.ID}, AlertID: "alert-1", Status: StateResolved, Target: 0,
		Body: []byte(`{"status":"resolved"}`), Deadline: time.Now().Add(time.Minute).UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.rdb.RPush(t.Context(), notificationsKey, h).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b delivers the handed-over notification", func() bool { return len(hook.accepted()) == 1 })
	if n := b.deliveries(outcomeCancelled); n != 0 {
		t.Errorf("b cancelled %v deliveries", n)
	}
}
