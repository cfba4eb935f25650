package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
)

// logsPage reads /api/logs with the query (service, text, ...) as key.
func (s *server) logs(key string, query url.Values) page {
	s.t.Helper()
	return s.get("/api/logs?"+query.Encode(), key).page(s.t)
}

// TestOTLPLogsFromTheGoSDKExporter sends logs with the OpenTelemetry Go SDK's
// own OTLP/HTTP exporter (protobuf, gzip) and reads them back from the query API.
func TestOTLPLogsFromTheGoSDKExporter(t *testing.T) { eachStore(t, testOTLPLogsFromTheGoSDKExporter) }

func testOTLPLogsFromTheGoSDKExporter(t *testing.T, s *server) {
	ctx := context.Background()
	key := s.putKey("acme", apikey.ScopeIngest, apikey.ScopeRead)
	for _, gzip := range []bool{false, true} {
		opts := []otlploghttp.Option{
			otlploghttp.WithEndpointURL(s.URL + "/otlp/v1/logs"),
			otlploghttp.WithHeaders(map[string]string{"Authorization": "Bearer " + key}),
		}
		if gzip {
			opts = append(opts, otlploghttp.WithCompression(otlploghttp.GzipCompression))
		}
		exp, err := otlploghttp.New(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		res := resource.NewSchemaless(attribute.String("service.name", "checkout"), attribute.String("host.name", "web-1"), attribute.String("deployment.environment", "prod"))
		provider := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)))
		logger := provider.Logger("checkout/payments", otellog.WithInstrumentationVersion("1.2.3"))
		var rec otellog.Record
		rec.SetTimestamp(time.Now().Add(-time.Minute).Truncate(time.Millisecond))
		rec.SetSeverity(otellog.SeverityError)
		rec.SetSeverityText("ERROR")
		rec.SetBody(attribute.StringValue("payment declined gzip=" + map[bool]string{false: "no", true: "yes"}[gzip]))
		rec.AddAttributes(attribute.String("order.id", "A-1001"), attribute.Int("http.status", 402),
			attribute.Map("customer", attribute.String("tier", "gold")))
		logger.Emit(ctx, rec)
		var plain otellog.Record // no severity: the level is detected from the body
		plain.SetBody(attribute.StringValue("WARN cache nearly full gzip=" + map[bool]string{false: "no", true: "yes"}[gzip]))
		logger.Emit(ctx, plain)
		if err := provider.Shutdown(ctx); err != nil { // flushes; fails when the export failed
			t.Fatal(err)
		}
	}
	p := s.logs(key, url.Values{"service": {"checkout"}, "q": {"payment declined"}})
	if len(p.Items) != 2 {
		t.Fatalf("%d log events, want 2: %v", len(p.Items), p.Items)
	}
	e := p.Items[0]
	log := e["log"].(map[string]any)
	attrs := e["attributes"].(map[string]any)
	if e["tenant"] != "acme" || e["host"] != "web-1" || log["level"] != "error" || !strings.HasPrefix(log["message"].(string), "payment declined") {
		t.Errorf("event %v", e)
	}
	for k, v := range map[string]any{"order.id": "A-1001", "http.status": 402.0, "customer.tier": "gold", "deployment.environment": "prod", "otel.scope.name": "checkout/payments", "otel.scope.version": "1.2.3"} {
		if attrs[k] != v {
			t.Errorf("attributes[%s] = %#v, want %#v (all: %v)", k, attrs[k], v, attrs)
		}
	}
	warn := s.logs(key, url.Values{"service": {"checkout"}, "level": {"warn"}})
	if len(warn.Items) != 2 {
		t.Errorf("%d warn events detected from the body, want 2", len(warn.Items))
	}
}

// TestOTLPMetricsFromTheGoSDKExporter exports a counter, a gauge and a
// histogram with the Go SDK and reads their series back.
func TestOTLPMetricsFromTheGoSDKExporter(t *testing.T) {
	s := start(t, nil)
	ctx := context.Background()
	exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(s.URL+"/otlp/v1/metrics"),
		otlpmetrichttp.WithHeaders(map[string]string{"Authorization": "Bearer " + adminKey}),
		otlpmetrichttp.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality { return metricdata.CumulativeTemporality }))
	if err != nil {
		t.Fatal(err)
	}
	reader := sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader),
		sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "checkout"))))
	meter := provider.Meter("checkout")
	orders, _ := meter.Int64Counter("orders.placed")
	orders.Add(ctx, 3)
	orders.Add(ctx, 4)
	latency, _ := meter.Float64Histogram("http.server.duration")
	for _, v := range []float64{3, 30, 300} {
		latency.Record(ctx, v)
	}
	queue, _ := meter.Int64Gauge("queue.depth")
	queue.Record(ctx, 17)
	if err := provider.Shutdown(ctx); err != nil { // exports once more and fails if the export failed
		t.Fatal(err)
	}
	series := func(name string) []any {
		r := s.get("/api/metrics?name="+url.QueryEscape(name)+"&step=10s", adminKey)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", name, r.StatusCode, r.Body)
		}
		return r.json(t)["series"].([]any)
	}
	lastMax := func(name string, label ...string) float64 {
		for _, sr := range series(name) {
			m := sr.(map[string]any)
			labels := m["labels"].(map[string]any)
			if len(label) == 2 && labels[label[0]] != label[1] {
				continue
			}
			pts := m["points"].([]any)
			return pts[len(pts)-1].(map[string]any)["max"].(float64)
		}
		t.Fatalf("no series %s %v", name, label)
		return 0
	}
	if v := lastMax("orders.placed"); v != 7 {
		t.Errorf("orders.placed = %v, want 7 (cumulative)", v)
	}
	if v := lastMax("queue.depth"); v != 17 {
		t.Errorf("queue.depth = %v, want 17", v)
	}
	if v := lastMax("http.server.duration_count"); v != 3 {
		t.Errorf("_count = %v, want 3", v)
	}
	if v := lastMax("http.server.duration_sum"); v != 333 {
		t.Errorf("_sum = %v, want 333", v)
	}
	if v := lastMax("http.server.duration_bucket", "le", "50"); v != 2 { // default bounds 0, 5, 10, 25, 50, ...
		t.Errorf("_bucket{le=50} = %v, want 2", v)
	}
	if v := lastMax("http.server.duration_bucket", "le", "+Inf"); v != 3 {
		t.Errorf("_bucket{le=+Inf} = %v, want 3", v)
	}
	var names struct{ Items []struct{ Name, Type string } }
	if err := json.Unmarshal(s.get("/api/metrics/names", adminKey).Body, &names); err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, n := range names.Items {
		types[n.Name] = n.Type
	}
	if types["orders.placed"] != "counter" || types["queue.depth"] != "gauge" || types["http.server.duration_count"] != "counter" {
		t.Errorf("metric types %v", types)
	}
}

