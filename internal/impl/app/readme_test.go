package app_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeBlock returns the first sh block after a README heading.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), heading)
	if !ok {
		t.Fatalf("README has no %q section", heading)
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatalf("no sh block under %q", heading)
	}
	script, _, _ := strings.Cut(block, "```")
	return script
}

// TestREADMEExamplesWorkAsPrinted runs the README's example blocks with bash,
// curl and jq against a live server, so the README cannot drift from the API.
func TestREADMEExamplesWorkAsPrinted(t *testing.T) {
	s := start(t, nil)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "bootstrap-key"), []byte(adminKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(heading string) string {
		t.Helper()
		script := strings.ReplaceAll(readmeBlock(t, heading), "localhost:8080", strings.TrimPrefix(s.URL, "http://"))
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LW_KEY="+adminKey) // sections after the first assume it exported
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("README %s examples failed: %v\n%s", heading, err, out)
		}
		return string(out)
	}
	out := run("## Send events")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	wantPrefixes := []string{`{"accepted":1,`, `{"accepted":2,`, `{"accepted":2,`, `{"accepted":1,`, `{"type":"about:blank","title":"Invalid events","status":400,`}
	if len(lines) != len(wantPrefixes) {
		t.Fatalf("got %d answers, want %d:\n%s", len(lines), len(wantPrefixes), out)
	}
	for i, want := range wantPrefixes {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("answer %d = %s, want it to start %s", i+1, lines[i], want)
		}
	}

	// The Loki push answers 204, with no body.
	if out := run("## Send from the agents you already run"); strings.TrimSpace(out) != "" {
		t.Errorf("standard-protocol examples printed %q, want nothing (204)", out)
	}
	if p := s.logs(adminKey, url.Values{"service": {"checkout"}, "host": {"web-1"}, "level": {"error"}, "q": {`msg="payment declined"`}}); len(p.Items) != 1 {
		t.Errorf("the README's Loki push stored %d events, want 1", len(p.Items))
	}

	// One curl per rule kind, each creating its rule.
	alerts := run("## Alerts")
	if strings.Contains(alerts, `"status":`) {
		t.Errorf("alert rule examples got a problem:\n%s", alerts)
	}
	for _, kind := range []string{"metric_threshold", "log_count", "security", "heartbeat", "anomaly"} {
		if !strings.Contains(alerts, `"kind":"`+kind+`"`) {
			t.Errorf("no %s rule created by the README's alert examples:\n%s", kind, alerts)
		}
	}

	query := run("## Query the history")
	for _, want := range []string{`"message":"payment declined"`, `"severity":"critical"`, `"points":`, `"name":"checkout","state":"up"`, `"kind":"log_count","threshold":10`, `{"threshold":20,`, "204\n", `"scopes":["ingest"],"key":"lw_`} {
		if !strings.Contains(query, want) {
			t.Errorf("query examples' output lacks %s:\n%s", want, query)
		}
	}
}
