package saturate

import (
	"math"
	"testing"
)

func TestAddStaysFinite(t *testing.T) {
	cases := []struct{ a, b, want float64 }{
		{1, 2, 3},
		{1.7e308, 1.7e308, math.MaxFloat64},
		{-1.7e308, -1.7e308, -math.MaxFloat64},
		{math.MaxFloat64, -math.MaxFloat64, 0},
		{math.Inf(1), math.Inf(-1), 0},
		{math.Inf(1), 1, math.MaxFloat64},
		{math.NaN(), 1, 1},
	}
	for _, c := range cases {
		if got := Add(c.a, c.b); got != c.want {
			t.Errorf("Add(%g, %g) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}
