package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "faulttest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "lightwatch")
	if err := build(binPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles the server as users run it (without -race: the suite tests
// the process's behaviour under faults, and a race build is several times slower).
func build(bin string) error {
	var out bytes.Buffer
	if err := loadtest.Build(context.Background(), bin, &out); err != nil {
		return fmt.Errorf("%w\n%s", err, out.String())
	}
	return nil
}

// server is one run of the binary.
type server struct {
	*loadtest.Server
	key string
}

func spawn(t *testing.T, dir, key string, env ...string) *server {
	t.Helper()
	s, err := loadtest.Spawn(binPath, dir, key, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-s.Exited():
		default:
			_ = s.Stop(10 * time.Second)
		}
	})
	if err := loadtest.WaitReady(context.Background(), s.Base, s.Exited(), 30*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, s.LogTail())
	}
	return &server{Server: s, key: key}
}

// load sends batches of log events with client ids from workers until
// stopped, and records which ids were acknowledged and what else came back.
type load struct {
	base, key string
	client    *http.Client

	mu       sync.Mutex
	acked    map[string]bool
	failed   [][]string // batches not acknowledged, to retry
	statuses map[int]int
	sent     int

	ackedN atomic.Int64
	next   atomic.Int64
	stop   chan struct{}
	wg     sync.WaitGroup
}

const batchSize = 20

func startLoad(base, key string, workers int) *load {
	l := &load{base: base, key: key, client: &http.Client{Timeout: 15 * time.Second},
		acked: map[string]bool{}, statuses: map[int]int{}, stop: make(chan struct{})}
	for range workers {
		l.wg.Go(l.work)
	}
	return l
}

func (l *load) work() {
	for {
		select {
		case <-l.stop:
			return
		default:
		}
		ids := make([]string, batchSize)
		for i := range ids {
			ids[i] = fmt.Sprintf("f-%d", l.next.Add(1))
		}
		l.send(ids)
	}
}

func body(ids []string) []byte {
	var b bytes.Buffer
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	for _, id := range ids {
		fmt.Fprintf(&b, `{"id":%q,"service":"fault","level":"info","message":"m","ts":%q}`+"\n", id, ts)
	}
	return b.Bytes()
}

// send posts one batch; status 0 is a transport error.
func (l *load) send(ids []string) int {
	req, _ := http.NewRequest(http.MethodPost, l.base+"/ingest/logs", bytes.NewReader(body(ids)))
	req.Header.Set("Authorization", "Bearer "+l.key)
	req.Header.Set("Content-Type", "application/x-ndjson")
	status := 0
	if resp, err := l.client.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent += len(ids)
	l.statuses[status]++
	if status == http.StatusAccepted {
		for _, id := range ids {
			l.acked[id] = true
		}
		l.ackedN.Add(int64(len(ids)))
	} else {
		l.failed = append(l.failed, ids)
	}
	return status
}

func (l *load) halt() {
	close(l.stop)
	l.wg.Wait()
}

// waitAcked waits until n more events than now have been acknowledged.
func (l *load) waitAcked(t *testing.T, n int64) {
	t.Helper()
	target := l.ackedN.Load() + n
	testwait.Until(t, fmt.Sprintf("%d events acknowledged", target), 60*time.Second, func() bool { return l.ackedN.Load() >= target })
}

