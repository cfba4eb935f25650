package listing

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func TestNewBounds(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := at.UnixNano()
	cases := []struct {
		name   string
		w      store.Window
		lo, hi int64
		empty  bool
	}{
		{"open", store.Window{}, math.MinInt64, math.MaxInt64, false},
		{"from is in, to is out", store.Window{From: at, To: at.Add(10)}, n, n + 9, false},
		{"empty", store.Window{From: at, To: at}, n, n - 1, true},
		{"before storable", store.Window{From: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)}, math.MinInt64, math.MaxInt64, false},
		{"after storable", store.Window{To: time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)}, math.MinInt64, math.MaxInt64, false},
		{"from after storable", store.Window{From: time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)}, math.MinInt64, math.MaxInt64, true},
		{"to before storable", store.Window{To: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)}, math.MinInt64, math.MaxInt64, true},
		{"to at the first storable", store.Window{To: time.Unix(0, math.MinInt64)}, math.MinInt64, math.MaxInt64, true},
		{"descending cursor", store.Window{To: at.Add(10), After: &store.Cursor{TS: at, ID: "x"}}, math.MinInt64, n, false},
		{"ascending cursor", store.Window{From: at.Add(-10), Ascending: true, After: &store.Cursor{TS: at, ID: "x"}}, n, math.MaxInt64, false},
		{"cursor past the window", store.Window{From: at, After: &store.Cursor{TS: at.Add(-1)}}, n, n - 1, true},
	}
	for _, c := range cases {
		c.w.Tenant, c.w.Limit = "acme", 10
		p, err := New(c.w)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.Empty != c.empty || (!c.empty && (p.Lo != c.lo || p.Hi != c.hi)) {
			t.Errorf("%s: got [%d, %d] empty %v, want [%d, %d] empty %v", c.name, p.Lo, p.Hi, p.Empty, c.lo, c.hi, c.empty)
		}
	}
	for name, w := range map[string]store.Window{
		"no tenant":        {Limit: 1},
		"limit 0":          {Tenant: "acme"},
		"limit too large":  {Tenant: "acme", Limit: MaxLimit + 1},
		"zero cursor time": {Tenant: "acme", Limit: 1, After: &store.Cursor{ID: "x"}},
	} {
		if _, err := New(w); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func TestCut(t *testing.T) {
	p := Plan{Limit: 3}
	for n, want := range map[int][2]any{0: {0, false}, 3: {3, false}, 4: {3, true}} {
		keep, more := p.Cut(n)
		if keep != want[0] || more != want[1] {
			t.Errorf("Cut(%d) = %d, %v; want %v, %v", n, keep, more, want[0], want[1])
		}
	}
}

func TestAttrs(t *testing.T) {
	for v, num := range map[string]bool{
		"402": true, "-0.5": true, ".5": true, "5.": true, "4.02e2": true, "1E-3": true, "+7": true,
		"": false, "0x10": false, "1_000": false, "Inf": false, "NaN": false, "1e400": false, "4 02": false, "true": false,
	} {
		a, err := Attrs(map[string]string{"k": v})
		if err != nil {
			t.Fatal(err)
		}
		if a[0].IsNum != num {
			t.Errorf("%q: IsNum = %v, want %v", v, a[0].IsNum, num)
		}
	}
	a, _ := Attrs(map[string]string{"n": "402", "b": "true", "s": "402x"})
	if keys := []string{a[0].Key, a[1].Key, a[2].Key}; !slices.Equal(keys, []string{"b", "n", "s"}) {
		t.Errorf("keys %v not sorted", keys)
	}
	for _, c := range []struct {
		a    Attr
		v    any
		want bool
	}{
		{a[1], 402.0, true}, {a[1], "402", true}, {a[1], 402.5, false}, {a[1], true, false},
		{a[0], true, true}, {a[0], "true", true}, {a[0], false, false}, {a[0], 1.0, false},
		{a[2], "402x", true}, {a[2], 402.0, false},
	} {
		if got := c.a.Match(c.v); got != c.want {
			t.Errorf("%s=%s Match(%#v) = %v, want %v", c.a.Key, c.a.Str, c.v, got, c.want)
		}
	}
	if _, err := Attrs(map[string]string{"k": "\xff"}); err == nil {
		t.Error("invalid UTF-8: got no error")
	}
}

func TestSeverities(t *testing.T) {
	cases := []struct {
		list     []event.Severity
		min      event.Severity
		want     []string
		filtered bool
	}{
		{nil, "", nil, false},
		{nil, "high", []string{"high", "critical"}, true},
		{[]event.Severity{"low", "critical", "low"}, "", []string{"low", "critical"}, true},
		{[]event.Severity{"low", "critical"}, "medium", []string{"critical"}, true},
		{[]event.Severity{"low"}, "high", []string{}, true},
	}
	for _, c := range cases {
		got, filtered, err := Severities(c.list, c.min)
		if err != nil || filtered != c.filtered || !slices.Equal(got, c.want) {
			t.Errorf("Severities(%v, %q) = %v, %v, %v; want %v, %v", c.list, c.min, got, filtered, err, c.want, c.filtered)
		}
	}
	if _, _, err := Severities(nil, "severe"); err == nil {
		t.Error("unknown min severity: got no error")
	}
}
