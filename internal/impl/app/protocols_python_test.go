package app_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// protocolPython is the virtualenv of the pinned third-party Python clients
// (make protocol-tools; make test installs it first).
const protocolPython = "../protocoltest/python"

// runPython runs script of internal/impl/protocoltest/python with the
// server's URL, key and a service name in its environment.
func runPython(t *testing.T, s *server, key, service, script string) {
	t.Helper()
	dir, err := filepath.Abs(protocolPython)
	if err != nil {
		t.Fatal(err)
	}
	py := filepath.Join(dir, ".venv/bin/python")
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("%s is not installed: run `make protocol-tools` (make test does): %v", py, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LW_URL="+s.URL, "LW_KEY="+key, "LW_SERVICE="+service, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	t.Logf("%s: %s", script, out)
}

// TestOTLPFromThePythonSDK exports logs and a counter with the OpenTelemetry
// Python SDK's OTLP/HTTP exporter and reads them back.
func TestOTLPFromThePythonSDK(t *testing.T) {
	s := start(t, nil)
	runPython(t, s, adminKey, "py-checkout", "otlp_export.py")
	p := s.logs(adminKey, url.Values{"service": {"py-checkout"}})
	got := map[string]map[string]any{}
	for _, e := range p.Items {
		got[e["log"].(map[string]any)["message"].(string)] = e
	}
	warn, errEv := got["disk almost full"], got["payment declined from python"]
	if warn == nil || errEv == nil {
		t.Fatalf("events %v", p.Items)
	}
	if warn["log"].(map[string]any)["level"] != "warn" || errEv["log"].(map[string]any)["level"] != "error" || warn["host"] != "py-host" {
		t.Errorf("levels or host: %v / %v", warn, errEv)
	}
	if a := warn["attributes"].(map[string]any); a["disk.free_pct"] != 7.0 || a["mount"] != "/var" {
		t.Errorf("attributes %v", a)
	}
	r := s.get("/api/metrics?name=py.orders&service=py-checkout", adminKey)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	series := r.json(t)["series"].([]any)
	if len(series) != 1 || series[0].(map[string]any)["labels"].(map[string]any)["region"] != "eu" {
		t.Fatalf("series %v", series)
	}
}

// TestElasticsearchBulkFromThePythonClient writes with the official
// Elasticsearch client's helpers.bulk (which checks the product header) and
// reads the events back.
func TestElasticsearchBulkFromThePythonClient(t *testing.T) {
	s := start(t, nil)
	runPython(t, s, adminKey, "es-checkout", "es_bulk.py")
	p := s.logs(adminKey, url.Values{"service": {"es-checkout"}, "from": {"2026-12-06T02:00:00Z"}, "to": {"2026-12-06T04:00:00Z"}})
	if len(p.Items) != 2 {
		t.Fatalf("events %v", p.Items)
	}
	byMsg := map[string]map[string]any{}
	for _, e := range p.Items {
		byMsg[e["log"].(map[string]any)["message"].(string)] = e
	}
	e := byMsg["payment declined"]
	if e == nil || e["log"].(map[string]any)["level"] != "error" || e["host"] != "es-host" || e["id"] != "app-logs:doc-1" ||
		e["attributes"].(map[string]any)["http.response.status_code"] != 402.0 || e["ts"] != "2026-12-06T03:00:00Z" {
		t.Errorf("event %v", e)
	}
	if w := byMsg["WARN slow provider"]; w == nil || w["log"].(map[string]any)["level"] != "warn" {
		t.Errorf("level detected from the message: %v", w)
	}
}
