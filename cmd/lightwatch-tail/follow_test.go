package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/config"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestFollowPrintsLiveLogs runs the tail against a whole Lightwatch (embedded
// defaults) as the README shows it, and ingests a matching and a filtered-out line.
func TestFollowPrintsLiveLogs(t *testing.T) {
	const key = "lw_tail_test_key_0123456789abcdef"
	cfg, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.BootstrapKey = t.TempDir(), key
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, app.Surfaces{Ingest: true, Realtime: true}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()

	var out syncBuffer
	followed := make(chan error, 1)
	go func() {
		followed <- follow(ctx, options{base: "ws://" + ln.Addr().String(), channel: "logs", key: key, filters: filters{"level=error"}}, &out)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "payment declined") {
		if time.Now().After(deadline) {
			t.Fatalf("the tail printed %q", out.String())
		}
		// Ingest until the tail is connected: events before its subscription are not live.
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/ingest/logs",
			strings.NewReader(`[{"service":"checkout","level":"info","message":"filtered out"},{"service":"checkout","level":"error","message":"payment declined"}]`))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond) // pacing the retries of a condition wait, not synchronization
	}
	if strings.Contains(out.String(), "filtered out") {
		t.Errorf("the level filter let an info line through: %q", out.String())
	}
	if !strings.Contains(out.String(), "ERROR checkout: payment declined") {
		t.Errorf("line format: %q", out.String())
	}
}
