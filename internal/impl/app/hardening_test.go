package app_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
)

// The reproduction: two samples of 1.7e308 in one series-minute, then
// two of -1.7e308. Rollup sums saturate at ±MaxFloat64 instead of turning
// +Inf and then NaN, which SQLite refused, failing every later commit.
func TestMetricOverflowDoesNotPoisonIngest(t *testing.T) { eachStore(t, testMetricOverflow) }

func testMetricOverflow(t *testing.T, s *server) {
	other := s.putKey("other", apikey.ScopeIngest, apikey.ScopeRead)
	ts := time.Now().UTC().Truncate(time.Minute).Add(-5 * time.Minute)
	sample := func(id string, v float64, at time.Duration) string {
		return fmt.Sprintf(`{"id":%q,"name":"big","value":%g,"service":"api","ts":%q}`, id, v, ts.Add(at).Format(time.RFC3339))
	}
	s.ingest("/ingest/metrics", adminKey, sample("p1", 1.7e308, 0), sample("p2", 1.7e308, time.Second))
	s.ingest("/ingest/metrics", adminKey, sample("n1", -1.7e308, 2*time.Second), sample("n2", -1.7e308, 3*time.Second))
	// Another tenant's ingest is unaffected, before and after.
	s.ingest("/ingest/logs", other, logLine("o1", "web", "info", "still here", time.Now().UTC(), ""))
	s.ingest("/ingest/metrics", adminKey, sample("p3", 1, 4*time.Second))

	r := s.get("/api/metrics?name=big&step=1m&from="+ts.Add(-time.Minute).Format(time.RFC3339), adminKey)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("query: %d %s", r.StatusCode, r.Body)
	}
	var res struct {
		Series []struct {
			Points []struct {
				Count    int64
				Sum, Avg float64
			}
		}
	}
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 1 || len(res.Series[0].Points) != 1 {
		t.Fatalf("series: %s", r.Body)
	}
	p := res.Series[0].Points[0]
	if p.Count != 5 || math.IsNaN(p.Sum) || math.IsInf(p.Sum, 0) || math.Abs(p.Sum) > math.MaxFloat64 {
		t.Errorf("point %+v: want 5 samples and a finite sum", p)
	}
}

// Any method string used to become a label value of the request counter.
func TestUnknownMethodsCountAsOther(t *testing.T) {
	s := start(t, nil)
	for i := range 5 {
		req, _ := http.NewRequest(fmt.Sprintf("BOGUS%d", i), s.URL+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	m := string(s.get("/metrics", "").Body)
	if strings.Contains(m, "BOGUS") {
		t.Error("/metrics holds the made-up methods as label values")
	}
	if !strings.Contains(m, `method="other"`) {
		t.Error(`/metrics lacks method="other"`)
	}
}

func TestOversizedHeadersRefused(t *testing.T) {
	s := start(t, nil)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/healthz", nil)
	req.Header.Set("X-Filler", strings.Repeat("a", 200<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("200 KiB of headers: %d, want 431", resp.StatusCode)
	}
}

// With LIGHTWATCH_CORS_ORIGINS empty, browsers get no CORS headers at all.
func TestNoCORSByDefault(t *testing.T) {
	s := start(t, nil)
	req, _ := http.NewRequest(http.MethodOptions, s.URL+"/api/logs", nil)
	req.Header.Set("Origin", "https://evil.example.com")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods"} {
		if v := resp.Header.Get(h); v != "" {
			t.Errorf("preflight: %s: %s", h, v)
		}
	}
	for _, path := range []string{"/api/logs", "/api/openapi.json"} {
		req, _ = http.NewRequest(http.MethodGet, s.URL+path, nil)
		req.Header.Set("Origin", "https://evil.example.com")
		req.Header.Set("Authorization", "Bearer "+adminKey)
		if r := s.do(req); r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", path, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := start(t, nil)
	for _, c := range []struct{ method, path, key string }{
		{http.MethodGet, "/healthz", ""}, {http.MethodGet, "/readyz", ""}, {http.MethodGet, "/metrics", ""},
		{http.MethodGet, "/api/logs", adminKey}, {http.MethodGet, "/api/logs", ""}, {http.MethodGet, "/api/docs/", ""},
		{http.MethodGet, "/api/openapi.json", ""}, {http.MethodPost, "/ingest/logs", ""}, {http.MethodGet, "/nowhere", ""},
	} {
		req, _ := http.NewRequest(c.method, s.URL+c.path, nil)
		if c.key != "" {
			req.Header.Set("Authorization", "Bearer "+c.key)
		}
		r := s.do(req)
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q", c.method, c.path, r.StatusCode, r.Header.Get("X-Content-Type-Options"))
		}
	}
	r := s.get("/api/docs/", "")
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("/api/docs/: Content-Security-Policy %q", r.Header.Get("Content-Security-Policy"))
	}
	if strings.Contains(string(r.Body), "persistAuthorization") {
		t.Error("Swagger UI persists the key in the browser's storage")
	}
}

// Text that no store can search (invalid UTF-8, NUL) is the client's error.
func TestUnsearchableTextIsBadRequest(t *testing.T) {
	eachStore(t, func(t *testing.T, s *server) {
		for _, c := range []struct{ query, field string }{
			{"q=%ff%fe", "query.q"},
			{"q=a%00b", "query.q"},
			{"attr.k=%ff", "query.attr.k"},
			{"attr=k%3Da%00", "query.attr"},
			{"service=%c3%28", "query.service"},
		} {
			r := s.get("/api/logs?"+c.query, adminKey)
			if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%s: %d %s, want 400 naming %s", c.query, r.StatusCode, r.Body, c.field)
			}
		}
		// A parameter the operation does not declare is ignored, as before.
		if r := s.get("/api/services?q=%ff", adminKey); r.StatusCode != http.StatusOK {
			t.Errorf("/api/services with an undeclared bad parameter: %d %s", r.StatusCode, r.Body)
		}
	})
}

