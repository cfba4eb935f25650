package alerting

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// step runs advance and applies its transitions, as evaluate does.
func step(r *Rule, open map[string]*store.Alert, obs []observation, now time.Time) []transition {
	ts := advance(r, open, obs, now)
	for _, t := range ts {
		apply(open, t.alert)
	}
	return ts
}

func TestAdvance(t *testing.T) {
	r := &Rule{ID: "r1", Tenant: "acme", Name: "errors", Severity: "critical", For: time.Minute}
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	open := map[string]*store.Alert{}
	hold := []observation{{labels: map[string]string{"team": "a"}, value: 5}}

	ts := step(r, open, hold, t0)
	if len(ts) != 1 || ts[0].alert.State != StatePending || ts[0].notify != "" || !ts[0].alert.StartedAt.Equal(t0) ||
		ts[0].alert.Severity != "critical" || ts[0].alert.RuleName != "errors" || ts[0].alert.Tenant != "acme" {
		t.Fatalf("start: %+v", ts)
	}
	id := ts[0].alert.ID
	if ts := step(r, open, hold, t0.Add(30*time.Second)); len(ts) != 0 {
		t.Errorf("held, before for: %+v", ts)
	}
	ts = step(r, open, []observation{{labels: map[string]string{"team": "a"}, value: 7}}, t0.Add(time.Minute))
	if len(ts) != 1 || ts[0].alert.State != StateFiring || ts[0].notify != StateFiring || ts[0].alert.ID != id || ts[0].alert.Value != 7 || !ts[0].alert.FiredAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("for reached: %+v", ts)
	}
	for i := range 5 {
		if ts := step(r, open, hold, t0.Add(time.Duration(2+i)*time.Minute)); len(ts) != 0 {
			t.Errorf("firing, still held: %+v", ts)
		}
	}
	ts = step(r, open, nil, t0.Add(10*time.Minute))
	if len(ts) != 1 || ts[0].alert.State != StateResolved || ts[0].notify != StateResolved || ts[0].alert.ID != id || !ts[0].alert.FiredAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("resolve: %+v", ts)
	}
	if len(open) != 0 {
		t.Errorf("open after resolve: %+v", open)
	}
	// Holding again starts a new alert.
	ts = step(r, open, hold, t0.Add(11*time.Minute))
	if len(ts) != 1 || ts[0].alert.ID == id {
		t.Errorf("again: %+v", ts)
	}
}

func TestAdvanceSpikeShorterThanFor(t *testing.T) {
	r := &Rule{ID: "r1", For: time.Minute}
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	open := map[string]*store.Alert{}
	step(r, open, []observation{{labels: map[string]string{}}}, t0)
	ts := step(r, open, nil, t0.Add(59*time.Second))
	if len(ts) != 1 || ts[0].alert.State != StateResolved || ts[0].notify != "" || !ts[0].alert.FiredAt.IsZero() {
		t.Errorf("spike: %+v", ts)
	}
}

func TestAdvanceWithoutForFiresAtOnce(t *testing.T) {
	r := &Rule{ID: "r1"}
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ts := step(r, map[string]*store.Alert{}, []observation{{labels: map[string]string{"service": "a"}}, {labels: map[string]string{"service": "b"}}, {labels: map[string]string{"service": "a"}}}, t0)
	if len(ts) != 2 || ts[0].alert.State != StateFiring || ts[0].notify != StateFiring || !ts[0].alert.StartedAt.Equal(t0) || !ts[0].alert.FiredAt.Equal(t0) {
		t.Errorf("%+v", ts)
	}
}