// stored lists every event id the API returns for the test's service, with repeats.
func stored(t *testing.T, base, key string) map[string]int {
	t.Helper()
	found := map[string]int{}
	from := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
	to := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	path := "/api/logs?service=fault&limit=1000&from=" + url.QueryEscape(from) + "&to=" + url.QueryEscape(to)
	for cursor := ""; ; {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequest(http.MethodGet, base+p, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items      []struct{ ID string } `json:"items"`
			NextCursor string                `json:"next_cursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d %v", resp.StatusCode, err)
		}
		for _, it := range page.Items {
			found[it.ID]++
		}
		if page.NextCursor == "" {
			return found
		}
		cursor = page.NextCursor
	}
}

// verify checks that every acknowledged event is stored once and logs the figures.
func verify(t *testing.T, fault string, l *load, base, key string) {
	t.Helper()
	found := stored(t, base, key)
	dupes, missing := 0, 0
	for _, n := range found {
		if n > 1 {
			dupes += n - 1
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.acked {
		if found[id] == 0 {
			missing++
		}
	}
	t.Logf("FIGURES %s: sent %d, acknowledged %d, found %d, duplicates %d, missing %d, statuses %v",
		fault, l.sent, len(l.acked), len(found), dupes, missing, l.statuses)
	if missing > 0 || dupes > 0 {
		t.Errorf("%s: %d acknowledged events missing, %d duplicates", fault, missing, dupes)
	}
}

// Redis killed and restarted during sustained ingest: every 202 is stored,
// and ingest never answers 5xx for Redis alone.
func TestRedisKilledAndRestartedDuringIngest(t *testing.T) {
	rs := redistest.StartServer(t)
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	s := spawn(t, t.TempDir(), key, "LIGHTWATCH_REDIS_URL="+rs.URL)
	l := startLoad(s.Base, key, 4)
	l.waitAcked(t, 2000)
	rs.Stop()
	l.waitAcked(t, 2000) // ingest goes on with Redis down
	redistest.Restart(t, rs)
	l.waitAcked(t, 2000)
	l.halt()
	verify(t, "redis killed and restarted", l, s.Base, key)
	for status, n := range l.statuses {
		if status != http.StatusAccepted {
			t.Errorf("%d requests answered %d; want every one 202 (Redis alone must not fail ingest)", n, status)
		}
	}
	if strings.Contains(s.LogTail(), "panic") {
		t.Errorf("the server panicked:\n%s", s.LogTail())
	}
}

// kill -9 under load, then a restart on the same data: every acknowledged
// event is there, and retrying what was not acknowledged stores nothing twice.
func TestKill9UnderLoadThenRestart(t *testing.T) {
	dir := t.TempDir()
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	s := spawn(t, dir, key)
	l := startLoad(s.Base, key, 4)
	l.waitAcked(t, 4000)
	if err := s.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.Exited()
	l.halt()

	again := spawn(t, dir, key)
	l.base = again.Base
	l.mu.Lock()
	retry := l.failed
	l.failed = nil
	l.mu.Unlock()
	for _, ids := range retry { // a client retries what was not acknowledged, with the same ids
		if status := l.send(ids); status != http.StatusAccepted {
			t.Fatalf("retry after restart: %d", status)
		}
	}
	verify(t, "kill -9 and restart", l, again.Base, key)
}

// setFileSizeLimit changes the running server's RLIMIT_FSIZE with prlimit(1):
// a limit of 1 byte makes every write past the first byte fail with EFBIG,
// as a full disk does (Go ignores SIGXFSZ).
func setFileSizeLimit(t *testing.T, pid int, limit string) {
	t.Helper()
	out, err := exec.Command("prlimit", "--pid", strconv.Itoa(pid), "--fsize="+limit).CombinedOutput()
	if err != nil {
		t.Fatalf("prlimit: %v: %s", err, out)
	}
}

// The store refuses writes (a full disk): ingest answers 503 with Retry-After,
// nothing acknowledged is lost, and ingest recovers by itself once space returns.
func TestStoreRefusesWritesThenRecovers(t *testing.T) {
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	s := spawn(t, t.TempDir(), key)
	l := startLoad(s.Base, key, 2)
	l.waitAcked(t, 1000)
	setFileSizeLimit(t, s.Pid(), "1:unlimited") // the soft limit only: lowering the hard one could not be undone
	testwait.Until(t, "ingest answered 503 with the disk full", 60*time.Second, func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.statuses[http.StatusServiceUnavailable] > 0
	})
	// One request by hand: it must carry Retry-After.
	req, _ := http.NewRequest(http.MethodPost, s.Base+"/ingest/logs", bytes.NewReader(body([]string{"by-hand"})))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("with the disk full: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	setFileSizeLimit(t, s.Pid(), "unlimited:unlimited")
	l.waitAcked(t, 1000) // recovers by itself
	l.halt()
	verify(t, "store refuses writes, then recovers", l, s.Base, key)
	for status, n := range l.statuses {
		if status != http.StatusAccepted && status != http.StatusServiceUnavailable {
			t.Errorf("%d requests answered %d; want 202 or 503", n, status)
		}
	}
}
