package filter

import (
	"slices"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

func TestAttrs(t *testing.T) {
	for v, num := range map[string]bool{
		"402": true, "-0.5": true, ".5": true, "5.": true, "4.02e2": true, "1E-3": true, "+7": true,
		"": false, "0x10": false, "1_000": false, "Inf": false, "NaN": false, "1e400": false, "4 02": false, "true": false,
	} {
		a := Attrs(map[string]string{"k": v})
		if a[0].IsNum != num {
			t.Errorf("%q: IsNum = %v, want %v", v, a[0].IsNum, num)
		}
	}
	a := Attrs(map[string]string{"n": "402", "b": "true", "s": "402x"})
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
	if err := (Filter{Attrs: map[string]string{"k": "\xff"}}).Check(); err == nil {
		t.Error("invalid UTF-8: got no error")
	}
}

func TestSeverities(t *testing.T) {
	cases := []struct {
		list     []event.Severity
		min      event.Severity
		want     []event.Severity
		filtered bool
	}{
		{nil, "", nil, false},
		{nil, "high", []event.Severity{"high", "critical"}, true},
		{[]event.Severity{"low", "critical", "low"}, "", []event.Severity{"low", "critical"}, true},
		{[]event.Severity{"low", "critical"}, "medium", []event.Severity{"critical"}, true},
		{[]event.Severity{"low"}, "high", []event.Severity{}, true},
	}
	for _, c := range cases {
		got, filtered := Severities(c.list, c.min)
		if filtered != c.filtered || !slices.Equal(got, c.want) {
			t.Errorf("Severities(%v, %q) = %v, %v; want %v, %v", c.list, c.min, got, filtered, c.want, c.filtered)
		}
	}
	if err := (Filter{MinSeverity: "severe"}).Check(); err == nil {
		t.Error("unknown min severity: got no error")
	}
}
