// Package saturate adds float64 values without leaving the finite range.
//
// Metric rollups keep running sums of client-supplied samples. Plain addition
// of two samples of 1.7e308 gives +Inf, and a later -Inf makes the sum NaN,
// which no store can hold (SQLite turns it into NULL and refuses the row) and
// JSON cannot carry. Every sum that clients feed therefore saturates at
// ±math.MaxFloat64 instead: an overflowing series-minute reports the largest
// finite value, and the rest of the system never sees a non-finite number.
package saturate

import "math"

// Add returns a+b clamped to [-math.MaxFloat64, math.MaxFloat64]. A non-finite
// operand (a stored +Inf from before sums saturated) is clamped first, so the
// result is always finite, never NaN.
func Add(a, b float64) float64 {
	return Clamp(Clamp(a) + Clamp(b))
}

// Clamp maps ±Inf to ±math.MaxFloat64 and NaN to 0; finite values are unchanged.
func Clamp(v float64) float64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v > math.MaxFloat64:
		return math.MaxFloat64
	case v < -math.MaxFloat64:
		return -math.MaxFloat64
	}
	return v
}
