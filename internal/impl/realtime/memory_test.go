package realtime

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Environment of the helper process that holds the client ends.
const (
	envDialURL = "LIGHTWATCH_REALTIME_TEST_DIAL_URL"
	envDialN   = "LIGHTWATCH_REALTIME_TEST_DIAL_N"
)

// 10,000 idle subscribed connections must cost this process less than
// 600 MB resident. The client ends live in a child process (this test
// binary again, running TestHelperHoldConnections), so the resident growth
// measured here is the server's alone, and each process stays within its
// file descriptor limit.
func TestIdleConnectionsStaySmall(t *testing.T) {
	n, limit := 10000, int64(600<<20)
	if raceEnabled {
		n = 500 // the race detector's shadow memory makes the cost meaningless
	}
	h := newHarness(t, redisClient(t), func(o *Options) { o.MaxConnsPerKey, o.MaxConnsPerTenant = n, n })
	before := residentBytes(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperHoldConnections$", "-test.count=1")
	cmd.Env = append(os.Environ(), envDialURL+"="+h.wsURL+"/ws/logs?service=checkout&level=error", envDialN+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = stdin.Close() // the helper exits when its stdin closes
		_ = cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	ready := false
	for lines.Scan() {
		if lines.Text() == "ready" {
			ready = true
			break
		}
	}
	if !ready {
		t.Fatalf("the helper did not get its connections up: %s", stderr.String())
	}
	gauge := h.svc.m.connections.WithLabelValues("logs")
	waitFor(t, "every connection to be registered", func() bool { return h.counter(gauge) == float64(n) })

	after := residentBytes(t)
	grown := after - before
	t.Logf("%d idle connections: resident %d MB → %d MB, %.1f KB per connection", n, before>>20, after>>20, float64(grown)/float64(n)/1024)
	if !raceEnabled && grown > limit {
		t.Errorf("%d idle connections grew resident memory by %d MB, over %d MB", n, grown>>20, limit>>20)
	}

	// They are live, not just open: one event reaches every one of them.
	h.publish(logEvent("acme", "to-all", "checkout", "error", "x", nil))
	if _, err := fmt.Fprintln(stdin, "expect to-all"); err != nil {
		t.Fatal(err)
	}
	if !lines.Scan() || lines.Text() != "got all" {
		t.Fatalf("the helper's connections did not all get the event: %q %s", lines.Text(), stderr.String())
	}
}

// residentBytes is this process's resident set size after a collection
// that returns freed memory to the OS.
func residentBytes(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("resident memory is read from /proc: %v", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestHelperHoldConnections is the client side of TestIdleConnectionsStaySmall,
// run in a child process; on its own it has nothing to do.
func TestHelperHoldConnections(t *testing.T) {
	url, n := os.Getenv(envDialURL), os.Getenv(envDialN)
	if url == "" {
		return
	}
	count, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	conns := make([]*websocket.Conn, count)
	var wg sync.WaitGroup
	errs := make(chan error, count)
	sem := make(chan struct{}, 64)
	dialer := &websocket.Dialer{HandshakeTimeout: time.Minute, ReadBufferSize: 1024, WriteBufferSize: 1024}
	hdr := map[string][]string{"Authorization": {"Bearer " + acmeKey}}
	for i := range conns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			conn, _, err := dialer.Dial(url, hdr)
			if err != nil {
				errs <- err
				return
			}
			_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
			if _, msg, err := conn.ReadMessage(); err != nil || !bytes.Contains(msg, []byte(`"subscribed"`)) {
				errs <- fmt.Errorf("first message %q: %w", msg, err)
				return
			}
			conns[i] = conn
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		id, ok := strings.CutPrefix(in.Text(), "expect ")
		if !ok {
			continue
		}
		for _, conn := range conns {
			wg.Go(func() {
				_, msg, err := conn.ReadMessage()
				if err != nil || !bytes.Contains(msg, []byte(`"id":"`+id+`"`)) {
					t.Errorf("got %q, %v", msg, err)
				}
			})
		}
		wg.Wait()
		if !t.Failed() {
			fmt.Println("got all")
		}
	}
}
