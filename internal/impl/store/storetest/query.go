package storetest

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// pick selects corpus events by their index, as the corpus was built: a
// second statement of a case's expectation, independent of the oracle.
type pick func(i int) bool

func none(int) bool { return false }

func in(i int, vs ...int) bool { return slices.Contains(vs, i) }

// picked returns the ids, in no order, of the n corpus events of tenant that p selects.
func picked(n int, f func(tenant string, i int) event.Event, tenant string, p pick) []string {
	var out []string
	for i := range n {
		if p(i) {
			out = append(out, f(tenant, i).ID)
		}
	}
	return out
}

// checkPick fails t unless the oracle selects what p does.
func checkPick(t *testing.T, oracle []event.Event, want []string) {
	t.Helper()
	checkPickIDs(t, ids(oracle), want)
}

func checkPickIDs(t *testing.T, oracle, want []string) {
	t.Helper()
	got := slices.Sorted(slices.Values(oracle))
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("test bug: the oracle selects %d events %s, the case %d %s", len(got), some(got), len(want), some(want))
	}
}

func loadCorpus(t *testing.T, s store.Store, n int, f func(tenant string, i int) event.Event) []event.Event {
	t.Helper()
	mine, other := corpus(n, f)
	all := append(mine, other...)
	slices.Reverse(all) // insertion order is no order the listing has
	insert(t, s, all)
	return all
}

