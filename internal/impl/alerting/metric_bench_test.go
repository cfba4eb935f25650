package alerting

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// BenchmarkMetricWindow measures reading a metric_threshold window from the
// embedded store: 100 series with a sample every 5 s for the last hour (72,000
// samples), at the step of raw samples (10s) and of the rollups (1m), and as
// windowSeries reads an unaligned window (rollups inside, raw samples at the edges).
//
//	go test -run '^$' -bench MetricWindow -benchtime 10x ./internal/impl/alerting/
func BenchmarkMetricWindow(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	var evs []event.Event
	for s := range 100 {
		for i := range 720 {
			ts := now.Add(-time.Duration(i) * 5 * time.Second)
			e := metricEv("http.latency", "api", map[string]string{"route": fmt.Sprintf("/r%d", s)}, float64(i%7), ts)
			e.ID, e.Tenant, e.ReceivedAt = fmt.Sprintf("m-%d-%d", s, i), tenant, ts
			evs = append(evs, e)
		}
	}
	for start := 0; start < len(evs); start += 5000 {
		if _, err := st.InsertEvents(ctx, evs[start:min(start+5000, len(evs))]); err != nil {
			b.Fatal(err)
		}
	}
	for _, window := range []time.Duration{5 * time.Minute, time.Hour} {
		b.Run(fmt.Sprintf("window=%v/windowSeries", window), func(b *testing.B) {
			for b.Loop() {
				if _, err := windowSeries(ctx, st, store.MetricQuery{Tenant: tenant, Name: "http.latency", From: now.Add(-window + 7*time.Second), To: now.Add(7 * time.Second)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, step := range []time.Duration{10 * time.Second, time.Minute} {
			b.Run(fmt.Sprintf("window=%v/step=%v", window, step), func(b *testing.B) {
				for b.Loop() {
					if _, err := st.QueryMetrics(ctx, store.MetricQuery{Tenant: tenant, Name: "http.latency", From: now.Add(-window), To: now, Step: step}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
