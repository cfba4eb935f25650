package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// RunExplore runs the conformance tests of store.Explore, like Run.
func RunExplore(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	t.Run("Explore", func(t *testing.T) { testExplore(t, open(t)) })
}

// testExplore checks hits and field values against plain Go over what the
// listings' oracles select.
func testExplore(t *testing.T, s store.Store) {
	ctx := context.Background()
	logs := loadCorpus(t, s, nLogs, corpusLogEvent)
	security := loadCorpus(t, s, nSecurity, corpusSecurityEvent)
	// Two logs before 1970, to check that steps floor there too.
	old := []event.Event{corpusLogEvent("old", 1), corpusLogEvent("old", 2)}
	old[0].TS = time.Unix(-1, 500_000_000).UTC() // 1969-12-31T23:59:59.5
	old[1].TS = time.Unix(-7, 1).UTC()
	insert(t, s, old)
	logs = append(logs, old...)

	acme := func(w store.Window) store.Window { w.Tenant = "acme"; return w }
	logCases := map[string]store.LogQuery{
		"all":      {Window: acme(store.Window{})},
		"window":   {Window: acme(store.Window{From: corpusTS(40, 4), To: corpusTS(80, 4)})},
		"filtered": {Window: acme(store.Window{}), Filter: filter.Filter{Services: []string{"checkout", "search"}, Levels: []event.Level{"error", "fatal", "info"}}},
		"host":     {Window: acme(store.Window{}), Filter: filter.Filter{Host: "web-2"}},
		"text":     {Window: acme(store.Window{}), Filter: filter.Filter{Text: "100%"}},
		"attrs":    {Window: acme(store.Window{}), Filter: filter.Filter{Attrs: map[string]string{"http.status": "402"}}},
		"paging fields ignored": {Window: acme(store.Window{Limit: 3, Ascending: true,
			After: &store.Cursor{TS: corpusTS(50, 4), ID: "l001"}})},
		"before 1970":  {Window: store.Window{Tenant: "old"}},
		"empty window": {Window: acme(store.Window{From: corpusTS(10, 4), To: corpusTS(10, 4)})},
		"nobody":       {Window: store.Window{Tenant: "nobody"}},
	}
	logField := func(e event.Event, f string) string {
		switch f {
		case "service":
			return e.Service
		case "host":
			return e.Host
		case "level":
			return string(e.Log.Level)
		}
		return attrString(e.Attributes[f[len("attr."):]])
	}
	for name, q := range logCases {
		oracle := q
		oracle.After, oracle.Limit = nil, 0
		sel := wantLogs(logs, oracle)
		for _, h := range []store.Histogram{{Step: time.Second}, {Step: 7 * time.Second, GroupBy: "level"},
			{Step: time.Hour, GroupBy: "service"}, {Step: 3 * time.Second, GroupBy: "host"}} {
			got, err := s.LogHits(ctx, q, h)
			want := wantHits(sel, h, logField)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("LogHits %s, %+v:\n got %v, %v\nwant %v", name, h, got, err, want)
			}
		}
		for _, f := range []string{"service", "level", "host", "attr.http.status", "attr.retry", "attr.$weird.key", "attr.none"} {
			for _, limit := range []int{1000, 2} {
				got, err := s.LogFieldValues(ctx, q, f, limit)
				want := wantValues(sel, f, limit, logField)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("LogFieldValues %s, %s, limit %d:\n got %v, %v\nwant %v", name, f, limit, got, err, want)
				}
			}
		}
	}

	securityCases := map[string]store.SecurityQuery{
		"all":                  {Window: acme(store.Window{})},
		"window":               {Window: acme(store.Window{From: corpusTS(18, 3), To: corpusTS(45, 3)})},
		"min severity":         {Window: acme(store.Window{}), Filter: filter.Filter{MinSeverity: "high", Categories: []string{"network", "malware"}}},
		"severities below min": {Window: acme(store.Window{}), Filter: filter.Filter{Severities: []event.Severity{"low"}, MinSeverity: "high"}},
		"actor, text":          {Window: acme(store.Window{}), Filter: filter.Filter{Actor: "bob", Text: "leaked"}},
	}
	securityField := func(e event.Event, f string) string {
		x := e.Security
		return map[string]string{"service": e.Service, "host": e.Host, "severity": string(x.Severity), "category": x.Category,
			"actor": x.Actor, "src_ip": x.SrcIP, "outcome": x.Outcome}[f]
	}
	for name, q := range securityCases {
		sel := wantSecurity(security, q)
		for _, h := range []store.Histogram{{Step: 2 * time.Second}, {Step: 5 * time.Second, GroupBy: "severity"},
			{Step: time.Minute, GroupBy: "category"}, {Step: time.Minute, GroupBy: "service"}} {
			got, err := s.SecurityHits(ctx, q, h)
			want := wantHits(sel, h, securityField)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("SecurityHits %s, %+v:\n got %v, %v\nwant %v", name, h, got, err, want)
			}
		}
		for _, f := range []string{"service", "host", "severity", "category", "actor", "src_ip", "outcome"} {
			got, err := s.SecurityFieldValues(ctx, q, f, 3)
			want := wantValues(sel, f, 3, securityField)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("SecurityFieldValues %s, %s:\n got %v, %v\nwant %v", name, f, got, err, want)
			}
		}
	}

	// What is refused.
	all := store.LogQuery{Window: acme(store.Window{})}
	for name, call := range map[string]func() error{
		"log group": func() error {
			_, err := s.LogHits(ctx, all, store.Histogram{Step: time.Second, GroupBy: "message"})
			return err
		},
		"zero step": func() error { _, err := s.LogHits(ctx, all, store.Histogram{}); return err },
		"security group": func() error {
			_, err := s.SecurityHits(ctx, store.SecurityQuery{Window: acme(store.Window{})}, store.Histogram{Step: time.Second, GroupBy: "level"})
			return err
		},
		"log field":      func() error { _, err := s.LogFieldValues(ctx, all, "message", 10); return err },
		"empty attr key": func() error { _, err := s.LogFieldValues(ctx, all, "attr.", 10); return err },
		"security field": func() error {
			_, err := s.SecurityFieldValues(ctx, store.SecurityQuery{Window: acme(store.Window{})}, "attr.x", 10)
			return err
		},
		"zero limit": func() error { _, err := s.LogFieldValues(ctx, all, "service", 0); return err },
		"no tenant": func() error {
			_, err := s.LogHits(ctx, store.LogQuery{}, store.Histogram{Step: time.Second})
			return err
		},
		"bad text": func() error {
			_, err := s.LogFieldValues(ctx, store.LogQuery{Window: acme(store.Window{}), Filter: filter.Filter{Text: "\xff"}}, "host", 10)
			return err
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// attrString names an attribute value as store.Explore promises ("" when absent).
func attrString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	panic(fmt.Sprintf("attribute of type %T", v))
}

func wantHits(sel []event.Event, h store.Histogram, field func(event.Event, string) string) []store.Hit {
	type key struct {
		ts int64
		g  string
	}
	counts := map[key]int64{}
	for _, e := range sel {
		ts := e.TS.UnixNano()
		b := ts - ((ts%int64(h.Step))+int64(h.Step))%int64(h.Step)
		g := ""
		if h.GroupBy != "" {
			g = field(e, h.GroupBy)
		}
		counts[key{b, g}]++
	}
	out := []store.Hit{}
	for k, n := range counts {
		out = append(out, store.Hit{TS: time.Unix(0, k.ts).UTC(), Group: k.g, Count: n})
	}
	slices.SortFunc(out, func(a, b store.Hit) int { return cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.Group, b.Group)) })
	return out
}

func wantValues(sel []event.Event, f string, limit int, field func(event.Event, string) string) []store.FieldValue {
	counts := map[string]int64{}
	for _, e := range sel {
		if v := field(e, f); v != "" {
			counts[v]++
		}
	}
	out := []store.FieldValue{}
	for v, n := range counts {
		out = append(out, store.FieldValue{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b store.FieldValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out[:min(limit, len(out))]
}
