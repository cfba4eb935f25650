package alerting

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Two instances on one Redis and one store: each rule is held by one of them,
// each event is handled by one of them, and no alert is doubled.
func TestTwoInstancesNoDuplicates(t *testing.T) {
	e := newEnv(t)
	var rules []store.Rule
	for i := range 6 {
		rules = append(rules, e.rule(map[string]any{"name": fmt.Sprintf("r%d", i), "kind": "log_count",
			"filter": map[string]any{"service": fmt.Sprintf("svc-%d", i)}, "window": "5m", "threshold": 0.0}))
	}
	a, b := e.start(e.testOptions()), e.start(e.testOptions())
	e.waitGroup()
	waitFor(t, "every rule held once", func() bool {
		for _, r := range rules {
			k := RuleKey{tenant, r.ID}
			if a.holds(k) == b.holds(k) {
				return false
			}
		}
		return true
	})
	const perRule = 5
	for round := range perRule {
		for i := range rules {
			e.send(logEv(fmt.Sprintf("svc-%d", i), event.LevelError, fmt.Sprintf("boom %d", round), e.clock.Now().Add(-time.Second)))
		}
	}
	for _, r := range rules {
		e.waitAlert(r.ID, "firing", inState(StateFiring))
	}
	waitFor(t, "every entry handled", func() bool {
		n := testutil.ToFloat64(a.metrics.entries) + testutil.ToFloat64(b.metrics.entries)
		return n >= float64(len(rules)*perRule)
	})
	a.settle(t, 12)
	b.settle(t, 12)
	for _, r := range rules {
		if got := e.alerts(r.ID); len(got) != 1 {
			t.Errorf("rule %s: %d alerts, want 1", r.Name, len(got))
		}
		e.wantStates(r.ID, "firing")
	}
	if n := testutil.ToFloat64(a.metrics.entries) + testutil.ToFloat64(b.metrics.entries); n != float64(len(rules)*perRule) {
		t.Errorf("entries handled %v, want each of %d once", n, len(rules)*perRule)
	}
}

// An instance that stops releases its leases: the other takes its rules over
// at once and carries on with their open alerts.
func TestStoppedInstanceHandsOver(t *testing.T) {
	e := newEnv(t)
	opts := e.testOptions()
	opts.LeaseTTL = time.Minute // a takeover within the test can only come from the release
	h := e.handover(opts, e.rdb)
	h.a.stop()
	waitFor(t, "b holds the rule", func() bool { return h.b.holds(h.key) })
	e.wantCarriedOn(h)
}

// handoverScene is a log_count rule held by instance a, whose alert fires,
// and instance b beside it.
type handoverScene struct {
	key   RuleKey
	a, b  *instance
	fired store.Alert
}

// handover sets a handoverScene up; a talks to Redis through aRedis.
func (e *env) handover(opts Options, aRedis *redis.Client) handoverScene {
	e.t.Helper()
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0})
	h := handoverScene{key: RuleKey{tenant, r.ID}, a: e.start(opts, aRedis)}
	waitFor(e.t, "a holds the rule", func() bool { return h.a.holds(h.key) })
	h.b = e.start(opts)
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	h.fired = e.waitAlert(r.ID, "firing", inState(StateFiring))
	return h
}

// wantCarriedOn moves the clock past the rule's window and checks that the
// alert that fired resolves, the rule's only one.
func (e *env) wantCarriedOn(h handoverScene) {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	res := e.waitAlert(h.key.ID, "resolved", inState(StateResolved))
	if all := e.alerts(h.key.ID); res.ID != h.fired.ID || len(all) != 1 {
		e.t.Errorf("resolved %+v; fired %+v; all %+v", res, h.fired, all)
	}
	e.wantStates(h.key.ID, "firing,resolved")
}

// An instance cut off from Redis (dead, as far as the others can tell) stops
// writing when its lease may have expired; another takes the rule over once
// it has, and carries on with the same alert.
func TestDeadInstanceLeaseExpires(t *testing.T) {
	e := newEnv(t)
	opts := e.testOptions()
	aRedis := e.connect()
	h := e.handover(opts, aRedis)
	h.b.settle(t, 3)
	if h.b.holds(h.key) {
		t.Fatal("b holds the rule a holds")
	}
	died := time.Now()
	_ = aRedis.Close()
	waitFor(t, "b holds the rule", func() bool { return h.b.holds(h.key) })
	if took := time.Since(died); took < opts.LeaseTTL/2 {
		t.Errorf("b took the rule over %v after a died, before the lease (%v) could expire", took, opts.LeaseTTL)
	}
	e.wantCarriedOn(h)
}

