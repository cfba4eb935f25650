package alerting

import (
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func parse(t *testing.T, kind, def string) (Rule, error) {
	t.Helper()
	return ParseRule(store.Rule{ID: "r1", Tenant: "acme", Name: "n", Kind: kind, Definition: []byte(def)})
}

func TestParseRuleKinds(t *testing.T) {
	r, err := parse(t, "log_count", `{"name":"n","kind":"log_count","filter":{"service":"checkout","level":["error","fatal"],"q":"declined"},
		"window":"5m","op":"gte","threshold":10,"for":"1m","severity":"critical","labels":{"team":"payments"},
		"notify":[{"type":"webhook","url":"https://hooks.example.com/x","secret":"change-me-please"}],"enabled":true}`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindLogCount || r.service() != "checkout" || len(r.Filter.Levels) != 2 || r.Filter.Levels[1] != event.LevelFatal ||
		r.Filter.Text != "declined" || r.Window != 5*time.Minute || r.Op != OpGTE || r.Threshold != 10 || r.For != time.Minute ||
		r.Severity != "critical" || r.Labels["team"] != "payments" || len(r.Notify) != 1 || r.Notify[0].Secret != "change-me-please" || !r.Enabled {
		t.Errorf("log_count = %+v", r)
	}

	r, err = parse(t, "metric_threshold", `{"kind":"metric_threshold","filter":{"name":"cpu","service":"api","labels":{"env":"prod"}},"aggregate":"max","threshold":0.9,"window":"2h"}`)
	if err != nil || r.Filter.Name != "cpu" || r.Filter.Labels["env"] != "prod" || r.Aggregate != AggMax || r.Window != 2*time.Hour || r.Op != OpGT {
		t.Errorf("metric_threshold = %+v, %v", r, err)
	}
	r, err = parse(t, "security", `{"kind":"security","filter":{"category":"authentication","min_severity":"high"}}`)
	if err != nil || r.Threshold != 0 || r.Window != 5*time.Minute || r.Filter.MinSeverity != event.SeverityHigh || r.Severity != "warning" || !r.Enabled {
		t.Errorf("security (defaults) = %+v, %v", r, err)
	}
	r, err = parse(t, "heartbeat", `{"kind":"heartbeat","filter":{"service":"billing"},"enabled":false}`)
	if err != nil || r.Grace != 30*time.Second || r.service() != "billing" || r.Enabled {
		t.Errorf("heartbeat = %+v, %v", r, err)
	}
	r, err = parse(t, "anomaly", `{"kind":"anomaly","filter":{"name":"latency"}}`)
	if err != nil || r.Aggregate != AggAvg || r.Sensitivity != 3 || r.Warmup != 30*time.Minute || r.Window != time.Minute {
		t.Errorf("anomaly (defaults) = %+v, %v", r, err)
	}
	r, err = parse(t, "anomaly", `{"kind":"anomaly","filter":{"name":"latency"},"window":"1d","warmup":"7d","sensitivity":4.5}`)
	if err != nil || r.Window != 24*time.Hour || r.Warmup != 7*24*time.Hour || r.Sensitivity != 4.5 {
		t.Errorf("anomaly = %+v, %v", r, err)
	}
}

func TestParseRuleRefuses(t *testing.T) {
	for _, c := range []struct{ kind, def, want string }{
		{"log_count", `not json`, "definition"},
		{"nonsense", `{}`, "unknown kind"},
		{"metric_threshold", `{"aggregate":"avg"}`, "filter.name"},
		{"metric_threshold", `{"filter":{"name":"x"},"aggregate":"p99"}`, "aggregate"},
		{"log_count", `{"op":"ne"}`, "op"},
		{"log_count", `{"window":"soon"}`, "window"},
		{"log_count", `{"filter":{"level":["loud"]}}`, "level"},
		{"anomaly", `{"filter":{"name":"x"},"window":"13s"}`, "13s"},
		{"log_count", `{"notify":[{"type":"email","url":"x"}]}`, "notify"},
	} {
		if _, err := parse(t, c.kind, c.def); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: err %v, want one naming %q", c.kind, c.def, err, c.want)
		}
	}
}

func TestOp(t *testing.T) {
	for _, c := range []struct {
		op   Op
		v    float64
		want bool
	}{{OpGT, 2, true}, {OpGT, 1, false}, {OpGTE, 1, true}, {OpGTE, 0.5, false}, {OpLT, 0.5, true}, {OpLT, 1, false}, {OpLTE, 1, true}, {OpLTE, 2, false}} {
		if got := c.op.Holds(c.v, 1); got != c.want {
			t.Errorf("%v %s 1 = %v", c.v, c.op, got)
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint("r1", map[string]string{"a": "1", "b": "2"})
	if a != Fingerprint("r1", map[string]string{"b": "2", "a": "1"}) {
		t.Error("fingerprint depends on map order")
	}
	for _, other := range []string{
		Fingerprint("r2", map[string]string{"a": "1", "b": "2"}),
		Fingerprint("r1", map[string]string{"a": "1"}),
		Fingerprint("r1", map[string]string{"a": "1", "b": "3"}),
		Fingerprint("r1", map[string]string{"a": "1b", "": "2"}),
	} {
		if other == a {
			t.Error("distinct rules or label sets share a fingerprint")
		}
	}
}
