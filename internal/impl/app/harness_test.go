package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

const adminKey = "lw_test_bootstrap_key_0123456789"

// server is a Lightwatch process in the test, on a random port, against a real redis-server.
type server struct {
	t      testing.TB
	URL    string
	app    *app.App
	redis  *redis.Client
	cancel context.CancelFunc
	done   chan error
	specs  map[string]routers.Router // by path prefix: every answer is checked against its spec
}

// embeddedRedis, as the Redis URL of an edit, makes start run the embedded
// default (in-process streams, embedded miniredis) instead of using a
// redis-server.
const embeddedRedis = "embedded"

// start runs the whole system, on a redis-server of its own unless edit,
// which changes the configuration first, names one.
func start(t testing.TB, edit func(*config.Config), opts ...app.Option) *server {
	t.Helper()
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.BootstrapKey = adminKey
	cfg.ShutdownTimeout = 10 * time.Second
	// The tests' events carry fixed dates, older than the default
	// retention; the retention tests set their own.
	cfg.Retention, cfg.RetentionRollups = 0, 0
	if edit != nil {
		edit(&cfg)
	}
	switch cfg.RedisURL {
	case "": // an edit may point several servers at one Redis
		cfg.RedisURL = redistest.Start(t)
	case embeddedRedis: // the embedded default of `make run`
		cfg.RedisURL = ""
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, app.Surfaces{Ingest: true, API: true, Realtime: true}, logger, io.Discard, opts...)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The test's own client, made as the app makes its own (so a Sentinel URL
	// works too); none for the embedded default, whose Redis is the app's own.
	var rc *redis.Client
	stopRedis := func() {}
	if cfg.RedisURL != "" {
		if rc, stopRedis, err = redisconn.Connect(ctx, cfg.RedisURL, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	}
	s := &server{t: t, URL: "http://" + ln.Addr().String(), app: a, redis: rc, cancel: cancel, done: make(chan error, 1), specs: map[string]routers.Router{"/ingest/": specRouter(t, ingestapi.GetSpec), "/api/": specRouter(t, queryapi.GetSpec)}}
	for _, prefix := range []string{"/otlp/", "/loki/", "/es/", "/api/v1/write"} { // the standard protocols, in the ingest spec
		s.specs[prefix] = s.specs["/ingest/"]
	}
	go func() { s.done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		s.stop()
		stopRedis()
		a.Close()
	})
	return s
}

// stop shuts the server down gracefully and waits for it.
func (s *server) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	if err := <-s.done; err != nil {
		s.t.Errorf("serve: %v", err)
	}
}

func (s *server) store() store.Store { return s.app.Store() }

// putKey creates a key of tenant with scopes and returns its secret.
func (s *server) putKey(tenant string, scopes ...apikey.Scope) string {
	s.t.Helper()
	secret, err := apikey.NewSecret()
	if err != nil {
		s.t.Fatal(err)
	}
	h := apikey.Hash(secret)
	err = s.store().PutKey(context.Background(), apikey.Key{ID: "key_" + h[:16], Name: "test", Tenant: tenant, Scopes: scopes, Hash: h, CreatedAt: time.Now().UTC()})
	if err != nil {
		s.t.Fatal(err)
	}
	return secret
}

// response is an HTTP answer with its body read.
type response struct {
	*http.Response
	Body []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// post sends body to path with headers (key → value) and checks the answer against the spec.
func (s *server) post(path, key, contentType string, body []byte, headers ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return s.do(req)
}

// get sends a GET with key and checks the answer against the spec.
func (s *server) get(path, key string) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return s.do(req)
}

// send sends a request with a JSON body (nil for none) and checks the answer against the spec.
func (s *server) send(method, path, key string, body any) response {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return s.do(req)
}

func (s *server) do(req *http.Request) response {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	r := response{resp, b}
	best := "" // the longest prefix names the spec: /api/v1/write is the ingest spec's
	for prefix := range s.specs {
		if strings.HasPrefix(req.URL.Path, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		checkAgainstSpec(s.t, s.specs[best], req, r)
	}
	return r
}

func specRouter(t testing.TB, load func() (*openapi3.T, error)) routers.Router {
	t.Helper()
	doc, err := load()
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// checkAgainstSpec fails the test when an answer (status, content type, body)
// is not one the ingest spec declares for the operation.
func checkAgainstSpec(t testing.TB, router routers.Router, req *http.Request, r response) {
	t.Helper()
	route, params, err := router.FindRoute(req)
	if err != nil {
		if strings.HasPrefix(req.URL.Path, "/api/docs") || strings.HasPrefix(req.URL.Path, "/api/openapi") {
			return // served beside the spec, not in it
		}
		if r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("no route for %s %s but status %d", req.Method, req.URL.Path, r.StatusCode)
		}
		return
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.StatusCode,
		Header:                 r.Header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Errorf("%s %s answered %d, which the spec does not allow: %v\nbody: %s", req.Method, req.URL.Path, r.StatusCode, err, r.Body)
	}
}

// eachStore runs test against a server on each storage adapter: the embedded
// SQLite store and MongoDB (the FerretDB stand-in), configured as a user would.
func eachStore(t *testing.T, test func(t *testing.T, s *server)) {
	eachStoreWith(t, nil, nil, test)
}

// eachStoreWith is eachStore with the configuration changed by edit and the
// App built with opts.
func eachStoreWith(t *testing.T, edit func(*config.Config), opts []app.Option, test func(t *testing.T, s *server)) {
	t.Run("sqlite", func(t *testing.T) { test(t, start(t, edit, opts...)) })
	t.Run("mongo", func(t *testing.T) {
		uri := ferrettest.Start(t)
		test(t, start(t, func(c *config.Config) {
			c.MongoURI, c.MongoDatabase = uri, "lightwatch_e2e"
			if edit != nil {
				edit(c)
			}
		}, opts...))
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.Until(t, what, 10*time.Second, cond)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
