package sqlite_test

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// BenchmarkInsertEvents measures the write path as ingest drives it: batches of
// 500 log events of about 200 bytes, with server-generated (ULID) ids. Run
// with -benchtime 2000x to see the rate at a million rows, where index depth
// starts to tell.
func BenchmarkInsertEvents(b *testing.B) {
	const batch = 500
	s := open(b)
	ctx := context.Background()
	services := []string{"checkout", "payments", "search", "auth"}
	levels := []event.Level{event.LevelInfo, event.LevelInfo, event.LevelWarn, event.LevelError}
	events := make([]event.Event, batch)
	now := time.Now().UTC()
	b.ReportAllocs()
	for n := 0; b.Loop(); n++ {
		for i := range events {
			ts := now.Add(time.Duration(n*batch+i) * time.Millisecond)
			events[i] = event.Event{
				ID: event.NewID(ts), Tenant: "acme", Kind: event.KindLog,
				TS: ts, ReceivedAt: ts, Service: services[i%len(services)], Host: "web-" + strconv.Itoa(i%8),
				Attributes: map[string]any{"http.status": 200.0, "http.route": "/api/v1/orders", "retry": false},
				Log: &event.Log{
					Level:   levels[i%len(levels)],
					Message: "GET /api/v1/orders/" + strconv.Itoa(n*batch+i) + " completed in 12ms",
				},
			}
		}
		fresh, err := s.InsertEvents(ctx, events)
		if err != nil {
			b.Fatal(err)
		}
		if !fresh[batch-1] {
			b.Fatal("event not fresh")
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "MiB-sys")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap-inuse")
}