// A cursor is client data: one edited to span a year is refused.
func TestForgedCursorCannotWidenRange(t *testing.T) {
	s := start(t, nil)
	now := time.Now().UTC()
	var lines []string
	for i := range 3 {
		lines = append(lines, logLine(fmt.Sprint("c", i), "api", "info", "m", now.Add(-time.Duration(i+1)*time.Minute), ""))
	}
	s.ingest("/ingest/logs", adminKey, lines...)
	r := s.get("/api/logs?limit=1", adminKey)
	p := r.page(t)
	if p.NextCursor == "" {
		t.Fatalf("no cursor: %s", r.Body)
	}
	raw, err := base64.RawURLEncoding.DecodeString(p.NextCursor)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	c["f"] = now.Add(-365 * 24 * time.Hour).UnixNano()
	forged, _ := json.Marshal(c)
	r = s.get("/api/logs?limit=1&cursor="+base64.RawURLEncoding.EncodeToString(forged), adminKey)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), "query.cursor") {
		t.Errorf("forged cursor spanning a year: %d %s", r.StatusCode, r.Body)
	}
}

// A slowloris client that sends its headers slowly is cut off.
func TestSlowHeadersAreCutOff(t *testing.T) {
	s := start(t, func(c *config.Config) { c.ReadHeaderTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	// The server closes the connection (after an optional 408) long before our deadline.
	_, err = io.ReadAll(bufio.NewReader(conn))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("server still holds a connection whose headers never ended")
	}
}

// A client that announces a body and never sends it is cut off after the body timeout.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := start(t, func(c *config.Config) { c.BodyTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /ingest/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000\r\n\r\n{\"id\":", adminKey)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(bufio.NewReader(conn))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("server still waits for a body that never comes")
	}
}

// The per-request deadlines do not apply to WebSockets, which live for hours.
func TestWebSocketOutlivesRequestDeadlines(t *testing.T) {
	s := start(t, func(c *config.Config) { c.BodyTimeout, c.ResponseTimeout = 200*time.Millisecond, 200*time.Millisecond })
	ws := s.mustDialWS("/ws/logs", adminKey)
	<-time.After(600 * time.Millisecond) // past both deadlines: what is tested is elapsed time, not an event
	s.ingest("/ingest/logs", adminKey, logLine("late", "api", "info", "after the deadlines", time.Now().UTC(), ""))
	if m := ws.nextEvent(); m.Event["id"] != "late" {
		t.Errorf("got %s", m.raw)
	}
}

func TestWeakBootstrapKeyRefused(t *testing.T) {
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.RedisURL = redistest.Start(t)
	for _, weak := range []string{"changeme", "lw_" + strings.Repeat("ab", 20)} {
		cfg.BootstrapKey = weak
		a, err := app.New(context.Background(), cfg, app.Surfaces{Ingest: true}, slog.New(slog.DiscardHandler), io.Discard)
		if err == nil {
			a.Close()
			t.Errorf("bootstrap key %q accepted", weak)
		} else if !strings.Contains(err.Error(), "LIGHTWATCH_BOOTSTRAP_KEY") {
			t.Errorf("bootstrap key %q: %v, want the setting named", weak, err)
		}
	}
}

