package logship

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/ingestclient"
)

// fault is a scripted answer of the fake ingest server to one request.
type fault struct {
	status     int
	retryAfter string
	store      bool // store the batch before answering (the answer is lost, the write is not)
	hangUp     bool // close the connection without an answer
}

// ingestServer is a fake /ingest/logs that stores events by id, as the real
// one does, and answers the first requests with scripted faults.
type ingestServer struct {
	*httptest.Server
	t        *testing.T
	mu       sync.Mutex
	faults   []fault
	stored   map[string]ingestclient.LogEvent // by id
	order    []string                         // messages, in the order first stored
	requests []request
}

// request is what the server saw of one request.
type request struct {
	at      time.Time
	ids     []string
	answer  int
	headers http.Header
}

func newIngestServer(t *testing.T, faults ...fault) *ingestServer {
	s := &ingestServer{t: t, faults: faults, stored: map[string]ingestclient.LogEvent{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

func (s *ingestServer) handle(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ingest/logs" || r.Header.Get("Authorization") != "Bearer test-key" ||
		r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Content-Encoding") != "gzip" {
		s.t.Errorf("unexpected request %s %s %v", r.Method, r.URL, r.Header)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		s.t.Errorf("body is not gzip: %v", err)
		return
	}
	var events []ingestclient.LogEvent
	if err := json.NewDecoder(zr).Decode(&events); err != nil {
		s.t.Errorf("body is not a JSON array of log events: %v", err)
		return
	}
	var ids []string
	for _, e := range events {
		if e.Id == nil || e.Ts == nil || e.Level == nil || e.Service != "checkout" {
			s.t.Errorf("event without id, ts, level or service: %+v", e)
			return
		}
		ids = append(ids, *e.Id)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	f := fault{status: http.StatusAccepted, store: true}
	if len(s.faults) > 0 {
		f, s.faults = s.faults[0], s.faults[1:]
	}
	s.requests = append(s.requests, request{at: time.Now(), ids: ids, answer: f.status, headers: r.Header.Clone()})
	if f.store {
		for _, e := range events {
			if _, ok := s.stored[*e.Id]; !ok {
				s.stored[*e.Id] = e
				s.order = append(s.order, e.Message)
			}
		}
	}
	if f.hangUp {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	if f.status == http.StatusAccepted {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		json.NewEncoder(w).Encode(ingestclient.IngestResult{Accepted: len(ids), Ids: ids})
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(f.status)
	fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":"scripted"}`, http.StatusText(f.status), f.status)
}

// messages are the stored messages, in the order first stored.
func (s *ingestServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

func (s *ingestServer) requestLog() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// testConfig ships the lines of stdin to srv in batches of 50, retrying
// network errors and 5xx after 10 ms.
func testConfig(srv *ingestServer, stdin io.Reader) Config {
	return Config{
		URL: srv.URL, Key: "test-key", Service: "checkout", Host: "web-1", Level: "info", Stdin: stdin,
		BatchSize: 50, BatchBytes: 1 << 20, FlushInterval: time.Hour, RequestTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second,
		NewBackOff: func() backoff.BackOff { return backoff.NewConstantBackOff(10 * time.Millisecond) },
	}
}

func numbered(n int) (string, []string) {
	var b strings.Builder
	var want []string
	for i := range n {
		fmt.Fprintf(&b, "line %d\n", i)
		want = append(want, fmt.Sprintf("line %d", i))
	}
	return b.String(), want
}

func quietLog(t *testing.T) *slog.Logger {
	return slog.New(slog.DiscardHandler)
}

func TestRetriesLoseNothingAndDuplicateNothing(t *testing.T) {
	srv := newIngestServer(t,
		fault{status: http.StatusTooManyRequests, retryAfter: "1"},
		fault{status: http.StatusServiceUnavailable, retryAfter: "1", store: true}, // stored, but the client hears 503
		fault{hangUp: true},
		fault{status: http.StatusBadGateway},
	)
	input, want := numbered(230)
	res, err := Run(context.Background(), testConfig(srv, strings.NewReader(input)), quietLog(t))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, srv.messages(), want...) // each exactly once, in order
	if res.Sent != 230 || res.Batches != 5 || res.Retries != 4 || res.Dropped != 0 {
		t.Errorf("result %+v", res)
	}

	reqs := srv.requestLog()
	if len(reqs) != 9 {
		t.Fatalf("%d requests, want 5 batches + 4 retries", len(reqs))
	}
	// the first batch was sent five times, each time with the same ids
	for _, r := range reqs[1:5] {
		if strings.Join(r.ids, ",") != strings.Join(reqs[0].ids, ",") {
			t.Fatalf("a retry changed the ids: %v, then %v", reqs[0].ids, r.ids)
		}
	}
	for i, r := range reqs[:2] { // 429 and 503 said Retry-After: 1
		if wait := reqs[i+1].at.Sub(r.at); wait < time.Second {
			t.Errorf("retry %d came %s after a Retry-After of 1 s", i+1, wait)
		}
	}
}

func TestTooLargeBatchesAreSplit(t *testing.T) {
	srv := newIngestServer(t, fault{status: http.StatusRequestEntityTooLarge}, fault{status: http.StatusRequestEntityTooLarge})
	input, want := numbered(50)
	res, err := Run(context.Background(), testConfig(srv, strings.NewReader(input)), quietLog(t))
	if err != nil {
		t.Fatal(err)
	}
	equalLines(t, srv.messages(), want...)
	var sizes []int
	for _, r := range srv.requestLog() {
		sizes = append(sizes, len(r.ids))
	}
	if fmt.Sprint(sizes) != "[50 25 12 13 25]" || res.Batches != 3 {
		t.Errorf("request sizes %v, result %+v", sizes, res)
	}
}

func TestRefusedKeyStopsTheAgent(t *testing.T) {
	srv := newIngestServer(t, fault{status: http.StatusUnauthorized})
	input, _ := numbered(120)
	res, err := Run(context.Background(), testConfig(srv, strings.NewReader(input)), quietLog(t))
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("error %v, want the 401", err)
	}
	if res.Sent != 0 || res.Dropped+50 != 120 || len(srv.requestLog()) != 1 {
		t.Errorf("result %+v after %d requests; want one request and every line dropped", res, len(srv.requestLog()))
	}
}

func TestPartialBatchGoesAfterTheFlushInterval(t *testing.T) {
	srv := newIngestServer(t)
	pr, pw := io.Pipe()
	defer pw.Close()
	cfg := testConfig(srv, pr)
	cfg.FlushInterval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := Run(ctx, cfg, quietLog(t)); done <- err }()

	io.WriteString(pw, "only line\n") // far from a full batch, and the input stays open
	deadline := time.Now().Add(20 * time.Second)
	for len(srv.messages()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the partial batch was not sent")
		}
		time.Sleep(5 * time.Millisecond) // pacing the poll of a condition, not synchronization
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	equalLines(t, srv.messages(), "only line")
}

func TestConfigNamesWhatIsWrong(t *testing.T) {
	err := Config{Service: "has space", Level: "loud", BatchSize: 20000, Stdin: strings.NewReader("")}.Validate()
	for _, want := range []string{"url", "key", "service", "level", "batch-size", "batch-bytes", "flush-interval"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

// runUntil runs the agent until srv has stored n lines in all, then stops it.
func runUntil(t *testing.T, srv *ingestServer, cfg Config, n int) Result {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type ran struct {
		res Result
		err error
	}
	done := make(chan ran, 1)
	go func() { res, err := Run(ctx, cfg, quietLog(t)); done <- ran{res, err} }()
	deadline := time.Now().Add(20 * time.Second)
	for len(srv.messages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d lines stored: %q", len(srv.messages()), n, srv.messages())
		}
		time.Sleep(5 * time.Millisecond) // pacing the poll of a condition, not synchronization
	}
	cancel()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.res
}

func TestRestartsResumeFromTheStateFile(t *testing.T) {
	srv := newIngestServer(t)
	dir := t.TempDir()
	path, state := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	appendTo(t, path, "one\ntwo\n")
	cfg := testConfig(srv, nil)
	cfg.Files, cfg.FromStart, cfg.StateFile, cfg.FlushInterval, cfg.Poll = []string{path}, true, state, 10*time.Millisecond, 5*time.Millisecond

	runUntil(t, srv, cfg, 2)
	appendTo(t, path, "three\n") // while the agent is down
	res := runUntil(t, srv, cfg, 3)
	if res.Sent != 1 {
		t.Errorf("the restart sent %d lines, want only the new one", res.Sent)
	}

	// rotated while the agent was down: the new file is read from its start
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "four\n")
	runUntil(t, srv, cfg, 4)
	equalLines(t, srv.messages(), "one", "two", "three", "four")
}

// TestLevelDetectedFromTheLine: a line that states its level is shipped with
// it (leveldetect, shared with the Loki endpoint); the others get -level.
func TestLevelDetectedFromTheLine(t *testing.T) {
	srv := newIngestServer(t)
	cfg := testConfig(srv, strings.NewReader("2026-12-06 ERROR payment declined\n{\"level\":\"warn\",\"msg\":\"slow\"}\nts=1 level=debug msg=x\nGET /healthz 200\n"))
	cfg.Level = "info"
	if _, err := Run(context.Background(), cfg, quietLog(t)); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	got := map[string]string{}
	for _, e := range srv.stored {
		got[e.Message] = string(*e.Level)
	}
	want := map[string]string{
		"2026-12-06 ERROR payment declined": "error", `{"level":"warn","msg":"slow"}`: "warn",
		"ts=1 level=debug msg=x": "debug", "GET /healthz 200": "info",
	}
	for msg, level := range want {
		if got[msg] != level {
			t.Errorf("%q shipped as %q, want %s", msg, got[msg], level)
		}
	}
}
