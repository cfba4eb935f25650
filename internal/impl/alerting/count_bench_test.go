package alerting

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

// BenchmarkLogCount measures one log_count evaluation against the embedded
// store holding 100,000 matching logs in the window, by threshold: the count
// (CountLogs) reads the index up to max(threshold + 1, 10,000) entries.
// Measured (2 cores): 1.4-1.7 ms up to a threshold of 10,000, 7 ms at 50,000,
// 14 ms counting all 100,000; paging through QueryLogs instead took 97 ms,
// 388 ms and 864 ms.
//
//	go test -run '^$' -bench LogCount -benchtime 20x ./internal/impl/alerting/
func BenchmarkLogCount(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	const total = 100_000
	for start := 0; start < total; start += 5000 {
		evs := make([]event.Event, 5000)
		for i := range evs {
			ts := now.Add(-time.Duration(start+i) * time.Millisecond)
			evs[i] = logEv("checkout", event.LevelError, "payment declined", ts)
			evs[i].ID, evs[i].Tenant, evs[i].ReceivedAt = fmt.Sprintf("l-%d", start+i), tenant, ts
			evs[i].Attributes = map[string]any{"http.status": 402.0, "order": "A-1001"}
		}
		if _, err := st.InsertEvents(ctx, evs); err != nil {
			b.Fatal(err)
		}
	}
	c := &conditions{store: st}
	for _, threshold := range []float64{10, 1000, 10_000, 50_000, 200_000} {
		b.Run(fmt.Sprintf("threshold=%g", threshold), func(b *testing.B) {
			r := &Rule{ID: "r", Tenant: tenant, Kind: KindLogCount, Enabled: true, Op: OpGT, Threshold: threshold, Window: 5 * time.Minute,
				Filter: filter.Filter{Services: []string{"checkout"}, Levels: []event.Level{event.LevelError}}}
			for b.Loop() {
				if _, err := c.evaluate(ctx, r, now.Add(time.Second)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
