package app_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/app"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
)

// BenchmarkQueryAPI measures the query API's latency over HTTP with 1,000,000
// log events (10 services × 6 levels over 24 h) and a day of one metric series
// at 10 s in the embedded store:
//
//	go test -run '^$' -bench QueryAPI -benchtime 1x -timeout 30m ./internal/impl/app/
//
// It reports p50 and p99 of a filtered log page, of a 24 h metric series at
// step=1m, and of the console's explorer queries: the 24 h hits histogram by
// level (all services and one), the top services over 24 h and a line's context. Loading the data takes a minute or two; it happens once per run.
func BenchmarkQueryAPI(b *testing.B) {
	const logs = 1_000_000
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "lightwatch.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	rng := rand.New(rand.NewPCG(1, 2))
	levels := event.Levels
	batch := make([]event.Event, 0, 5000)
	flush := func() {
		if _, err := st.InsertEvents(ctx, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range logs {
		ts := now.Add(-time.Duration(rng.Int64N(int64(24 * time.Hour))))
		batch = append(batch, event.Event{
			ID: fmt.Sprintf("log-%07d", i), Tenant: apikey.DefaultTenant, Kind: event.KindLog, TS: ts, ReceivedAt: ts,
			Service: fmt.Sprintf("svc-%d", i%10), Host: fmt.Sprintf("host-%d", i%50),
			Attributes: map[string]any{"http.status": float64(200 + i%5), "user": fmt.Sprintf("u-%d", i%1000)},
			Log:        &event.Log{Level: levels[rng.IntN(len(levels))], Message: fmt.Sprintf("request %d handled in %d ms", i, i%900)},
		})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	for i := range 24 * 360 { // one sample every 10 s for a day, in two series
		ts := now.Add(-time.Duration(i) * 10 * time.Second)
		for _, route := range []string{"/pay", "/cart"} {
			batch = append(batch, event.Event{
				ID: fmt.Sprintf("m-%s-%d", route, i), Tenant: apikey.DefaultTenant, Kind: event.KindMetric, TS: ts, ReceivedAt: ts, Service: "api",
				Metric: &event.Metric{Name: "latency_ms", Value: float64(rng.IntN(500)), Type: event.MetricGauge, Labels: map[string]string{"route": route}},
			})
		}
		if len(batch) >= 4000 {
			flush()
		}
	}
	flush()

	s := start(b, nil, app.WithStore(st, 1)).URL
	from, to := now.Add(-12*time.Hour), now.Add(-6*time.Hour)
	day := "from=" + url.QueryEscape(now.Add(-24*time.Hour).Format(time.RFC3339)) + "&to=" + url.QueryEscape(now.Format(time.RFC3339))
	// runs is how often each is asked: the 24 h aggregates read every line of the day.
	queries := map[string]struct {
		path string
		runs int
	}{
		"logs":    {"/api/logs?service=svc-3&level=error&limit=100&from=" + url.QueryEscape(from.Format(time.RFC3339)) + "&to=" + url.QueryEscape(to.Format(time.RFC3339)), 500},
		"metrics": {"/api/metrics?name=latency_ms&service=api&label.route=/pay&step=1m&" + day, 500},
		// The console's explorer: the histogram by level and the service suggestions over 24 h, and a line's context.
		"hits_24h":     {"/api/logs/hits?group_by=level&" + day, 20},
		"hits_svc_24h": {"/api/logs/hits?service=svc-3&group_by=level&" + day, 20},
		"values_24h":   {"/api/logs/fields/service/values?" + day, 20},
		"context":      {"/api/logs/log-0500000/context?before=50&after=50", 200},
	}
	b.ResetTimer()
	for name, qr := range queries {
		path := qr.path
		lat := make([]time.Duration, 0, qr.runs)
		for range qr.runs {
			req, _ := http.NewRequest(http.MethodGet, s+path, nil)
			req.Header.Set("Authorization", "Bearer "+adminKey)
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("%s: %d", name, resp.StatusCode)
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, name+"_p50_ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, name+"_p99_ms")
	}
}
