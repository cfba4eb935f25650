package deploycheck_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/deploycheck"
	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second
	waitTimeout  = 20 * time.Second
)

// binaries builds cmd/ingest, cmd/api and cmd/realtime, as the images do,
// and returns their paths by name.
func binaries(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	var pkgs []string
	for name := range lightwatchServices {
		pkgs = append(pkgs, "github.com/lightwatch/lightwatch/cmd/"+name)
	}
	if err := loadtest.BuildCommands(t.Context(), dir, &out, pkgs...); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	bins := map[string]string{}
	for name := range lightwatchServices {
		bins[name] = filepath.Join(dir, name)
	}
	return bins
}

// instance is one Lightwatch process of the test.
type instance struct {
	name string
	srv  *loadtest.Server
}

// spawn starts n processes of a binary against the given MongoDB and Redis,
// and stops them (gracefully, checked) when the test ends unless the test
// stopped them itself.
func spawn(t *testing.T, bins map[string]string, name string, n int, key, mongoURI, redisURL string) []*instance {
	t.Helper()
	var out []*instance
	for range n {
		s, err := loadtest.Spawn(bins[name], t.TempDir(), key, []string{
			"LIGHTWATCH_MONGO_URI=" + mongoURI,
			"LIGHTWATCH_REDIS_URL=" + redisURL,
			"LIGHTWATCH_LOG_LEVEL=info",
			"LIGHTWATCH_LOG_FORMAT=json",
			"LIGHTWATCH_SHUTDOWN_TIMEOUT=10s",
			"LIGHTWATCH_ALERT_INTERVAL=5s",
		})
		if err != nil {
			t.Fatal(err)
		}
		in := &instance{name: name, srv: s}
		t.Cleanup(func() {
			select {
			case <-s.Exited():
			default:
				_ = s.Stop(stopTimeout)
			}
		})
		out = append(out, in)
	}
	return out
}

func waitReady(t *testing.T, ins ...*instance) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(ins))
	for i, in := range ins {
		wg.Go(func() { errs[i] = loadtest.WaitReady(t.Context(), in.srv.Base, in.srv.Exited(), readyTimeout) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v\n%s", ins[i].name, err, ins[i].srv.LogTail())
		}
	}
}

// TestSeparateProcesses runs the binaries the images hold as separate
// processes against a real redis-server and the MongoDB-protocol stand-in.
func TestSeparateProcesses(t *testing.T) {
	bins := binaries(t)
	t.Run("scale-out", func(t *testing.T) { testScaleOut(t, bins) })
	t.Run("ready without redis", func(t *testing.T) { testReadyWithoutRedis(t, bins) })
}