// Key ids are public; they must not be a prefix of the secret's unsalted hash.
// A bootstrap key stored before (with such an id) keeps its id and works.
func TestKeyIDsDoNotDeriveFromSecrets(t *testing.T) {
	s := start(t, nil)
	r := s.send(http.MethodPost, "/api/keys", adminKey, map[string]any{"name": "k", "scopes": []string{"read"}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create key: %d %s", r.StatusCode, r.Body)
	}
	m := r.json(t)
	id, secret := m["id"].(string), m["key"].(string)
	if strings.Contains(apikey.Hash(secret), strings.TrimPrefix(id, "key_")) {
		t.Errorf("key id %s is part of the secret's hash", id)
	}
	boot, err := s.store().KeyByHash(context.Background(), apikey.Hash(adminKey))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(apikey.Hash(adminKey), strings.TrimPrefix(boot.ID, "key_")) {
		t.Errorf("bootstrap key id %s is part of the secret's hash", boot.ID)
	}

	// An installation from before: the bootstrap key stored under its hash-derived id.
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "lightwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	h := apikey.Hash(adminKey)
	old := apikey.Key{ID: "key_" + h[:16], Name: "bootstrap", Tenant: apikey.DefaultTenant, Scopes: []apikey.Scope{apikey.ScopeAdmin, apikey.ScopeRead}, Hash: h, CreatedAt: time.Now().UTC()}
	if err := errors.Join(st.PutKey(context.Background(), old), st.Close()); err != nil {
		t.Fatal(err)
	}
	again := start(t, func(c *config.Config) { c.DataDir = dir })
	if r := again.get("/api/keys", adminKey); r.StatusCode != http.StatusOK || strings.Count(string(r.Body), `"name":"bootstrap"`) != 1 || !strings.Contains(string(r.Body), old.ID) {
		t.Errorf("after restart with the stored bootstrap key: %d %s", r.StatusCode, r.Body)
	}
}

// Guessing keys through HTTP is rate limited per client address.
func TestFailedAuthenticationsAreRateLimited(t *testing.T) {
	s := start(t, func(c *config.Config) { c.AuthFailureLimit = 3 })
	if r := s.get("/api/services", adminKey); r.StatusCode != http.StatusOK {
		t.Fatalf("valid key: %d", r.StatusCode)
	}
	for i := range 3 {
		if r := s.get("/api/services", fmt.Sprint("lw_guess_", i)); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, r.StatusCode)
		}
	}
	r := s.post("/ingest/logs", "lw_guess_next", "application/x-ndjson", []byte(`{"message":"x"}`))
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("fourth guess: %d (Retry-After %q), want 429 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := s.get("/api/services", adminKey); r.StatusCode != http.StatusOK {
		t.Errorf("the valid key from the same address: %d", r.StatusCode)
	}
}

// busyWriterStore is the embedded store with its single writer held (a long
// group commit): Ping, which needs the writer, blocks; reads answer.
type busyWriterStore struct {
	*sqlite.Store
	readPings atomic.Int64
}

func (s *busyWriterStore) Ping(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func (s *busyWriterStore) PingReads(ctx context.Context) error {
	s.readPings.Add(1)
	return s.Store.PingReads(ctx)
}

// Readiness depends on the store's read side only: Redis down degrades (said
// in the body and in /metrics) but leaves the instance ready, and ingest goes
// on. /readyz is cached, and never waits for the single SQLite writer.
func TestReadinessDependsOnTheStoreOnly(t *testing.T) {
	rs := redistest.StartServer(t)
	sq, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Close() })
	st := &busyWriterStore{Store: sq}
	s := start(t, func(c *config.Config) { c.RedisURL = rs.URL }, app.WithStore(st, 1))

	r := s.get("/readyz", "")
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "alerting: active") {
		t.Fatalf("/readyz with everything up: %d %s", r.StatusCode, r.Body)
	}
	pings := st.readPings.Load()
	for range 20 {
		s.get("/readyz", "")
	}
	if n := st.readPings.Load() - pings; n > 3 {
		t.Errorf("20 quick /readyz calls cost %d store pings; want them cached", n)
	}

	rs.Stop()
	waitFor(t, "/readyz to report Redis down", func() bool {
		return strings.Contains(string(s.get("/readyz", "").Body), "redis: unavailable")
	})
	r = s.get("/readyz", "")
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "alerting: inactive") || strings.Contains(string(r.Body), "refused") {
		t.Errorf("/readyz with Redis down: %d %s; want 200, alerting inactive, no error details", r.StatusCode, r.Body)
	}
	m := string(s.get("/metrics", "").Body)
	for _, want := range []string{"lightwatch_alerting_active 0", "lightwatch_redis_up 0"} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if r := s.post("/ingest/logs", adminKey, "application/x-ndjson", []byte(logLine("nr", "api", "info", "no redis", time.Now().UTC(), ""))); r.StatusCode != http.StatusAccepted {
		t.Errorf("ingest with Redis down: %d %s", r.StatusCode, r.Body)
	}
}

