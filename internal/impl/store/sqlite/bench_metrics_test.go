package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// BenchmarkInsertEventsMetrics is BenchmarkInsertEvents for metric samples,
// whose rollups cost one upsert per series-minute of a batch: with 50 series
// a batch of 500 carries 10 samples of each (10 scrapes at 1 s); with 500, one
// (a scrape of everything every 10 s, the worst case).
func BenchmarkInsertEventsMetrics(b *testing.B) {
	for _, series := range []int{50, 500} {
		b.Run(fmt.Sprintf("series=%d", series), func(b *testing.B) {
			const batch = 500
			s := open(b)
			ctx := context.Background()
			events := make([]event.Event, batch)
			labels := make([]map[string]string, series)
			for i := range labels {
				labels[i] = map[string]string{"http.route": "/api/v1/r" + strconv.Itoa(i%25), "k8s.pod": "pod-" + strconv.Itoa(i/25)}
			}
			perSeries := batch / series
			step := 10 * time.Second / time.Duration(perSeries)
			t0 := time.Now().UTC().Truncate(time.Hour)
			b.ReportAllocs()
			for n := 0; b.Loop(); n++ {
				for i := range events {
					ts := t0.Add(time.Duration(n)*10*time.Second + time.Duration(i/series)*step)
					events[i] = event.Event{
						ID: event.NewID(ts), Tenant: "acme", Kind: event.KindMetric,
						TS: ts, ReceivedAt: ts, Service: "checkout", Host: "web-1",
						Metric: &event.Metric{Name: "http.server.duration", Value: float64(i%97) / 8, Type: event.MetricGauge, Labels: labels[i%series]},
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
		})
	}
}

// BenchmarkQueryMetrics loads 24 h of one sample per 10 s for four series of
// a metric once, then queries one of them (by label) and reports latency
// percentiles: the target is p99 < 50 ms for 24 h at step 1m.
func BenchmarkQueryMetrics(b *testing.B) {
	const series = 4
	s := open(b)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var events []event.Event
	for at := time.Duration(0); at < 24*time.Hour; at += 10 * time.Second {
		for i := range series {
			ts := t0.Add(at)
			events = append(events, event.Event{
				ID: fmt.Sprintf("%d-%d", at/time.Second, i), Tenant: "acme", Kind: event.KindMetric, TS: ts, Service: "checkout",
				Metric: &event.Metric{Name: "http.server.duration", Value: float64(at/time.Second%100) / 4, Type: event.MetricGauge,
					Labels: map[string]string{"instance": strconv.Itoa(i), "http.route": "/pay"}},
			})
			if len(events) == 500 {
				if _, err := s.InsertEvents(ctx, events); err != nil {
					b.Fatal(err)
				}
				events = events[:0]
			}
		}
	}
	if _, err := s.InsertEvents(ctx, events); err != nil {
		b.Fatal(err)
	}

	for _, c := range []struct {
		name   string
		window time.Duration
		step   time.Duration
		points int
	}{
		{"24h-step1m", 24 * time.Hour, time.Minute, 1440},
		{"24h-step5m", 24 * time.Hour, 5 * time.Minute, 288},
		{"1h-step10s", time.Hour, 10 * time.Second, 360},
	} {
		b.Run(c.name, func(b *testing.B) {
			q := store.MetricQuery{Tenant: "acme", Name: "http.server.duration", Labels: map[string]string{"instance": "2"},
				From: t0, To: t0.Add(c.window), Step: c.step}
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				got, err := s.QueryMetrics(ctx, q)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(got) != 1 || len(got[0].Points) != c.points {
					b.Fatalf("got %d series, want 1 with %d points", len(got), c.points)
				}
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
