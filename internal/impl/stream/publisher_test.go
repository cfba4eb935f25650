package stream_test

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

func TestName(t *testing.T) {
	want := map[event.Kind]string{
		event.KindLog:       "stream:logs",
		event.KindMetric:    "stream:metrics",
		event.KindSecurity:  "stream:security",
		event.KindHeartbeat: "stream:heartbeats",
	}
	for _, k := range event.Kinds {
		if got := stream.Name(k); got != want[k] {
			t.Errorf("Name(%q) = %q, want %q", k, got, want[k])
		}
	}
	if got := stream.Name("trace"); got != "" {
		t.Errorf("Name(unknown) = %q, want empty", got)
	}
}

// TestPublishRoutesByKind runs against real Redis and the embedded default:
// both must store the same entries.
func TestPublishRoutesByKind(t *testing.T) {
	for name, url := range map[string]func(t *testing.T) string{
		"redis-server": func(t *testing.T) string { return redistest.Start(t) },
		"miniredis":    func(*testing.T) string { return "" },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := testContext(t)
			client := connect(t, url(t))

			var events []event.Event
			for i, tenant := range []string{"acme", "globex", "acme"} {
				for _, k := range event.Kinds {
					events = append(events, sample(i, tenant, k))
				}
			}
			if err := stream.New(streams.NewRedis(client), 1000).Publish(ctx, events); err != nil {
				t.Fatalf("Publish: %v", err)
			}

			for _, k := range event.Kinds {
				var want []event.Event
				for _, e := range events {
					if e.Kind == k {
						want = append(want, e)
					}
				}
				entries, err := client.XRange(ctx, stream.Name(k), "-", "+").Result()
				if err != nil {
					t.Fatalf("XRANGE %s: %v", stream.Name(k), err)
				}
				if len(entries) != len(want) {
					t.Fatalf("%s holds %d entries, want %d", stream.Name(k), len(entries), len(want))
				}
				for i, entry := range entries {
					checkEntry(t, entry, want[i])
				}
			}
		})
	}
}

func checkEntry(t *testing.T, entry redis.XMessage, want event.Event) {
	t.Helper()
	if len(entry.Values) != 3 {
		t.Errorf("entry %s has fields %v, want event, tenant, kind", entry.ID, entry.Values)
	}
	if entry.Values[stream.FieldTenant] != want.Tenant || entry.Values[stream.FieldKind] != string(want.Kind) {
		t.Errorf("entry %s: tenant=%v kind=%v, want %s %s", entry.ID,
			entry.Values[stream.FieldTenant], entry.Values[stream.FieldKind], want.Tenant, want.Kind)
	}
	raw, ok := entry.Values[stream.FieldEvent].(string)
	if !ok {
		t.Fatalf("entry %s: event field is %T, want a string", entry.ID, entry.Values[stream.FieldEvent])
	}
	var got event.Event
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("entry %s: decode event: %v", entry.ID, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entry %s decodes to\n%+v\nwant\n%+v", entry.ID, got, want)
	}
}

func TestPublishKeepsOrderAcrossPipelines(t *testing.T) {
	ctx := testContext(t)
	client := realRedis(t)
	events := logs(1234) // three pipelines, the last one partial
	if err := stream.New(streams.NewRedis(client), 0).Publish(ctx, events); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	entries, err := client.XRange(ctx, stream.Logs, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE: %v", err)
	}
	if len(entries) != len(events) {
		t.Fatalf("stream holds %d entries, want %d", len(entries), len(events))
	}
	for i, entry := range entries {
		var got event.Event
		if err := json.Unmarshal([]byte(entry.Values[stream.FieldEvent].(string)), &got); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if got.ID != events[i].ID {
			t.Fatalf("entry %d is event %s, want %s", i, got.ID, events[i].ID)
		}
	}
}

func TestPublishTrimsApproximately(t *testing.T) {
	ctx := testContext(t)
	client := realRedis(t)
	const maxLen, published = 1000, 20_000
	p := stream.New(streams.NewRedis(client), maxLen)
	for range published / 500 {
		if err := p.Publish(ctx, logs(500)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	n, err := client.XLen(ctx, stream.Logs).Result()
	if err != nil {
		t.Fatalf("XLEN: %v", err)
	}
	// "MAXLEN ~" drops only whole radix-tree nodes, of stream-node-max-entries
	// (100 by default) entries each: the stream never falls below maxLen and
	// overshoots by less than one node.
	nodeMax := streamNodeMaxEntries(t, client)
	if n < maxLen || n >= maxLen+nodeMax {
		t.Fatalf("after %d entries with MAXLEN ~ %d the stream holds %d, want [%d, %d)",
			published, maxLen, n, maxLen, maxLen+nodeMax)
	}
	t.Logf("%d entries published, %d kept (MAXLEN ~ %d, node size %d)", published, n, maxLen, nodeMax)
}

func streamNodeMaxEntries(t *testing.T, client *redis.Client) int64 {
	t.Helper()
	cfg, err := client.ConfigGet(t.Context(), "stream-node-max-entries").Result()
	if err != nil {
		t.Fatalf("CONFIG GET: %v", err)
	}
	var n int64
	if err := json.Unmarshal([]byte(cfg["stream-node-max-entries"]), &n); err != nil || n <= 0 {
		t.Fatalf("stream-node-max-entries = %q", cfg["stream-node-max-entries"])
	}
	return n
}

func TestPublishWithoutMaxLenKeepsEverything(t *testing.T) {
	ctx := testContext(t)
	client := realRedis(t)
	if err := stream.New(streams.NewRedis(client), 0).Publish(ctx, logs(700)); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if n := client.XLen(ctx, stream.Logs).Val(); n != 700 {
		t.Fatalf("XLEN = %d, want 700", n)
	}
}

func TestPublishFailsWhenRedisIsDown(t *testing.T) {
	ctx := testContext(t)
	srv := redistest.StartServer(t)
	client, stop, err := redisconn.Connect(ctx, srv.URL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(stop)
	p := stream.New(streams.NewRedis(client), 1000)
	if err := p.Publish(ctx, logs(10)); err != nil {
		t.Fatalf("Publish while up: %v", err)
	}

	srv.Stop()
	err = p.Publish(ctx, logs(10))
	if err == nil {
		t.Fatal("Publish with Redis down succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "stream: publish 10 events") || !strings.Contains(err.Error(), "records 0-9 of 10") {
		t.Errorf("error %q lacks context", err)
	}
}

func TestPublishRejectsUnknownKindBeforeSending(t *testing.T) {
	ctx := testContext(t)
	client := realRedis(t)
	events := logs(3)
	events[2].Kind = "trace"
	err := stream.New(streams.NewRedis(client), 1000).Publish(ctx, events)
	if err == nil || !strings.Contains(err.Error(), `unknown kind "trace"`) {
		t.Fatalf("Publish = %v, want an unknown-kind error", err)
	}
	if n := client.Exists(ctx, stream.Logs).Val(); n != 0 {
		t.Fatal("a batch with a bad event was partly published")
	}
}

func TestPublishEmptyIsNoop(t *testing.T) {
	// A log whose every method panics proves no call is made.
	if err := stream.New(noCalls{}, 1000).Publish(t.Context(), nil); err != nil {
		t.Fatalf("Publish(nil) = %v", err)
	}
}

// noCalls is a streams.Streams whose every method panics (a nil interface).
type noCalls struct{ streams.Streams }
