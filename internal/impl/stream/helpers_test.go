package stream_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
)

// connect returns a client to a fresh real redis-server, or to a fresh
// embedded miniredis when url is "".
func connect(t testing.TB, url string) *redis.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	client, stop, err := redisconn.Connect(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(stop)
	return client
}

func realRedis(t testing.TB) *redis.Client { return connect(t, redistest.Start(t)) }

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var baseTime = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// sample returns a representative event of the given kind, about 200 bytes
// of JSON for a log.
func sample(i int, tenant string, kind event.Kind) event.Event {
	e := event.Event{
		ID:         fmt.Sprintf("%s-%s-%06d", tenant, kind, i),
		Tenant:     tenant,
		Kind:       kind,
		TS:         baseTime.Add(time.Duration(i) * time.Millisecond),
		ReceivedAt: baseTime.Add(time.Second),
		Service:    "checkout",
		Host:       "web-1",
		Attributes: map[string]any{"http.status": float64(200 + i%3), "region": "eu-west-1", "retry": false},
	}
	switch kind {
	case event.KindLog:
		e.Log = &event.Log{Level: event.LevelInfo, Message: fmt.Sprintf("order %d placed", i), TraceID: "4bf92f3577b34da6"}
	case event.KindMetric:
		e.Metric = &event.Metric{Name: "http.requests", Value: float64(i), Type: event.MetricCounter, Labels: map[string]string{"route": "/pay"}}
	case event.KindSecurity:
		e.Security = &event.Security{Category: "auth", Severity: event.SeverityHigh, Actor: "alice", SrcIP: "203.0.113.7", Outcome: "failure"}
	case event.KindHeartbeat:
		e.Heartbeat = &event.Heartbeat{Instance: "web-1", Status: event.StatusUp, IntervalSeconds: 30}
	}
	return e
}

func logs(n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		out[i] = sample(i, "acme", event.KindLog)
	}
	return out
}
