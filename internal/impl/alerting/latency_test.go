package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// nextFiring waits for the next firing entry of stream:alerts after id.
func (e *env) nextFiring(t *testing.T, id string) (AlertMessage, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		res, err := e.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream.Alerts, id}, Block: 10 * time.Second}).Result()
		if err != nil {
			t.Fatalf("waiting for a firing alert: %v", err)
		}
		for _, m := range res[0].Messages {
			id = m.ID
			var a AlertMessage
			if err := json.Unmarshal([]byte(m.Values[stream.FieldEvent].(string)), &a); err != nil {
				t.Fatal(err)
			}
			if a.State == StateFiring {
				return a, id
			}
		}
	}
}

func (e *env) lastAlertID(t *testing.T) string {
	t.Helper()
	msgs, err := e.rdb.XRevRangeN(context.Background(), stream.Alerts, "+", "-", 1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		return "0-0"
	}
	return msgs[0].ID
}

// The time from an event stored and published to its alert firing on
// stream:alerts, with the production tick (500 ms): the nudge, not the tick,
// makes it fast.
func TestFireLatency(t *testing.T) {
	e := newEnv(t)
	const n = 10
	for i := range n {
		e.rule(map[string]any{"name": fmt.Sprintf("r%d", i), "kind": "log_count", "filter": map[string]any{"service": fmt.Sprintf("svc-%d", i)}, "window": "1m", "threshold": 0.0})
	}
	opts := Options{RuleRefresh: 100 * time.Millisecond}
	in := e.start(opts)
	e.waitGroup()
	waitFor(t, "every rule held", func() bool { return len(in.heldKeys()) == n })
	in.settle(t, 2)
	var took []time.Duration
	for i := range n {
		last := e.lastAlertID(t)
		start := time.Now()
		e.send(logEv(fmt.Sprintf("svc-%d", i), event.LevelError, "boom", time.Now()))
		a, _ := e.nextFiring(t, last)
		took = append(took, time.Since(start))
		if a.RuleName != fmt.Sprintf("r%d", i) {
			t.Fatalf("fired %s, want r%d", a.RuleName, i)
		}
	}
	slices.Sort(took)
	t.Logf("event stored → alert firing on stream:alerts: min %v, median %v, max %v (tick %v)", took[0], took[n/2], took[n-1], in.opts.Interval)
	if took[n-1] > 2*time.Second {
		t.Errorf("slowest alert fired %v after its event, want < 2s", took[n-1])
	}
}

// A missing heartbeat fires within 2 s after interval + grace.
func TestHeartbeatLatency(t *testing.T) {
	e := newEnv(t)
	e.rule(map[string]any{"kind": "heartbeat", "grace": "1s"})
	in := e.start(Options{RuleRefresh: 100 * time.Millisecond})
	waitFor(t, "the rule held", func() bool { return len(in.heldKeys()) == 1 })
	last := e.lastAlertID(t)
	sent := time.Now()
	e.send(heartbeatEv("billing", event.StatusUp, 1, sent))
	a, _ := e.nextFiring(t, last)
	due := sent.Add(2 * time.Second) // interval 1s + grace 1s
	late := a.FiredAt.Sub(due)
	t.Logf("heartbeat alert fired %v after interval + grace (tick %v)", late, in.opts.Interval)
	if late < 0 || late > 2*time.Second {
		t.Errorf("fired %v after interval + grace, want within [0, 2s)", late)
	}
}