// gatedQueryStore is the embedded store whose log searches for "slow" do not
// return until the test opens the gate, whatever their context says: a query
// the store cannot interrupt.
type gatedQueryStore struct {
	*sqlite.Store
	entered chan struct{}
	gate    chan struct{}
}

func (s *gatedQueryStore) QueryLogs(ctx context.Context, q store.LogQuery) (store.Page, error) {
	if q.Text == "slow" {
		s.entered <- struct{}{}
		<-s.gate
		return store.Page{}, ctx.Err()
	}
	if q.Text == "deadline" {
		<-ctx.Done()
		return store.Page{}, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	return s.Store.QueryLogs(ctx, q)
}

// Query API reads have a deadline (503 with Retry-After past it), and one
// tenant's slow queries hold at most its own share of the store: its next
// query waits and is answered 503, while other tenants' queries and every
// tenant's ingest go on.
func TestSlowQueriesAreBoundedPerTenant(t *testing.T) {
	sq, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Close() })
	st := &gatedQueryStore{Store: sq, entered: make(chan struct{}, 1), gate: make(chan struct{})}
	s := start(t, func(c *config.Config) { c.QueryTimeout, c.QueryConcurrency = 500*time.Millisecond, 1 }, app.WithStore(st, 1))
	defer close(st.gate)
	other := s.putKey("other", apikey.ScopeRead, apikey.ScopeIngest)

	r := s.get("/api/logs?q=deadline", adminKey)
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Errorf("a query past the deadline: %d (Retry-After %q) %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
	}

	slow := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/logs?q=slow", nil)
		req.Header.Set("Authorization", "Bearer "+adminKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			slow <- 0
			return
		}
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	<-st.entered
	if r := s.get("/api/logs", adminKey); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Errorf("the same tenant's next query while its slow one runs: %d %s, want 503", r.StatusCode, r.Body)
	}
	if r := s.get("/api/logs", other); r.StatusCode != http.StatusOK {
		t.Errorf("another tenant's query: %d %s", r.StatusCode, r.Body)
	}
	s.ingest("/ingest/logs", adminKey, logLine("during", "api", "info", "ingest goes on", time.Now().UTC(), ""))
	st.gate <- struct{}{}
	if code := <-slow; code != http.StatusServiceUnavailable {
		t.Errorf("the slow query: %d, want 503", code)
	}
}

// panickingStore is the embedded store with a bug: a write holding an event
// whose id is "boom" panics.
type panickingStore struct{ *sqlite.Store }

func (s panickingStore) InsertEvents(ctx context.Context, events []event.Event) ([]bool, error) {
	for _, e := range events {
		if e.ID == "boom" {
			panic("adapter bug meets bad value")
		}
	}
	return s.Store.InsertEvents(ctx, events)
}

// A panic in the committer costs the request that caused it, not the process:
// it is answered 503, later requests are stored, and the panic is counted.
func TestCommitterSurvivesAPanic(t *testing.T) {
	sq, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lw.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sq.Close() })
	s := start(t, nil, app.WithStore(panickingStore{sq}, 1))
	now := time.Now().UTC()
	r := s.post("/ingest/logs", adminKey, "application/x-ndjson", []byte(logLine("boom", "api", "info", "x", now, "")))
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("the panicking request: %d %s, want 503", r.StatusCode, r.Body)
	}
	s.ingest("/ingest/logs", adminKey, logLine("after", "api", "info", "x", now, ""))
	if !strings.Contains(string(s.get("/metrics", "").Body), `lightwatch_loop_panics_total{loop="group commit"} 1`) {
		t.Error("/metrics does not count the panic")
	}
}

// A page of large events ends early rather than passing 8 MiB; its cursor
// goes on where it ended, and walking the pages yields every event once.
func TestLargePagesAreBounded(t *testing.T) {
	s := start(t, nil)
	big := strings.Repeat("x", 60000)
	now := time.Now().UTC()
	for batch := range 2 {
		var lines []string
		for i := range 80 {
			lines = append(lines, logLine(fmt.Sprintf("big-%d-%d", batch, i), "api", "info", big, now.Add(-time.Duration(batch*80+i)*time.Millisecond), ""))
		}
		s.ingest("/ingest/logs", adminKey, lines...)
	}
	r := s.get("/api/logs?limit=1000", adminKey)
	p := r.page(t)
	if len(r.Body) > 8<<20+70000 || p.NextCursor == "" || len(p.Items) == 160 {
		t.Errorf("first page: %d bytes, %d items, cursor %q; want at most 8 MiB and a cursor", len(r.Body), len(p.Items), p.NextCursor)
	}
	ids := s.walk("/api/logs?limit=1000", adminKey)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("%s listed twice", id)
		}
		seen[id] = true
	}
	if len(seen) != 160 {
		t.Errorf("walked %d events, want 160", len(seen))
	}
}