// The deployment's topology, as processes on this machine: two ingest and two
// realtime instances and an api, separate binaries on one redis-server and
// one MongoDB-protocol server (FerretDB), behind a gateway that routes like
// the Traefik of compose.yaml. Events ingested through either ingest
// instance reach WebSocket clients of both realtime instances and the query
// API; every process is ready only with its dependencies, probes itself,
// serves /metrics, logs JSON and stops gracefully on SIGTERM.
func testScaleOut(t *testing.T, bins map[string]string) {
	p := loadCompose(t, map[string]string{"LIGHTWATCH_BOOTSTRAP_KEY": testKey}, repoPath("compose.yaml"))
	routes, err := deploycheck.Routes(p)
	if err != nil {
		t.Fatal(err)
	}
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	mongoURI := ferrettest.Start(t)
	redisURL := redistest.Start(t)

	// The api first: it creates the collections and indexes once, and the
	// others then find them (as with compose, where all start together, any
	// order works; this only keeps FerretDB's schema changes serial).
	api := spawn(t, bins, "api", 1, key, mongoURI, redisURL)
	waitReady(t, api...)
	ingest := spawn(t, bins, "ingest", 2, key, mongoURI, redisURL)
	realtime := spawn(t, bins, "realtime", 2, key, mongoURI, redisURL)
	all := slices.Concat(api, ingest, realtime)
	waitReady(t, all...)

	for _, in := range all {
		checkOperations(t, bins, in)
	}

	gw := newGateway(t, routes, map[string][]string{
		"ingest": bases(ingest), "api": bases(api), "realtime": bases(realtime),
	})
	front := httptest.NewServer(gw)
	defer front.Close()

	// Four WebSocket clients through the gateway: round robin puts two on
	// each realtime instance.
	clients := make([]*wsClient, 4)
	for i := range clients {
		clients[i] = dialWS(t, front.URL, "/ws/logs?service=scaleout", key)
		if m := clients[i].next(t); m.Type != "subscribed" {
			t.Fatalf("client %d: first message %+v, want subscribed", i, m)
		}
	}
	for _, rt := range realtime {
		if n := gw.served(rt.srv.Base); n != 2 {
			t.Errorf("realtime %s got %d WebSocket connections, want 2", rt.srv.Base, n)
		}
		waitMetric(t, rt.srv.Base, `lightwatch_realtime_connections{channel="logs"}`, 2)
	}

	// Four batches through the gateway: two through each ingest instance.
	var want []string
	for b := range 4 {
		var events []string
		for i := range 5 {
			id := fmt.Sprintf("so-%d-%d", b, i)
			want = append(want, id)
			events = append(events, fmt.Sprintf(`{"id":%q,"service":"scaleout","level":"warn","message":"batch %d"}`, id, b))
		}
		body := post(t, front.URL+"/ingest/logs", key, "["+strings.Join(events, ",")+"]")
		if !strings.HasPrefix(body, `{"accepted":5,`) {
			t.Fatalf("batch %d: %s", b, body)
		}
	}
	for _, in := range ingest {
		if n := gw.served(in.srv.Base); n != 2 {
			t.Errorf("ingest %s got %d requests, want 2", in.srv.Base, n)
		}
		waitMetric(t, in.srv.Base, `lightwatch_events_accepted_total{kind="log"}`, 10)
	}
	slices.Sort(want)

	// Every client, on either realtime instance, gets every event.
	for i, c := range clients {
		if got := c.eventIDs(t, len(want)); !slices.Equal(got, want) {
			t.Errorf("client %d got %v, want %v", i, got, want)
		}
	}
	// And the query API has them all.
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(get(t, front.URL+"/api/logs?service=scaleout&limit=100", key)), &page); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range page.Items {
		got = append(got, it.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("GET /api/logs has %v, want %v", got, want)
	}
	// The web console comes through the gateway from api, page and assets.
	if code, body := getStatus(t, front.URL+"/"); code != http.StatusOK || !strings.Contains(body, `src="assets/app.js"`) {
		t.Errorf("GET / through the gateway: %d %.200s", code, body)
	}
	if code := status(t, front.URL+"/assets/app.js"); code != http.StatusOK {
		t.Errorf("GET /assets/app.js through the gateway: %d", code)
	}
	// Paths Traefik does not route stay inside.
	if code := status(t, front.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics through the gateway: %d, want 404", code)
	}

	// Resident memory of each service after this traffic, for deploy/README.md.
	for _, in := range all {
		if rss, err := in.srv.RSS(); err == nil {
			t.Logf("%s %s: %.0f MB resident", in.name, in.srv.Base, float64(rss)/1e6)
		}
	}

	// SIGTERM to all at once, as `docker compose down` does: every process
	// drains and exits 0; realtime says goodbye (1001).
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, in := range all {
		wg.Go(func() { errs[i] = in.srv.Stop(stopTimeout) })
	}
	wg.Wait()
	for i, in := range all {
		if errs[i] != nil {
			t.Errorf("%s %s: stop: %v\n%s", in.name, in.srv.Base, errs[i], in.srv.LogTail())
		}
		checkJSONLogs(t, in)
	}
	for i, c := range clients {
		c.expectGoingAway(t, i)
	}
}

// An instance is ready while its store answers: with Redis gone, /readyz
// stays 200 (ingest works without Redis, and Traefik must keep routing to
// it) and says Redis is unavailable, and the healthcheck command passes.
func testReadyWithoutRedis(t *testing.T, bins map[string]string) {
	key, err := loadtest.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	mongoURI := ferrettest.Start(t)
	redis := redistest.StartServer(t)
	var all []*instance
	for _, name := range []string{"api", "ingest", "realtime"} {
		in := spawn(t, bins, name, 1, key, mongoURI, redis.URL)
		waitReady(t, in...) // one at a time: see testScaleOut
		all = append(all, in...)
	}
	redis.Stop()
	for _, in := range all {
		deadline := time.Now().Add(waitTimeout)
		for {
			code, body := getStatus(t, in.srv.Base+"/readyz")
			if code == http.StatusOK && strings.Contains(body, "redis: unavailable") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz still %d %s with Redis stopped", in.name, code, body)
			}
			time.Sleep(50 * time.Millisecond) // polling interval, not synchronization
		}
		if code, _ := getStatus(t, in.srv.Base+"/healthz"); code != http.StatusOK {
			t.Errorf("%s: /healthz %d, want 200: the process is alive", in.name, code)
		}
		if err := healthcheck(bins[in.name], in.srv.Addr); err != nil {
			t.Errorf("%s: healthcheck failed with only Redis stopped: %v", in.name, err)
		}
	}
}

