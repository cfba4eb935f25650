package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/queryclient"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

const key = "lw_agent_test_key_0123456789abcdef"

// startLightwatch runs the ingest and query APIs in the test (embedded
// defaults, changed by edit if not nil) on a random port and returns its URL.
func startLightwatch(t *testing.T, edit func(*config.Config)) string {
	t.Helper()
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.BootstrapKey = t.TempDir(), key
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Surfaces{Ingest: true, API: true}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return "http://" + ln.Addr().String()
}

// queryClient is the generated query API client with the bootstrap key.
func queryClient(t *testing.T, base string) *queryclient.ClientWithResponses {
	t.Helper()
	api, err := queryclient.NewClientWithResponses(base, queryclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+key)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// storedMessages reads every log of service back with the generated query client.
func storedMessages(t *testing.T, base, service string) []string {
	t.Helper()
	api := queryClient(t, base)
	limit, asc := queryclient.Limit(1000), queryclient.ListLogsParamsOrderAsc
	params := &queryclient.ListLogsParams{Service: &queryclient.Service{service}, Limit: &limit, Order: &asc}
	var msgs []string
	for {
		resp, err := api.ListLogsWithResponse(context.Background(), params)
		if err != nil || resp.JSON200 == nil {
			t.Fatalf("list logs: %v %s", err, resp.Body)
		}
		for _, e := range resp.JSON200.Items {
			msgs = append(msgs, e.Log.Message)
		}
		if resp.JSON200.NextCursor == nil {
			return msgs
		}
		params.Cursor = resp.JSON200.NextCursor
	}
}

func buildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lightwatch-agent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// output is a child's stderr, in a file so that the test may read it while the child runs.
type output struct {
	f *os.File
}

func logFile(t *testing.T) output {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return output{f}
}

func (o output) String() string {
	b, _ := os.ReadFile(o.f.Name())
	return string(b)
}

func writeLines(t *testing.T, path string, from, to int, last string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for i := from; i < to; i++ {
		fmt.Fprintf(w, "line %d\n", i)
	}
	w.WriteString(last)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestSIGTERMShipsEverything runs the built agent on a file against a real
// server: full batches go at once, then lines are appended (the last without
// its newline) and SIGTERM sent at once. Every line must be stored exactly once.
func TestSIGTERMShipsEverything(t *testing.T) {
	base := startLightwatch(t, nil)
	bin := buildAgent(t)
	path := filepath.Join(t.TempDir(), "app.log")
	writeLines(t, path, 0, 250, "")

	stderr := logFile(t)
	cmd := exec.Command(bin, "-from-start", "-batch-size", "100", "-flush-interval", "1h", "-poll", "10ms", path)
	cmd.Env = append(os.Environ(), "LW_URL="+base, "LW_KEY="+key, "LW_SERVICE=agent-sigterm")
	cmd.Stderr = stderr.f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Two full batches are shipped; 50 lines wait for a flush that is an hour away.
	deadline := time.Now().Add(30 * time.Second)
	for len(storedMessages(t, base, "agent-sigterm")) < 200 {
		select {
		case err := <-exited:
			t.Fatalf("the agent exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond): // pacing the poll of a condition, not synchronization
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first batches did not arrive\n%s", stderr.String())
		}
	}
	writeLines(t, path, 250, 369, "line 369")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("agent: %v\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the agent did not exit after SIGTERM\n%s", stderr.String())
	}

	got := storedMessages(t, base, "agent-sigterm")
	seen := map[string]int{}
	for _, m := range got {
		seen[m]++
	}
	for i := range 370 {
		if n := seen[fmt.Sprintf("line %d", i)]; n != 1 {
			t.Errorf("line %d stored %d times", i, n)
		}
	}
	if len(got) != 370 {
		t.Errorf("%d logs stored, want 370\n%s", len(got), stderr.String())
	}
	if !strings.Contains(stderr.String(), "sent=370") {
		t.Errorf("the agent's summary: %s", stderr.String())
	}
}

// TestStdinIsShippedToTheEnd pipes lines into the agent's standard input and
// closes it: the agent ships them all and exits by itself.
func TestStdinIsShippedToTheEnd(t *testing.T) {
	base := startLightwatch(t, nil)
	var input strings.Builder
	for i := range 30 {
		fmt.Fprintf(&input, "stdin %d\n", i)
	}
	var stderr strings.Builder
	code := run(context.Background(), []string{"-url", base, "-service", "agent-stdin", "-level", "warn"},
		func(k string) string { return map[string]string{"LW_KEY": key}[k] }, strings.NewReader(input.String()), &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := storedMessages(t, base, "agent-stdin"); len(got) != 30 || got[0] != "stdin 0" || got[29] != "stdin 29" {
		t.Fatalf("stored %q", got)
	}
}

// TestRateLimitedAgentLosesNothing runs the agent against a server that
// allows its key one request a second: the 429s' Retry-After paces it, and
// every line is stored once.
func TestRateLimitedAgentLosesNothing(t *testing.T) {
	base := startLightwatch(t, func(c *config.Config) { c.RateLimit, c.RateBurst = 1, 1 })
	created, err := queryClient(t, base).CreateKeyWithResponse(context.Background(),
		queryclient.APIKeyInput{Name: "agent", Scopes: []queryclient.Scope{queryclient.Ingest}})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("create key: %v %s", err, created.Body)
	}
	var input strings.Builder
	for i := range 40 {
		fmt.Fprintf(&input, "limited %d\n", i)
	}
	var stderr strings.Builder
	env := map[string]string{"LW_URL": base, "LW_KEY": created.JSON201.Key, "LW_SERVICE": "agent-limited", "LW_BATCH_SIZE": "10"}
	if code := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(input.String()), &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "429 Too Many Requests") || strings.Contains(stderr.String(), "retries=0") {
		t.Errorf("four requests in a row at one a second were not rate limited:\n%s", stderr.String())
	}
	got := storedMessages(t, base, "agent-limited")
	seen := map[string]bool{}
	for _, m := range got {
		seen[m] = true
	}
	if len(got) != 40 || len(seen) != 40 {
		t.Fatalf("%d logs stored (%d distinct), want 40", len(got), len(seen))
	}
}

func TestFlagsWinOverVariables(t *testing.T) {
	env := map[string]string{"LW_SERVICE": "from-env", "LW_BATCH_SIZE": "10", "LW_KEY": "k"}
	cfg, err := parse([]string{"-service", "from-flag", "a.log", "b.log"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Service != "from-flag" || cfg.BatchSize != 10 || cfg.Key != "k" || strings.Join(cfg.Files, ",") != "a.log,b.log" {
		t.Errorf("config %+v", cfg)
	}
	if _, err := parse([]string{"-poll", "soon", "-batch-size", "many"}, func(string) string { return "" }, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "-poll") || !strings.Contains(err.Error(), "-batch-size") {
		t.Errorf("bad values: %v", err)
	}
}

// TestREADMEListsEverySetting keeps the README's agent table and the flags in step.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(LW_[A-Z_]+)` \\| `-([a-z-]+)` \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		documented[m[2]] = m[1]
	}
	all := settings()
	for _, s := range all {
		if documented[s.flag] != s.env {
			t.Errorf("README: no row for -%s / %s", s.flag, s.env)
		}
	}
	if len(documented) != len(all) {
		t.Errorf("README documents %d agent settings, the agent has %d", len(documented), len(all))
	}
}
