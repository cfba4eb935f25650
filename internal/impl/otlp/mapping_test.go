package otlp

import (
	"os"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
)

// The golden bodies are the OTLP project's own examples (testdata/README.md).
func TestGoldenLogsExampleMapsFieldByField(t *testing.T) {
	raw, err := os.ReadFile("testdata/logs.json")
	if err != nil {
		t.Fatal(err)
	}
	req := plogotlp.NewExportRequest()
	if err := req.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	recs, rej := mapLogs(req.Logs())
	if len(recs) != 1 || len(rej) != 0 {
		t.Fatalf("%d records, %d rejected", len(recs), len(rej))
	}
	r := recs[0]
	want := map[string]any{
		"service": "my.service", "level": "info", "message": "Example log record",
		"ts": "2018-12-13T14:51:00.3Z", "trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b174",
	}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v, want %v", k, r[k], v)
		}
	}
	attrs := r["attrs"].(map[string]any)
	wantAttrs := map[string]any{
		"otel.scope.name": "my.library", "otel.scope.version": "1.0.0", "my.scope.attribute": "some scope attribute",
		"string.attribute": "some string", "boolean.attribute": true, "int.attribute": 10.0, "double.attribute": 637.704,
		"array.attribute": `["many","values"]`, "map.attribute.some.map.key": "some value",
	}
	for k, v := range wantAttrs {
		if attrs[k] != v {
			t.Errorf("attrs[%s] = %#v, want %#v", k, attrs[k], v)
		}
	}
	if len(attrs) != len(wantAttrs) {
		t.Errorf("attrs %v, want exactly %v", attrs, wantAttrs)
	}
}

func TestGoldenMetricsExampleBecomesSeries(t *testing.T) {
	raw, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	req := pmetricotlp.NewExportRequest()
	if err := req.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	s := mapMetrics(req.Metrics())
	if s.points != 3 || len(s.rejects) != 0 {
		t.Fatalf("%d points, rejects %v", s.points, s.rejects)
	}
	got := map[string]map[string]any{}
	for _, r := range s.records {
		key := r["name"].(string)
		if l, ok := r["labels"].(map[string]any); ok && l["le"] != nil {
			key += "{le=" + l["le"].(string) + "}"
		}
		got[key] = r
	}
	want := map[string]struct {
		value float64
		typ   string
	}{
		// the example's sum and histogram are delta: gauges of the increase
		"my.counter": {5, "gauge"}, "my.gauge": {10, "gauge"},
		"my.histogram_count": {2, "gauge"}, "my.histogram_sum": {2, "gauge"},
		"my.histogram_bucket{le=1}": {1, "gauge"}, "my.histogram_bucket{le=+Inf}": {2, "gauge"},
	}
	if len(got) != len(want) {
		t.Fatalf("series %v", got)
	}
	for k, w := range want {
		r := got[k]
		if r == nil || r["value"] != w.value || r["type"] != w.typ || r["service"] != "my.service" {
			t.Errorf("%s = %v, want value %v type %s", k, r, w.value, w.typ)
		}
	}
	if l := got["my.counter"]["labels"].(map[string]any); l[TemporalityLabel] != "delta" || l["my.counter.attr"] != "some value" {
		t.Errorf("my.counter labels %v", l)
	}
	if _, ok := got["my.gauge"]["labels"].(map[string]any)[TemporalityLabel]; ok {
		t.Error("a gauge is labelled with a temporality")
	}
}
