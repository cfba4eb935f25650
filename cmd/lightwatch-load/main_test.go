package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(d, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v", got)
	}
}

// Bodies are valid JSON (or NDJSON), carry unique ids of the allowed pattern,
// and their events are about the size the issue speaks of.
func TestBodies(t *testing.T) {
	for _, enc := range []encoding{{}, {ndjson: true}} {
		bs := newBodies("ldtest", 3, 5, enc, 0, 1)
		seen := map[string]bool{}
		var last time.Time
		for n := range uint64(6) {
			before := time.Now().Truncate(time.Microsecond)
			body := bs.next()
			var events []map[string]any
			if enc.ndjson {
				for _, line := range strings.Split(strings.TrimSuffix(string(body), "\n"), "\n") {
					var e map[string]any
					if err := json.Unmarshal([]byte(line), &e); err != nil {
						t.Fatalf("ndjson line %q: %v", line, err)
					}
					events = append(events, e)
				}
			} else if err := json.Unmarshal(body, &events); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if len(events) != 5 {
				t.Fatalf("%d events, want 5", len(events))
			}
			for i, e := range events {
				id := e["id"].(string)
				if seen[id] || id != bs.id(n, i) {
					t.Errorf("id %q: repeated or not bs.id(%d, %d) = %q", id, n, i, bs.id(n, i))
				}
				seen[id] = true
				// Each request carries the time it was made, increasing.
				ts, err := time.Parse(time.RFC3339Nano, e["ts"].(string))
				if err != nil || ts.Before(before) || !ts.After(last) {
					t.Errorf("ts %v (%v): want after %v and after the previous event's %v", e["ts"], err, before, last)
				}
				last = ts
				if _, ok := e["attrs"].(map[string]any)["http.status"]; !ok {
					t.Errorf("no http.status attr in %v", e)
				}
			}
		}
		if sz := len(bs.templates[0].body) / 5; sz < 150 || sz > 300 {
			t.Errorf("events of %d bytes, want about 200", sz)
		}
	}
	single := newBodies("ldtest", 0, 1, encoding{}, 0, 1).next()
	if single[0] != '{' {
		t.Errorf("a JSON batch of 1 should be one object: %.40s", single)
	}
}

func TestResolveScenarios(t *testing.T) {
	o := options{scenario: "all", clients: defaultClients, batch: defaultBatch}
	if scs, _ := resolveScenarios(o); len(scs) != 3 || scs[0].batch != 500 || scs[1].clients != 64 || !scs[1].preset || scs[2].clients != 32 {
		t.Errorf("all: %+v", scs)
	}
	o.batch, o.setBatch = 100, true
	if scs, _ := resolveScenarios(o); len(scs) != 1 || scs[0].name != "custom" || scs[0].batch != 100 || scs[0].clients != 8 {
		t.Errorf("-batch 100: %+v", scs)
	}
	o = options{scenario: "single", setScenario: true, clients: 16, setClients: true, batch: defaultBatch}
	if scs, _ := resolveScenarios(o); len(scs) != 1 || scs[0].clients != 16 || scs[0].batch != 1 || scs[0].preset {
		t.Errorf("-scenario single -clients 16: %+v", scs)
	}
	if _, err := resolveScenarios(options{scenario: "x", setScenario: true}); err == nil {
		t.Error("unknown scenario accepted")
	}
}
