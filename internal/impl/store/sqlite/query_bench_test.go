package sqlite_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// benchLogs is the size the read path is specified at: with this many logs,
// service + level + 6 h + limit 100 must answer within 50 ms at p99.
const benchLogs = 1_000_000

// loadLogs stores n logs spread evenly over the 24 hours before end, in
// batches as ingest writes them: four services, levels in proportions
// info 50 %, warn 25 %, error 15 %, debug 9.5 %, fatal 0.5 %, independent of
// the service.
func loadLogs(b *testing.B, s store.Store, n int, end time.Time) {
	const batch = 5000
	ctx := context.Background()
	services := []string{"checkout", "payments", "search", "auth"}
	var levels [200]event.Level
	for i := range levels {
		switch {
		case i < 100:
			levels[i] = event.LevelInfo
		case i < 150:
			levels[i] = event.LevelWarn
		case i < 180:
			levels[i] = event.LevelError
		case i < 199:
			levels[i] = event.LevelDebug
		default:
			levels[i] = event.LevelFatal
		}
	}
	step := 24 * time.Hour / time.Duration(n)
	start := end.Add(-24 * time.Hour)
	events := make([]event.Event, 0, batch)
	for i := 0; i < n; i++ {
		ts := start.Add(time.Duration(i) * step)
		events = append(events, event.Event{
			ID: event.NewID(ts), Tenant: "acme", Kind: event.KindLog,
			TS: ts, ReceivedAt: ts, Service: services[i%len(services)], Host: "web-" + strconv.Itoa(i%8),
			Attributes: map[string]any{"http.status": 200.0, "http.route": "/api/v1/orders", "retry": false},
			Log: &event.Log{
				Level:   levels[(i*7)%len(levels)],
				Message: "GET /api/v1/orders/" + strconv.Itoa(i) + " completed in 12ms",
			},
		})
		if len(events) == batch || i == n-1 {
			if _, err := s.InsertEvents(ctx, events); err != nil {
				b.Fatalf("load: %v", err)
			}
			events = events[:0]
		}
	}
}

// BenchmarkQueryLogs loads benchLogs logs once (about half a minute), then
// times query shapes on random 6 h windows, reporting p50 and p99 latency;
// run it with -benchtime 200x or so. "service+level" is the specified case.
func BenchmarkQueryLogs(b *testing.B) {
	s := open(b)
	end := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	t0 := time.Now()
	loadLogs(b, s, benchLogs, end)
	b.Logf("loaded %d logs in %s", benchLogs, time.Since(t0).Round(time.Millisecond))

	shapes := []struct {
		name string
		q    store.LogQuery
		page int // read this page (1: the first), following Next
	}{
		{"service+level", store.LogQuery{Filter: filter.Filter{Services: []string{"payments"}, Levels: []event.Level{event.LevelError}}}, 1},
		{"service+level/page3", store.LogQuery{Filter: filter.Filter{Services: []string{"payments"}, Levels: []event.Level{event.LevelError}}}, 3},
		{"services+levels", store.LogQuery{Filter: filter.Filter{Services: []string{"payments", "auth"}, Levels: []event.Level{event.LevelError, event.LevelWarn}}}, 1},
		{"services+rare level", store.LogQuery{Filter: filter.Filter{Services: []string{"payments", "auth"}, Levels: []event.Level{event.LevelFatal, event.LevelTrace}}}, 1},
		{"service", store.LogQuery{Filter: filter.Filter{Services: []string{"search"}}}, 1},
		{"level+text", store.LogQuery{Filter: filter.Filter{Levels: []event.Level{event.LevelError}, Text: "7 COMPLETED"}}, 1},
		{"unfiltered/asc", store.LogQuery{Window: store.Window{Ascending: true}}, 1},
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			for b.Loop() {
				q := sh.q
				q.Tenant, q.Limit = "acme", 100
				// A window ending anywhere in the last 18 hours of data.
				q.To = end.Add(-time.Duration(rng.Int64N(int64(18 * time.Hour))))
				q.From = q.To.Add(-6 * time.Hour)
				t := time.Now()
				var p store.Page
				for range sh.page {
					var err error
					if p, err = s.QueryLogs(ctx, q); err != nil {
						b.Fatal(err)
					}
					q.After = p.Next
				}
				lat = append(lat, time.Since(t)/time.Duration(sh.page))
				if len(p.Events) == 0 {
					b.Fatalf("%s: empty page", sh.name)
				}
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / 1e6
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
