package alerting

import (
	"errors"
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
		{"log_count", `{"notify":[{"type":"email","url":"x"}]}`, "notify[0].type"},
		{"log_count", `{"window":"5s"}`, "window"},
		{"log_count", `{"window":"1m30s"}`, "window"},
		{"log_count", `{"for":"2d"}`, "for"},
		{"anomaly", `{"filter":{"name":"x"},"warmup":"30s"}`, "warmup"},
		{"log_count", `{"threshold":"ten"}`, "threshold"},
	} {
		_, err := parse(t, c.kind, c.def)
		var re *RuleError
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &re) {
			t.Errorf("%s %s: err %v, want a RuleError naming %q", c.kind, c.def, err, c.want)
		}
	}
}

// Define judges as ParseRule does, and stores the defaults; for: 0s is "at
// once", as Prometheus-style rules write it.
func TestDefine(t *testing.T) {
	name, kind, stored, err := Define([]byte(`{"name":"n","kind":"log_count","threshold":1,"for":"0s"}`))
	if err != nil || name != "n" || kind != KindLogCount {
		t.Fatalf("Define: %q %q %v", name, kind, err)
	}
	r, err := parse(t, string(kind), string(stored))
	if err != nil || r.For != 0 || r.Window != 5*time.Minute || r.Op != OpGT || r.Severity != "warning" || !r.Enabled {
		t.Fatalf("stored %s: %+v, %v", stored, r, err)
	}
	for _, s := range []string{`"window":"5m"`, `"op":"gt"`, `"severity":"warning"`, `"enabled":true`} {
		if !strings.Contains(string(stored), s) {
			t.Errorf("stored %s lacks the default %s", stored, s)
		}
	}
	_, _, _, err = Define([]byte(`{"name":"n","kind":"anomaly","filter":{"name":"cpu"},"window":"13s"}`))
	var re *RuleError
	if !errors.As(err, &re) || re.Field != "window" {
		t.Fatalf("anomaly window 13s: %v, want a RuleError naming window", err)
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
