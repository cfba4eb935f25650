package app_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
)

// gatedStore holds every event write at a gate until the test opens it.
type gatedStore struct {
	store.Store
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedStore) InsertEvents(ctx context.Context, evs []event.Event) ([]bool, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.Store.InsertEvents(ctx, evs)
}

func openSQLite(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "lightwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newGatedStore(t *testing.T) *gatedStore {
	t.Helper()
	inner := openSQLite(t, t.TempDir())
	g := &gatedStore{Store: inner, entered: make(chan struct{}, 16), gate: make(chan struct{})}
	t.Cleanup(func() { _ = inner.Close() })
	return g
}

func TestSlowStoreAnswers503AndAcknowledgesNothing(t *testing.T) {
	g := newGatedStore(t)
	s := start(t, func(c *config.Config) { c.WriteTimeout = 100 * time.Millisecond }, app.WithStore(g, 1))
	defer close(g.gate)
	r := s.post("/ingest/logs", adminKey, "application/json", []byte(`{"id":"slow-1","service":"a","message":"m"}`))
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q: %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
	}
}

func TestFullWriteQueueAnswers503AtOnce(t *testing.T) {
	g := newGatedStore(t)
	s := start(t, func(c *config.Config) { c.WriteQueue = 5 }, app.WithStore(g, 1))
	held := make(chan response, 1)
	go func() {
		held <- s.post("/ingest/logs", adminKey, "application/json", []byte(`[{"service":"a","message":"1"},{"service":"a","message":"2"},{"service":"a","message":"3"}]`))
	}()
	<-g.entered // 3 of the 5 queued events are in a write that cannot finish
	r := s.post("/ingest/logs", adminKey, "application/json", []byte(`[{"service":"a","message":"4"},{"service":"a","message":"5"},{"service":"a","message":"6"}]`))
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q: %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
	}
	close(g.gate)
	if r := <-held; r.StatusCode != http.StatusAccepted {
		t.Fatalf("held request: %d", r.StatusCode)
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 3 {
		t.Fatalf("stored %d events, want the 3 acknowledged", n)
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	g := newGatedStore(t)
	s := start(t, nil, app.WithStore(g, 1))
	inflight := make(chan response, 1)
	go func() {
		inflight <- s.post("/ingest/logs", adminKey, "application/json", []byte(`{"id":"in-flight","service":"a","message":"m"}`))
	}()
	<-g.entered
	stopped := make(chan struct{})
	go func() { s.stop(); close(stopped) }()
	// New connections are refused once shutdown has begun.
	waitFor(t, "the listener to close", func() bool {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err != nil
	})
	close(g.gate)
	if r := <-inflight; r.StatusCode != http.StatusAccepted {
		t.Fatalf("in-flight request got %d: %s", r.StatusCode, r.Body)
	}
	<-stopped
	got, err := g.GetEvents(context.Background(), apikey.DefaultTenant, []string{"in-flight"})
	if err != nil || len(got) != 1 {
		t.Fatalf("acknowledged event not stored: %v %v", got, err)
	}
}

// TestAcknowledgedEventsSurviveKill9 runs the real binary, kills it with
// SIGKILL right after a 202 and opens its store again.
func TestAcknowledgedEventsSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "lightwatch")
	build := exec.Command("go", "build", "-o", bin, "github.com/lightwatch/lightwatch/cmd/lightwatch")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "LIGHTWATCH_ADDR=127.0.0.1:0", "LIGHTWATCH_DATA_DIR="+dataDir,
		"LIGHTWATCH_BOOTSTRAP_KEY="+adminKey, "LIGHTWATCH_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	url := listenURL(t, stdout)

	// The binary sets its own GOGC unless the environment does.
	wantGOGC := fmt.Sprint(app.DefaultGCPercent)
	if v := os.Getenv("GOGC"); v != "" {
		wantGOGC = v
	}
	if m, err := http.Get(url + "/metrics"); err != nil {
		t.Fatal(err)
	} else {
		metrics, _ := io.ReadAll(m.Body)
		m.Body.Close()
		if !strings.Contains(string(metrics), "\ngo_gc_gogc_percent "+wantGOGC+"\n") {
			t.Errorf("/metrics does not say go_gc_gogc_percent %s", wantGOGC)
		}
	}

	var body strings.Builder
	var want []string
	for i := range 500 {
		id := fmt.Sprintf("durable-%03d", i)
		want = append(want, id)
		fmt.Fprintf(&body, "{\"id\":%q,\"service\":\"a\",\"message\":\"m\"}\n", id)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/ingest/logs", strings.NewReader(body.String()))
	req.Header.Set("Authorization", "Bearer "+adminKey)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
		t.Fatal(err)
	}
	killed = true
	var exitErr *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exitErr) {
		t.Fatalf("wait: %v", err)
	}

	st := openSQLite(t, dataDir)
	defer st.Close()
	got, err := st.GetEvents(context.Background(), apikey.DefaultTenant, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d of %d acknowledged events survived kill -9", len(got), len(want))
	}
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// listenURL reads the binary's banner until it names its address.
func listenURL(t *testing.T, stdout io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("the binary never said where it listens")
		return ""
	}
}