// An event handled by an instance that does not hold the rules it matches
// nudges their holder over pub/sub, which evaluates them before its tick.
func TestRemoteNudge(t *testing.T) {
	e := newEnv(t)
	r := e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0})
	opts := e.testOptions()
	opts.Interval, opts.LeaseTTL = 5*time.Second, 20*time.Second
	a := e.start(opts)
	waitFor(t, "a holds the rule", func() bool { return a.holds(RuleKey{tenant, r.ID}) })
	b := New(Deps{Store: e.store, Redis: e.rdb}, e.testOptions()) // not running: only its handling
	if err := b.rules.refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a's first evaluation", func() bool { return a.evaluations() >= 1 })
	ev := logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second))
	ev.ID, ev.Tenant, ev.ReceivedAt = "ev-1", tenant, ev.TS
	if _, err := e.store.InsertEvents(t.Context(), []event.Event{ev}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	b.handle(t.Context(), stream.Logs, []streams.Message{{ID: streams.ID{Ms: 1, Seq: 1}, Entry: streams.Entry{
		Event:  []byte(`{"id":"ev-1","tenant":"acme","kind":"log","ts":"` + ev.TS.Format(time.RFC3339Nano) + `","received_at":"` + ev.TS.Format(time.RFC3339Nano) + `","service":"checkout","log":{"level":"error","message":"boom"}}`),
		Tenant: tenant, Kind: "log"}}})
	e.waitAlert(r.ID, "firing", inState(StateFiring))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("fired %v after the nudge; a's tick is %v", took, opts.Interval)
	}
	if n := testutil.ToFloat64(b.metrics.nudges.WithLabelValues("remote")); n != 1 {
		t.Errorf("remote nudges = %v", n)
	}
}

// Entries a consumer read but never acknowledged are claimed by a live
// instance once idle for ClaimIdle.
func TestClaimsIdleEntries(t *testing.T) {
	e := newEnv(t)
	e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0})
	opts := e.testOptions()
	opts.ClaimIdle = 300 * time.Millisecond
	first := e.start(opts)
	e.waitGroup()
	first.stop()
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	// A consumer that reads and dies.
	res, err := e.rdb.XReadGroup(t.Context(), &redis.XReadGroupArgs{Group: Group, Consumer: "ghost", Streams: []string{stream.Logs, ">"}, Count: 10}).Result()
	if err != nil || len(res) != 1 || len(res[0].Messages) != 1 {
		t.Fatalf("ghost read %v, %v", res, err)
	}
	live := e.start(opts)
	waitFor(t, "the entry claimed and acknowledged", func() bool {
		p, err := e.rdb.XPending(context.Background(), stream.Logs, Group).Result()
		return err == nil && p.Count == 0
	})
	if n := testutil.ToFloat64(live.metrics.entries); n != 1 {
		t.Errorf("live handled %v entries, want the claimed one", n)
	}
}

// Instances share the rules evenly: one that joins takes its share from the
// others, and the share of one that stops goes to those that remain.
func TestInstancesShareTheRules(t *testing.T) {
	e := newEnv(t)
	for i := range 6 {
		e.rule(map[string]any{"name": fmt.Sprintf("r%d", i), "kind": "log_count", "threshold": 0.0})
	}
	held := func(ins ...*instance) []int {
		var out []int
		for _, in := range ins {
			out = append(out, len(in.heldKeys()))
		}
		return out
	}
	wantHeld := func(what string, want []int, ins ...*instance) {
		t.Helper()
		waitFor(t, what, func() bool { return slices.Equal(held(ins...), want) })
	}
	a := e.start(e.testOptions())
	wantHeld("a holds every rule", []int{6}, a)
	b := e.start(e.testOptions())
	wantHeld("a and b hold 3 rules each", []int{3, 3}, a, b)
	c := e.start(e.testOptions())
	wantHeld("a, b and c hold 2 rules each", []int{2, 2, 2}, a, b, c)
	b.stop()
	wantHeld("a and c hold 3 rules each", []int{3, 3}, a, c)
}

// A sole consumer (the embedded Redis) reads without acknowledging: its
// events still nudge their rules, it sends no XACK, and nothing is left
// pending in the group.
func TestSoleConsumerLeavesNothingPending(t *testing.T) {
	e := newEnv(t)
	acks := &commandCounter{name: "xack"}
	e.rdb.AddHook(acks)
	e.rule(map[string]any{"kind": "log_count", "window": "1m", "threshold": 0.0})
	opts := e.testOptions()
	opts.SoleConsumer = true
	in := e.start(opts)
	e.waitGroup()
	waitFor(t, "the rule held", func() bool { return len(in.heldKeys()) == 1 })
	last := e.lastAlertID(t)
	e.send(logEv("checkout", event.LevelError, "boom", e.clock.Now().Add(-time.Second)))
	e.nextFiring(t, last)
	waitFor(t, "the entry handled", func() bool { return testutil.ToFloat64(in.metrics.entries) == 1 })
	p, err := e.rdb.XPending(context.Background(), stream.Logs, Group).Result()
	if err != nil || p.Count != 0 {
		t.Fatalf("pending %+v, %v; want none", p, err)
	}
	if n := acks.n.Load(); n != 0 {
		t.Errorf("%d XACKs sent, want none", n)
	}
}

// commandCounter counts the commands of one name a client sends.
type commandCounter struct {
	name string
	n    atomic.Int64
}

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == c.name {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
