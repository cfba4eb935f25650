package app_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSwaggerUILoadsInHeadlessBrowser renders /api/docs/ in a real headless
// Chromium (Debian's package; .ci/run installs it) and checks that Swagger UI
// ran and lists the API's operations, with its assets served by the binary.
func TestSwaggerUILoadsInHeadlessBrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
	}
	s := start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=15000", "--dump-dom", s.URL+"/api/docs/")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	dom := string(out)
	for _, want := range []string{"opblock", "/api/logs", "/api/alert-rules/{ruleId}", "/api/keys", "Lightwatch Query API"} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered Swagger UI lacks %q (%d bytes of DOM)", want, len(dom))
		}
	}
}
