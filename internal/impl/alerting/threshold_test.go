package alerting

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// windowSeries folds exactly the samples in [from, to), whether the window
// is aligned to minutes, inside one minute or across several.
func TestWindowSeriesIsExact(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ts := func(i int) time.Time { return base.Add(time.Duration(i) * 7 * time.Second) } // every 7 s for 10 minutes
	var samples []time.Time
	for i := range 86 {
		e := metricEv("m", "api", map[string]string{"k": fmt.Sprint(i % 2)}, float64(i), ts(i))
		e.ID, e.Tenant, e.ReceivedAt = fmt.Sprint(i), tenant, e.TS
		if _, err := st.InsertEvents(ctx, []event.Event{e}); err != nil {
			t.Fatal(err)
		}
		samples = append(samples, ts(i))
	}
	for _, w := range []struct{ from, to time.Duration }{
		{0, 10 * time.Minute},                             // aligned
		{13 * time.Second, 9*time.Minute + 3*time.Second}, // unaligned both ends
		{61 * time.Second, 119 * time.Second},             // inside one minute
		{50 * time.Second, 70 * time.Second},              // across one minute boundary
		{2 * time.Minute, 3*time.Minute + 30*time.Second},
	} {
		from, to := base.Add(w.from), base.Add(w.to)
		got, err := windowSeries(ctx, st, store.MetricQuery{Tenant: tenant, Name: "m", From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]store.Point{}
		for i, s := range samples {
			if s.Before(from) || !s.Before(to) {
				continue
			}
			k := fmt.Sprint(i % 2)
			p, ok := want[k]
			v := float64(i)
			if !ok {
				p = store.Point{Min: v, Max: v}
			}
			p.Count++
			p.Sum += v
			p.Min, p.Max = min(p.Min, v), max(p.Max, v)
			want[k] = p
		}
		if len(got) != len(want) {
			t.Errorf("[%v, %v): %d series, want %d", w.from, w.to, len(got), len(want))
		}
		for _, s := range got {
			p := want[s.labels["k"]]
			if s.acc.Count != p.Count || s.acc.Sum != p.Sum || s.acc.Min != p.Min || s.acc.Max != p.Max {
				t.Errorf("[%v, %v) k=%s: %+v, want %+v", w.from, w.to, s.labels["k"], s.acc, p)
			}
		}
	}
}