func bases(ins []*instance) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.srv.Base)
	}
	return out
}

// healthcheck runs `<binary> healthcheck` as a container runtime would.
func healthcheck(bin, addr string) error {
	cmd := exec.Command(bin, "healthcheck")
	cmd.Env = append(os.Environ(), "LIGHTWATCH_ADDR="+addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// checkOperations: /healthz, /metrics and the healthcheck command of one
// ready instance.
func checkOperations(t *testing.T, bins map[string]string, in *instance) {
	t.Helper()
	if code, _ := getStatus(t, in.srv.Base+"/healthz"); code != http.StatusOK {
		t.Errorf("%s: /healthz %d", in.name, code)
	}
	if code, body := getStatus(t, in.srv.Base+"/metrics"); code != http.StatusOK || !strings.Contains(body, "lightwatch_http_requests_total") {
		t.Errorf("%s: /metrics %d without lightwatch_http_requests_total", in.name, code)
	}
	if err := healthcheck(bins[in.name], in.srv.Addr); err != nil {
		t.Errorf("%s: healthcheck: %v", in.name, err)
	}
}

// checkJSONLogs: every line the process logged is a JSON object with time,
// level, msg and the service's name, and it logged its shutdown.
func checkJSONLogs(t *testing.T, in *instance) {
	t.Helper()
	b, err := os.ReadFile(in.srv.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	lines, shutdown := 0, false
	for sc.Scan() {
		lines++
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("%s: log line %d is not JSON: %s", in.name, lines, sc.Text())
			continue
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("%s: log line %d has no %s: %s", in.name, lines, k, sc.Text())
			}
		}
		if rec["service"] != in.name {
			t.Errorf("%s: log line %d has service %v", in.name, lines, rec["service"])
		}
		shutdown = shutdown || rec["msg"] == "shutting down"
	}
	if !shutdown {
		t.Errorf("%s logged no shutdown (%d lines)", in.name, lines)
	}
}

func waitMetric(t *testing.T, base, sample string, want float64) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		_, body := getStatus(t, base+"/metrics")
		var v float64
		for _, l := range strings.Split(body, "\n") {
			if rest, ok := strings.CutPrefix(l, sample+" "); ok {
				_, _ = fmt.Sscan(rest, &v)
			}
		}
		if v == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s = %v, want %v", base, sample, v, want)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not synchronization
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func status(t *testing.T, url string) int {
	code, _ := getStatus(t, url)
	return code
}

func get(t *testing.T, url, key string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	return do(t, req, http.StatusOK)
}

func post(t *testing.T, url, key, body string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	return do(t, req, http.StatusAccepted)
}

func do(t *testing.T, req *http.Request, want int) string {
	t.Helper()
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL, resp.StatusCode, b, want)
	}
	return string(b)
}

// wsClient reads the realtime framing: NDJSON messages in WebSocket messages.
type wsClient struct {
	conn    *websocket.Conn
	pending []wsMessage
}

type wsMessage struct {
	Type  string `json:"type"`
	Event struct {
		ID string `json:"id"`
	} `json:"event"`
}

func dialWS(t *testing.T, base, path, key string) *wsClient {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + key}}
	conn, resp, err := websocket.DefaultDialer.DialContext(t.Context(), "ws"+strings.TrimPrefix(base, "http")+path, h)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", path, err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	return &wsClient{conn: conn}
}

func (c *wsClient) next(t *testing.T) wsMessage {
	t.Helper()
	for len(c.pending) == 0 {
		_ = c.conn.SetReadDeadline(time.Now().Add(waitTimeout))
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var m wsMessage
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("message %s: %v", line, err)
			}
			c.pending = append(c.pending, m)
		}
	}
	m := c.pending[0]
	c.pending = c.pending[1:]
	return m
}

// eventIDs reads n event messages and returns their ids, sorted.
func (c *wsClient) eventIDs(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for len(ids) < n {
		if m := c.next(t); m.Type == "event" {
			ids = append(ids, m.Event.ID)
		} else {
			t.Errorf("unexpected %s message", m.Type)
		}
	}
	slices.Sort(ids)
	return ids
}

func (c *wsClient) expectGoingAway(t *testing.T, i int) {
	t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(waitTimeout))
	for {
		_, data, err := c.conn.ReadMessage()
		if err == nil {
			t.Errorf("client %d: unexpected message after shutdown: %s", i, data)
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("client %d: connection ended with %v, want close 1001 (going away)", i, err)
		}
		return
	}
}
