package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// RunRetention runs the conformance tests of store.Retainer. open must
// return an empty store enforcing r. Stores that do not implement
// store.Retainer (the capability) skip them.
func RunRetention(t *testing.T, open func(t *testing.T, r store.Retention) store.Store) {
	t.Helper()
	t.Run("RetentionByAge", func(t *testing.T) { testRetentionByAge(t, open) })
}

// testRetentionByAge stores events of every kind at three ages, each age in
// calls of its own with a compaction after it (a store may drop what it
// keeps together only together), and runs a pass: what is older than its
// kind's retention is gone from every read, the rest is intact; a rollup
// outlives its raw samples when the rollups' retention is longer.
func testRetentionByAge(t *testing.T, open func(t *testing.T, r store.Retention) store.Store) {
	ctx := context.Background()
	r := store.Retention{Logs: time.Hour, Metrics: time.Hour, Security: 2 * time.Hour, Heartbeats: time.Hour, Rollups: 3 * time.Hour}
	s := open(t, r)
	ret, ok := s.(store.Retainer)
	if !ok {
		t.Skip("this store does not enforce retention (no store.Retainer)")
	}
	// Ages well inside or outside every limit, so that the store's own
	// passes, which run at their own now, agree with the one below.
	now := time.Now().UTC().Truncate(time.Minute)
	ages := []time.Duration{4 * time.Hour, 150 * time.Minute, 90 * time.Minute, 10 * time.Minute}
	for a, age := range ages {
		at := now.Add(-age)
		var batch []event.Event
		for i := range 3 {
			l := logEvent("acme", fmt.Sprintf("log-%d-%d", a, i), i)
			l.TS = at.Add(time.Duration(i))
			m := metricEvent("acme", fmt.Sprintf("metric-%d-%d", a, i), i)
			m.TS = at.Add(time.Duration(i))
			sec := securityEvent("acme", fmt.Sprintf("sec-%d-%d", a, i), i)
			sec.TS = at.Add(time.Duration(i))
			h := heartbeatEvent("acme", fmt.Sprintf("hb-%d-%d", a, i), i)
			h.TS = at.Add(time.Duration(i))
			batch = append(batch, l, m, sec, h)
		}
		insert(t, s, batch)
		compact(t, s)
	}
	if _, err := ret.EnforceRetention(ctx, now); err != nil {
		t.Fatalf("EnforceRetention: %v", err)
	}
	kept := func(kind event.Kind) []string {
		var out []string
		prefix := map[event.Kind]string{event.KindLog: "log", event.KindMetric: "metric", event.KindSecurity: "sec", event.KindHeartbeat: "hb"}[kind]
		for a, age := range ages {
			if age < r.For(kind) {
				for i := range 3 {
					out = append(out, fmt.Sprintf("%s-%d-%d", prefix, a, i))
				}
			}
		}
		return out
	}
	var all []string
	for a := range ages {
		for i := range 3 {
			for _, p := range []string{"log", "metric", "sec", "hb"} {
				all = append(all, fmt.Sprintf("%s-%d-%d", p, a, i))
			}
		}
	}
	got := map[event.Kind][]string{}
	for _, e := range get(t, s, "acme", all) {
		got[e.Kind] = append(got[e.Kind], e.ID)
	}
	for _, kind := range event.Kinds {
		checkPickIDs(t, kept(kind), kept(kind)) // the expectation itself
		if want := kept(kind); fmt.Sprint(sortedIDs(got[kind])) != fmt.Sprint(sortedIDs(want)) {
			t.Errorf("%s events after retention: got %v, want %v", kind, sortedIDs(got[kind]), sortedIDs(want))
		}
		if n := count(t, s, "acme", kind); n != int64(len(kept(kind))) {
			t.Errorf("CountEvents %s = %d, want %d", kind, n, len(kept(kind)))
		}
	}
	p, err := s.QueryLogs(ctx, store.LogQuery{Window: store.Window{Tenant: "acme", Limit: 100}})
	if err != nil || len(p.Events) != len(kept(event.KindLog)) {
		t.Errorf("QueryLogs after retention: %d events, %v; want %d", len(p.Events), err, len(kept(event.KindLog)))
	}
	sec, err := s.QuerySecurity(ctx, store.SecurityQuery{Window: store.Window{Tenant: "acme", Limit: 100}})
	if err != nil || len(sec.Events) != len(kept(event.KindSecurity)) {
		t.Errorf("QuerySecurity after retention: %d events, %v; want %d", len(sec.Events), err, len(kept(event.KindSecurity)))
	}
	// Rollups: the 150-minute-old minute outlives its samples, the
	// 4-hour-old one is gone.
	series := queryMetrics(t, s, store.MetricQuery{Tenant: "acme", Name: "http.server.duration",
		From: now.Add(-5 * time.Hour), To: now, Step: time.Minute})
	var minutes []time.Time
	for _, sr := range series {
		for _, pt := range sr.Points {
			minutes = append(minutes, pt.TS)
		}
	}
	want := []time.Time{now.Add(-150 * time.Minute), now.Add(-90 * time.Minute), now.Add(-10 * time.Minute)}
	if fmt.Sprint(sortedTimes(minutes)) != fmt.Sprint(want) {
		t.Errorf("rollup minutes after retention: got %v, want %v", sortedTimes(minutes), want)
	}
}
