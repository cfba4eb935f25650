package app_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/app"
)

// The probe dials loopback for an unspecified listen host, as the container
// healthcheck does with LIGHTWATCH_ADDR=:8080, and asks /readyz.
func TestHealthcheckProbesReadyzOnLoopback(t *testing.T) {
	s := start(t, nil)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{":" + port, "0.0.0.0:" + port, "127.0.0.1:" + port} {
		if err := app.Healthcheck(context.Background(), addr); err != nil {
			t.Errorf("Healthcheck(%q) = %v, want ready", addr, err)
		}
	}
}

func TestHealthcheckFailsWhenNotReadyOrNotListening(t *testing.T) {
	notReady := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			t.Errorf("probe asked %s, want /readyz", r.URL.Path)
		}
		http.Error(w, "redis: connection refused", http.StatusServiceUnavailable)
	}))
	defer notReady.Close()
	err := app.Healthcheck(context.Background(), strings.TrimPrefix(notReady.URL, "http://"))
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "redis: connection refused") {
		t.Errorf("not ready: err = %v, want the 503 and its reason", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := app.Healthcheck(context.Background(), addr); err == nil {
		t.Errorf("nothing listening on %s: want an error", addr)
	}
}