func testQueryLogs(t *testing.T, s store.Store) {
	ctx := context.Background()
	all := loadCorpus(t, s, nLogs, corpusLogEvent)
	w := func(from, to int) store.Window {
		return store.Window{From: corpusTS(from, 4), To: corpusTS(to, 4)}
	}
	cases := []struct {
		name  string
		q     store.LogQuery
		pick  pick // nil: trust the oracle alone
		limit int  // 0: pageSize
		// oneWay cases read newest first only: their filters do not touch
		// how either adapter orders or pages, and FerretDB is slow.
		oneWay bool
	}{
		{name: "all", pick: func(int) bool { return true }},
		{name: "window", q: store.LogQuery{Window: w(40, 80)}, pick: func(i int) bool { return i >= 40 && i < 80 }},
		{name: "service", q: store.LogQuery{Filter: filter.Filter{Services: []string{"payments"}}}, pick: func(i int) bool { return i%3 == 1 }},
		{name: "services and levels", q: store.LogQuery{Filter: filter.Filter{Services: []string{"checkout", "search"}, Levels: []event.Level{"error", "fatal"}}},
			pick: func(i int) bool { return i%3 != 1 && in((i/3)%5, 2, 4) }},
		{name: "level", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Levels: []event.Level{"warn"}}}, pick: func(i int) bool { return (i/3)%5 == 1 }},
		{name: "service and level, limit 1", q: store.LogQuery{Filter: filter.Filter{Services: []string{"payments"}, Levels: []event.Level{"error"}}},
			pick: func(i int) bool { return i%3 == 1 && (i/3)%5 == 2 }, limit: 1},
		{name: "repeated values", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Services: []string{"payments", "payments"}, Levels: []event.Level{"error", "error"}}},
			pick: func(i int) bool { return i%3 == 1 && (i/3)%5 == 2 }},
		{name: "host", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Host: "web-2"}}, pick: func(i int) bool { return i%4 == 2 }},
		{name: "text percent is literal", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "100%"}}, pick: func(i int) bool { return i%10 == 2 }},
		{name: "text", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "100"}}, pick: func(i int) bool { return in(i%10, 2, 3) }},
		{name: "text underscore is literal", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "E_N"}}, pick: func(i int) bool { return i%10 == 4 }},
		{name: "text dot is literal", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "a.b.c"}}, pick: func(i int) bool { return i%10 == 9 }},
		{name: "text brackets", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "(X)+ [Y]"}}, pick: func(i int) bool { return i%10 == 9 }},
		{name: "text backslash", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: `c:\TEMP\`}}, pick: func(i int) bool { return i%10 == 8 }},
		{name: "text folds ASCII", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "cole OUV"}}, pick: func(i int) bool { return i%10 == 6 }},
		{name: "text folds only ASCII", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "école"}}, pick: none},
		{name: "text no Unicode folding", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "kelvin"}}, pick: none},
		{name: "text beside Kelvin sign", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Text: "ELVIN"}}, pick: func(i int) bool { return i%10 == 7 }},
		{name: "attr number and its string", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"http.status": "402"}}},
			pick: func(i int) bool { return in(i%7, 0, 1) }},
		{name: "attr number spelled otherwise", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"http.status": "4.02e2"}}},
			pick: func(i int) bool { return i%7 == 0 }},
		{name: "attr fraction", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"http.status": "402.5"}}},
			pick: func(i int) bool { return i%7 == 3 }},
		{name: "attr true and its string", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"retry": "true"}}},
			pick: func(i int) bool { return in(i%7, 2, 3) }},
		{name: "attr false", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"retry": "false"}}}, pick: func(i int) bool { return i%7 == 4 }},
		{name: "attr 1 is not true", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"retry": "1"}}}, pick: none},
		{name: "attr 1", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"count": "1"}}}, pick: func(i int) bool { return i%7 == 4 }},
		{name: "attr key and value of different attrs", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"a": "y"}}}, pick: none},
		{name: "attrs all hold", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"a": "x", "b": "y"}}}, pick: func(i int) bool { return i%7 == 5 }},
		{name: "attrs dotted", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"user.id": "u-1", "http.status": "402"}}},
			pick: func(i int) bool { return i%7 == 0 }},
		{name: "attrs one fails", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"user.id": "u-1", "retry": "true"}}}, pick: none},
		{name: "attr dollar key", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"$weird.key": "v"}}}, pick: func(i int) bool { return i%7 == 5 }},
		{name: "attr missing", oneWay: true, q: store.LogQuery{Filter: filter.Filter{Attrs: map[string]string{"nope": ""}}}, pick: none},
		{name: "combined", q: store.LogQuery{
			Window: w(20, 90),
			Filter: filter.Filter{Services: []string{"checkout", "payments"}, Levels: []event.Level{"info", "error", "fatal"}, Text: "O", Attrs: map[string]string{"http.status": "402"}},
		}},
		{name: "combined with host", q: store.LogQuery{
			Window: w(10, 95), Filter: filter.Filter{Levels: []event.Level{"info", "warn"}, Host: "web-1", Text: "d"},
		}},
		{name: "other tenant", q: store.LogQuery{Window: store.Window{Tenant: "other"}}, pick: func(i int) bool { return i%3 == 0 }},
		{name: "unknown tenant", oneWay: true, q: store.LogQuery{Window: store.Window{Tenant: "nobody"}}, pick: none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Tenant = cmp.Or(q.Tenant, "acme")
			want := wantLogs(all, q)
			if c.pick != nil {
				checkPick(t, want, picked(nLogs, corpusLogEvent, q.Tenant, c.pick))
			} else if len(want) < 2 {
				t.Fatal("test bug: the case selects too little to page through")
			}
			q.Limit = cmp.Or(c.limit, pageSize(len(want)))
			for _, asc := range orders(c.oneWay) {
				q.Ascending = asc
				got := walkPages(t, q.Limit, func(after *store.Cursor) ([]event.Event, *store.Cursor, error) {
					q.After = after
					p, err := s.QueryLogs(ctx, q)
					return p.Events, p.Next, err
				}, eventKey)
				q.After = nil
				sameOrder(t, ids(wantLogs(all, q)), ids(got))
			}
		})
	}
}

// testQueryLogsContent checks that listed events carry every field.
func testQueryLogsContent(t *testing.T, s store.Store) {
	mine, _ := corpus(nLogs, corpusLogEvent)
	insert(t, s, mine)
	p, err := s.QueryLogs(context.Background(), store.LogQuery{Window: store.Window{Tenant: "acme", Limit: nLogs}})
	if err != nil {
		t.Fatalf("QueryLogs: %v", err)
	}
	if p.Next != nil {
		t.Errorf("Next = %+v with every event on the page; want nil", p.Next)
	}
	sameEvents(t, mine, p.Events)
}

// testQueryEdges pins limits, cursors off the corpus' positions, empty and
// out-of-range windows, and invalid queries, on both listings of events.
func testQueryEdges(t *testing.T, s store.Store) {
	ctx := context.Background()
	all := loadCorpus(t, s, nLogs, corpusLogEvent)
	loadCorpus(t, s, nSecurity, corpusSecurityEvent)
	logs := func(q store.LogQuery) store.Page {
		t.Helper()
		p, err := s.QueryLogs(ctx, q)
		if err != nil {
			t.Fatalf("QueryLogs(%+v): %v", q, err)
		}
		return p
	}
	// A few pages of payments + error, with page sizes around its count.
	few := store.LogQuery{Window: store.Window{Tenant: "acme"}, Filter: filter.Filter{Services: []string{"payments"}, Levels: []event.Level{"error"}}}
	n := len(wantLogs(all, few))
	for _, limit := range []int{n, n + 1, n - 1, (n + 1) / 2} {
		q := few
		q.Limit = limit
		got := walkPages(t, limit, func(after *store.Cursor) ([]event.Event, *store.Cursor, error) {
			q.After = after
			p, err := s.QueryLogs(ctx, q)
			return p.Events, p.Next, err
		}, eventKey)
		sameOrder(t, ids(wantLogs(all, few)), ids(got))
	}

	// A cursor need not be an event's position: (t, "") lies before every
	// event at t in ascending order, and after all of them in descending.
	mid := corpusTS(48, 4)
	for _, asc := range []bool{false, true} {
		q := store.LogQuery{Window: store.Window{Tenant: "acme", Limit: nLogs, Ascending: asc, After: &store.Cursor{TS: mid}}}
		var want []event.Event
		for _, e := range wantLogs(all, store.LogQuery{Window: store.Window{Tenant: "acme", Ascending: asc}}) {
			if (asc && !e.TS.Before(mid)) || (!asc && e.TS.Before(mid)) {
				want = append(want, e)
			}
		}
		sameOrder(t, ids(want), ids(logs(q).Events))
	}

	// Past either end, and empty or inverted windows: empty pages, no error.
	first, last := corpusTS(0, 4), corpusTS(nLogs-1, 4)
	for name, w := range map[string]store.Window{
		"past the oldest":   {After: &store.Cursor{TS: first.Add(-time.Hour)}},
		"past the newest":   {Ascending: true, After: &store.Cursor{TS: last.Add(time.Hour)}},
		"empty window":      {From: mid, To: mid},
		"inverted window":   {From: last, To: first},
		"window before all": {To: first},
		"window after all":  {From: last.Add(1)},
	} {
		w.Tenant, w.Limit = "acme", 10
		if p := logs(store.LogQuery{Window: w}); len(p.Events) != 0 || p.Next != nil {
			t.Errorf("%s: %d events, next %v; want none", name, len(p.Events), p.Next)
		}
	}
	// Bounds beyond what a store can hold are open ends, not errors.
	wide := store.Window{Tenant: "acme", Limit: nLogs,
		From: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)}
	if n := len(logs(store.LogQuery{Window: wide}).Events); n != nLogs {
		t.Errorf("window from 1500 to 2500: %d events, want %d", n, nLogs)
	}
	// The window's edges: From is in, To is out.
	edges := logs(store.LogQuery{Window: store.Window{Tenant: "acme", Limit: 100, From: corpusTS(8, 4), To: corpusTS(12, 4)}})
	sameOrder(t, ids(wantLogs(all, store.LogQuery{Window: store.Window{Tenant: "acme", From: corpusTS(8, 4), To: corpusTS(12, 4)}})), ids(edges.Events))
	if len(edges.Events) != 4 {
		t.Errorf("window of one group of equal times: %d events, want 4", len(edges.Events))
	}

	for name, q := range map[string]store.LogQuery{
		"no tenant":        {Window: store.Window{Limit: 10}},
		"limit 0":          {Window: store.Window{Tenant: "acme"}},
		"negative limit":   {Window: store.Window{Tenant: "acme", Limit: -1}},
		"huge limit":       {Window: store.Window{Tenant: "acme", Limit: 1 << 40}},
		"zero cursor time": {Window: store.Window{Tenant: "acme", Limit: 10, After: &store.Cursor{ID: "l001"}}},
		"bad UTF-8 text":   {Window: store.Window{Tenant: "acme", Limit: 10}, Filter: filter.Filter{Text: "\xff"}},
	} {
		if _, err := s.QueryLogs(ctx, q); err == nil {
			t.Errorf("QueryLogs with %s: got no error", name)
		}
	}
	for name, q := range map[string]store.SecurityQuery{
		"unknown min severity": {Window: store.Window{Tenant: "acme", Limit: 10}, Filter: filter.Filter{MinSeverity: "severe"}},
		"limit 0":              {Window: store.Window{Tenant: "acme"}},
	} {
		if _, err := s.QuerySecurity(ctx, q); err == nil {
			t.Errorf("QuerySecurity with %s: got no error", name)
		}
	}
}

func testQuerySecurity(t *testing.T, s store.Store) {
	ctx := context.Background()
	all := loadCorpus(t, s, nSecurity, corpusSecurityEvent)
	sev := func(i int) int { return (i / 2) % 4 } // 0 low … 3 critical
	cases := []struct {
		name   string
		q      store.SecurityQuery
		pick   pick
		oneWay bool
	}{
		{name: "all", pick: func(int) bool { return true }},
		{name: "window", q: store.SecurityQuery{Window: store.Window{From: corpusTS(18, 3), To: corpusTS(45, 3)}},
			pick: func(i int) bool { return i >= 18 && i < 45 }},
		{name: "categories", q: store.SecurityQuery{Filter: filter.Filter{Categories: []string{"authentication", "network"}}},
			pick: func(i int) bool { return in(i%4, 0, 2) }},
		{name: "severity", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Severities: []event.Severity{"high"}}}, pick: func(i int) bool { return sev(i) == 2 }},
		{name: "repeated severity", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Severities: []event.Severity{"high", "high"}}},
			pick: func(i int) bool { return sev(i) == 2 }},
		{name: "min severity", q: store.SecurityQuery{Filter: filter.Filter{MinSeverity: "high"}}, pick: func(i int) bool { return sev(i) >= 2 }},
		{name: "severities and min", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Severities: []event.Severity{"low", "critical"}, MinSeverity: "medium"}},
			pick: func(i int) bool { return sev(i) == 3 }},
		{name: "severities below min", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Severities: []event.Severity{"low"}, MinSeverity: "high"}}, pick: none},
		{name: "unknown severity", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Severities: []event.Severity{"severe"}}}, pick: none},
		{name: "min and category", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{MinSeverity: "critical", Categories: []string{"malware"}}},
			pick: func(i int) bool { return sev(i) == 3 && i%4 == 3 }},
		{name: "severities and categories", q: store.SecurityQuery{
			Filter: filter.Filter{Severities: []event.Severity{"low", "medium"}, Categories: []string{"authorization", "malware"}},
		}, pick: func(i int) bool { return sev(i) <= 1 && in(i%4, 1, 3) }},
		{name: "src ip", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{SrcIP: "203.0.113.2"}}, pick: func(i int) bool { return i%6 == 2 }},
		{name: "actor", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Actor: "bob"}}, pick: func(i int) bool { return (i/5)%3 == 1 }},
		{name: "outcome", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Outcome: "failure"}}, pick: func(i int) bool { return i%3 == 1 }},
		{name: "text", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Text: "brute force"}}, pick: func(i int) bool { return i%5 == 0 }},
		{name: "text percent", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Text: "50%"}}, pick: func(i int) bool { return i%5 == 1 }},
		{name: "text underscore", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Text: "R_N"}}, pick: func(i int) bool { return i%5 == 2 }},
		{name: "service", oneWay: true, q: store.SecurityQuery{Filter: filter.Filter{Services: []string{"gateway"}}}, pick: func(i int) bool { return i%2 == 1 }},
		{name: "combined", q: store.SecurityQuery{
			Window: store.Window{From: corpusTS(9, 3), To: corpusTS(54, 3)},
			Filter: filter.Filter{Services: []string{"gateway"}, Categories: []string{"network", "authorization", "malware"}, MinSeverity: "medium", Outcome: "success", Text: "E"},
		}},
		{name: "other tenant", q: store.SecurityQuery{Window: store.Window{Tenant: "other"}}, pick: func(i int) bool { return i%3 == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Tenant = cmp.Or(q.Tenant, "acme")
			want := wantSecurity(all, q)
			if c.pick != nil {
				checkPick(t, want, picked(nSecurity, corpusSecurityEvent, q.Tenant, c.pick))
			} else if len(want) < 2 {
				t.Fatal("test bug: the case selects too little to page through")
			}
			q.Limit = pageSize(len(want))
			for _, asc := range orders(c.oneWay) {
				q.Ascending = asc
				got := walkPages(t, q.Limit, func(after *store.Cursor) ([]event.Event, *store.Cursor, error) {
					q.After = after
					p, err := s.QuerySecurity(ctx, q)
					return p.Events, p.Next, err
				}, eventKey)
				q.After = nil
				sameOrder(t, ids(wantSecurity(all, q)), ids(got))
			}
		})
	}
	// Listed events carry every field.
	mine, _ := corpus(nSecurity, corpusSecurityEvent)
	p, err := s.QuerySecurity(ctx, store.SecurityQuery{Window: store.Window{Tenant: "acme", Limit: nSecurity}})
	if err != nil {
		t.Fatalf("QuerySecurity: %v", err)
	}
	sameEvents(t, mine, p.Events)
}

// pageSize is a page size for walking n items in about three pages. It is
// odd and no multiple of 3, so that pages end inside the corpora's groups of
// three or four equal times, where only the id tiebreak keeps them apart.
func pageSize(n int) int {
	l := max(1, n/3)
	for l%2 == 0 || l%3 == 0 {
		l++
	}
	return l
}

// orders lists the orders to walk a case in.
func orders(oneWay bool) []bool {
	if oneWay {
		return []bool{false}
	}
	return []bool{false, true}
}
