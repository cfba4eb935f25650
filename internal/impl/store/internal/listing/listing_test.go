package listing

import (
	"math"
	"testing"
	"time"

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
