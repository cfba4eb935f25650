package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEExamplesWorkAsPrinted runs the README's "Send events" block with
// bash and curl against a live server, so the README cannot drift from the API.
func TestREADMEExamplesWorkAsPrinted(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Send events")
	if !ok {
		t.Fatal(`README has no "## Send events" section`)
	}
	_, block, ok := strings.Cut(section, "```sh\n")
	if !ok {
		t.Fatal("no sh block in the section")
	}
	script, _, _ := strings.Cut(block, "```")

	s := start(t, nil)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "bootstrap-key"), []byte(adminKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script = strings.ReplaceAll(script, "localhost:8080", strings.TrimPrefix(s.URL, "http://"))
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples failed: %v\n%s", err, out)
	}
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
}