// TestOTLPJSONGoldenAndPartialSuccess posts the OTLP project's example
// (OTLP-JSON, zstd) and a request with one unmappable record: 200 with
// partial_success naming it, the rest stored, the rejection counted.
func TestOTLPJSONGoldenAndPartialSuccess(t *testing.T) {
	s := start(t, nil)
	golden, err := os.ReadFile("../otlp/testdata/logs.json")
	if err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw, _ := zstd.NewWriter(&zbuf)
	_, _ = zw.Write(golden)
	_ = zw.Close()
	r := s.post("/otlp/v1/logs", adminKey, "application/json", zbuf.Bytes(), "Content-Encoding", "zstd")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/json" || strings.Contains(string(r.Body), "rejected") {
		t.Fatalf("golden: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	p := s.logs(adminKey, url.Values{"service": {"my.service"}, "from": {"2018-12-13T00:00:00Z"}, "to": {"2018-12-14T00:00:00Z"}})
	if len(p.Items) != 1 || p.Items[0]["log"].(map[string]any)["trace_id"] != "5b8efff798038103d269b633813fc60c" {
		t.Fatalf("golden record: %v", p.Items)
	}

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	lrs := rl.ScopeLogs().AppendEmpty().LogRecords()
	lrs.AppendEmpty().Body().SetStr("kept, with no service.name")
	lrs.AppendEmpty() // no body, no event name: nothing to store
	body, err := plogotlp.NewExportRequestFromLogs(ld).MarshalProto()
	if err != nil {
		t.Fatal(err)
	}
	r = s.post("/otlp/v1/logs", "", "application/x-protobuf", body, "Authorization", basic(adminKey))
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Fatalf("partial: %d %s", r.StatusCode, r.Body)
	}
	resp := plogotlp.NewExportResponse()
	if err := resp.UnmarshalProto(r.Body); err != nil {
		t.Fatal(err)
	}
	if ps := resp.PartialSuccess(); ps.RejectedLogRecords() != 1 || !strings.Contains(ps.ErrorMessage(), "empty_body") {
		t.Errorf("partial_success %d %q", ps.RejectedLogRecords(), ps.ErrorMessage())
	}
	if got := s.logs(adminKey, url.Values{"service": {"unknown_service"}}); len(got.Items) != 1 {
		t.Errorf("%d events of unknown_service, want 1", len(got.Items))
	}
	if n := testutil.ToFloat64(s.app.Metrics().ProtocolRejected.WithLabelValues("otlp", "empty_body")); n != 1 {
		t.Errorf("rejected counter %v, want 1", n)
	}

	for _, c := range []struct {
		name, contentType string
		body              []byte
		headers           []string
		want              int
	}{
		{"undecodable protobuf", "application/x-protobuf", []byte{0xff, 0xff, 0xff}, nil, http.StatusBadRequest},
		{"undecodable JSON", "application/json", []byte(`{"resourceLogs":7}`), nil, http.StatusBadRequest},
		{"JSON null", "application/json", []byte(`null`), nil, http.StatusBadRequest},
		{"unknown content type", "text/plain", []byte("hi"), nil, http.StatusUnsupportedMediaType},
		{"another tenant's org id", "application/json", []byte(`{}`), []string{"X-Scope-OrgID", "other"}, http.StatusForbidden},
		{"own org id", "application/json", []byte(`{}`), []string{"X-Scope-OrgID", apikey.DefaultTenant}, http.StatusOK},
	} {
		if r := s.post("/otlp/v1/logs", adminKey, c.contentType, c.body, c.headers...); r.StatusCode != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.StatusCode, c.want, r.Body)
		}
	}
	if r := s.post("/otlp/v1/traces", adminKey, "application/x-protobuf", nil); r.StatusCode != http.StatusNotFound || !strings.Contains(string(r.Body), "/otlp/v1/logs") {
		t.Errorf("traces: %d %s", r.StatusCode, r.Body)
	}
	if r := s.post("/otlp/v1/logs", "", "application/json", []byte(`{}`), "Authorization", basic("lw_wrong")); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong basic password: %d", r.StatusCode)
	}
	if r := s.post("/ingest/logs", "", "application/json", []byte(`{"service":"a","message":"b"}`), "Authorization", basic(adminKey)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("basic auth on the native API: %d, want 401 (Bearer only)", r.StatusCode)
	}
}

func basic(key string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth("lightwatch", key)
	return req.Header.Get("Authorization")
}
