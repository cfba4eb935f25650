package middleware_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

func serve(t *testing.T, h http.Handler, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req.URL.Scheme, req.URL.Host, req.RequestURI = "http", strings.TrimPrefix(srv.URL, "http://"), ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp, buf.Bytes()
}

func TestPanicBecomesProblemLoggedWithRequestID(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := middleware.Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }),
		middleware.Recover(logger), middleware.RequestID, middleware.AccessLog(logger, telemetry.New()))
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("X-Request-ID", "trace-me-42")
	resp, body := serve(t, h, req)
	if resp.StatusCode != 500 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil || p["request_id"] != "trace-me-42" {
		t.Fatalf("problem %s (%v)", body, err)
	}
	var sawPanic, sawAccess bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["request_id"] != "trace-me-42" {
			t.Errorf("log line without the request id: %s", line)
		}
		sawPanic = sawPanic || (m["msg"] == "panic serving request" && m["panic"] == "boom")
		sawAccess = sawAccess || (m["msg"] == "request" && m["status"] == 500.0)
	}
	if !sawPanic || !sawAccess {
		t.Fatalf("logs lack the panic or the access line:\n%s", logs.String())
	}
}

func TestRequestIDGeneratedWhenMissingOrUnreasonable(t *testing.T) {
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(middleware.InfoFrom(r.Context()).RequestID))
	}), middleware.RequestID)
	for _, sent := range []string{"", strings.Repeat("x", 200), "has space"} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if sent != "" {
			req.Header.Set("X-Request-ID", sent)
		}
		resp, body := serve(t, h, req)
		got := resp.Header.Get("X-Request-ID")
		if got == "" || got == sent || string(body) != got {
			t.Errorf("sent %q: header %q, handler saw %q", sent, got, body)
		}
	}
}

func TestAccessLogNeverLogsTheKey(t *testing.T) {
	var logs bytes.Buffer
	h := middleware.Chain(http.NotFoundHandler(), middleware.RequestID, middleware.AccessLog(slog.New(slog.NewJSONHandler(&logs, nil)), telemetry.New()))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Authorization", "Bearer lw_secret_value")
	serve(t, h, req)
	if strings.Contains(logs.String(), "lw_secret_value") || !strings.Contains(logs.String(), `"status":404`) {
		t.Fatalf("access log: %s", logs.String())
	}
}
