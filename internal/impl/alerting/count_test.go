package alerting

import (
	"testing"
)

func TestDecisive(t *testing.T) {
	for _, c := range []struct {
		op   Op
		t    float64
		want int64
	}{{OpGT, 10, 11}, {OpGT, 2.5, 3}, {OpGT, 0, 1}, {OpGTE, 10, 10}, {OpGTE, 2.5, 3}, {OpGTE, 0, 0}, {OpLT, 10, 10}, {OpLTE, 10, 11}} {
		if got := (countRule{c.op, c.t}).decisive(); got != c.want {
			t.Errorf("%s %v: decisive %d, want %d", c.op, c.t, got, c.want)
		}
	}
}

func TestCountStopsWhenCertain(t *testing.T) {
	for _, c := range []struct {
		name      string
		rule      countRule
		n         int64
		wantN     int64
		wantDone  bool
		wantHolds bool
		wantUpTo  int64
	}{
		{"gt, more than enough", countRule{OpGT, 10}, 1_000_000, exactUpTo, false, true, exactUpTo},
		{"gt, exact", countRule{OpGT, 10}, 12, 12, true, true, exactUpTo},
		{"gt, not enough", countRule{OpGT, 10}, 10, 10, true, false, exactUpTo},
		{"gt 0, none", countRule{OpGT, 0}, 0, 0, true, false, exactUpTo},
		{"lt, few", countRule{OpLT, 5}, 3, 3, true, true, exactUpTo},
		{"large threshold", countRule{OpGT, 25_000}, 30_000, 25_001, false, true, 25_001},
		{"large threshold, not reached", countRule{OpGTE, 25_000}, 20_000, 20_000, true, false, 25_000},
	} {
		var asked int64
		n, done, holds, err := c.rule.count(func(upTo int64) (int64, error) { asked = upTo; return min(c.n, upTo), nil })
		if err != nil || n != c.wantN || done != c.wantDone || holds != c.wantHolds || asked != c.wantUpTo {
			t.Errorf("%s: n=%d done=%v holds=%v err=%v upTo=%d; want %d %v %v %d", c.name, n, done, holds, err, asked, c.wantN, c.wantDone, c.wantHolds, c.wantUpTo)
		}
	}
}
