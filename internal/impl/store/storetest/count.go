package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// RunCounts runs the conformance tests of store.Counts, like Run.
func RunCounts(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	t.Run("Counts", func(t *testing.T) { testCounts(t, open(t)) })
}

// testCounts checks that CountLogs and CountSecurity count what the listings
// select (the oracles of QueryLogs and QuerySecurity), over every page,
// whatever the query's limit, cursor and order, and no further than the cap.
func testCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	logs := loadCorpus(t, s, nLogs, corpusLogEvent)
	security := loadCorpus(t, s, nSecurity, corpusSecurityEvent)
	acme := func(w store.Window) store.Window { w.Tenant = "acme"; return w }

	logCases := map[string]store.LogQuery{
		"all":                 {Window: acme(store.Window{})},
		"window":              {Window: acme(store.Window{From: corpusTS(40, 4), To: corpusTS(80, 4)})},
		"service":             {Window: acme(store.Window{}), Filter: filter.Filter{Services: []string{"payments"}}},
		"services and levels": {Window: acme(store.Window{}), Filter: filter.Filter{Services: []string{"checkout", "search"}, Levels: []event.Level{"error", "fatal"}}},
		"one service, levels": {Window: acme(store.Window{}), Filter: filter.Filter{Services: []string{"payments"}, Levels: []event.Level{"error", "fatal"}}},
		"level":               {Window: acme(store.Window{}), Filter: filter.Filter{Levels: []event.Level{"warn"}}},
		"host":                {Window: acme(store.Window{}), Filter: filter.Filter{Host: "web-2"}},
		"text":                {Window: acme(store.Window{}), Filter: filter.Filter{Text: "100%"}},
		"text folds ASCII":    {Window: acme(store.Window{}), Filter: filter.Filter{Text: "cole OUV"}},
		"attrs":               {Window: acme(store.Window{}), Filter: filter.Filter{Attrs: map[string]string{"http.status": "402"}}},
		"combined": {Window: acme(store.Window{From: corpusTS(20, 4), To: corpusTS(90, 4)}),
			Filter: filter.Filter{Services: []string{"checkout", "payments"}, Levels: []event.Level{"info", "error", "fatal"}, Text: "O"}},
		"paging fields ignored": {Window: acme(store.Window{Limit: 3, Ascending: true, After: &store.Cursor{TS: corpusTS(50, 4), ID: "l001"}})},
		"other tenant":          {Window: store.Window{Tenant: "other"}},
		"unknown tenant":        {Window: store.Window{Tenant: "nobody"}},
		"empty window":          {Window: acme(store.Window{From: corpusTS(10, 4), To: corpusTS(10, 4)})},
	}
	for name, q := range logCases {
		oracle := q
		oracle.After = nil
		want := int64(len(wantLogs(logs, oracle)))
		for _, upTo := range []int64{1_000_000, want, want + 1, 3, 1} {
			if upTo < 1 {
				continue
			}
			got, err := s.CountLogs(ctx, q, upTo)
			if err != nil || got != min(want, upTo) {
				t.Errorf("CountLogs %s, up to %d: %d, %v; want %d", name, upTo, got, err, min(want, upTo))
			}
		}
	}

	securityCases := map[string]store.SecurityQuery{
		"all":                    {Window: acme(store.Window{})},
		"window":                 {Window: acme(store.Window{From: corpusTS(18, 3), To: corpusTS(45, 3)})},
		"min severity":           {Window: acme(store.Window{}), Filter: filter.Filter{MinSeverity: "high"}},
		"min severity, category": {Window: acme(store.Window{}), Filter: filter.Filter{MinSeverity: "medium", Categories: []string{"authentication"}}},
		"severities below min":   {Window: acme(store.Window{}), Filter: filter.Filter{Severities: []event.Severity{"low"}, MinSeverity: "high"}},
		"service":                {Window: acme(store.Window{}), Filter: filter.Filter{Services: []string{"gateway"}}},
		"actor, outcome, src ip": {Window: acme(store.Window{}), Filter: filter.Filter{Actor: "bob", Outcome: "failure", SrcIP: "203.0.113.1"}},
		"text":                   {Window: acme(store.Window{}), Filter: filter.Filter{Text: "R_N"}},
		"other tenant":           {Window: store.Window{Tenant: "other"}},
	}
	for name, q := range securityCases {
		want := int64(len(wantSecurity(security, q)))
		for _, upTo := range []int64{1_000_000, want + 1, 2} {
			got, err := s.CountSecurity(ctx, q, upTo)
			if err != nil || got != min(want, upTo) {
				t.Errorf("CountSecurity %s, up to %d: %d, %v; want %d", name, upTo, got, err, min(want, upTo))
			}
		}
	}

	// The window's edges: From is in, To is out.
	edges := store.LogQuery{Window: acme(store.Window{From: corpusTS(8, 4), To: corpusTS(12, 4)})}
	if got, err := s.CountLogs(ctx, edges, 100); err != nil || got != 4 {
		t.Errorf("CountLogs of one group of equal times: %d, %v; want 4", got, err)
	}
	wide := store.LogQuery{Window: acme(store.Window{From: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)})}
	if got, err := s.CountLogs(ctx, wide, 1_000_000); err != nil || got != nLogs {
		t.Errorf("CountLogs from 1500 to 2500: %d, %v; want %d", got, err, nLogs)
	}

	for name, q := range map[string]store.LogQuery{
		"no tenant":      {},
		"bad UTF-8":      {Window: acme(store.Window{}), Filter: filter.Filter{Text: "\xff"}},
		"bad attr UTF-8": {Window: acme(store.Window{}), Filter: filter.Filter{Attrs: map[string]string{"\xff": "x"}}},
	} {
		if _, err := s.CountLogs(ctx, q, 10); err == nil {
			t.Errorf("CountLogs with %s: got no error", name)
		}
	}
	if _, err := s.CountLogs(ctx, store.LogQuery{Window: acme(store.Window{})}, 0); err == nil {
		t.Error("CountLogs up to 0: got no error")
	}
	for name, q := range map[string]store.SecurityQuery{
		"no tenant":            {},
		"unknown min severity": {Window: acme(store.Window{}), Filter: filter.Filter{MinSeverity: "severe"}},
	} {
		if _, err := s.CountSecurity(ctx, q, 10); err == nil {
			t.Errorf("CountSecurity with %s: got no error", name)
		}
	}
	if _, err := s.CountSecurity(ctx, store.SecurityQuery{Window: acme(store.Window{})}, 0); err == nil {
		t.Error("CountSecurity up to 0: got no error")
	}
}
