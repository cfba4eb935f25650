// Package duration is the one syntax of durations in the query API: a whole
// number and a unit, s, m, h or d ("30s", "5m", "1h", "7d"). Metric steps and
// alert rules' windows, holds and warm-ups are written in it; each caller
// bounds the value for its own purpose.
package duration

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// units maps the unit letters to their lengths.
func unit(c byte) time.Duration {
	switch c {
	case 's':
		return time.Second
	case 'm':
		return time.Minute
	case 'h':
		return time.Hour
	case 'd':
		return 24 * time.Hour
	}
	return 0
}

// Parse reads a duration: digits only, then the unit. Zero ("0s") is a
// duration; signs, fractions and Go's compound forms ("1m30s") are not.
func Parse(s string) (time.Duration, error) {
	if len(s) >= 2 {
		u, digits := unit(s[len(s)-1]), s[:len(s)-1]
		// n is bounded by the unit so that no duration overflows (about 290 years).
		if n, err := strconv.ParseInt(digits, 10, 64); err == nil && u != 0 && n >= 0 && n <= int64(math.MaxInt64/u) && digits[0] != '+' && digits[0] != '-' {
			return time.Duration(n) * u, nil
		}
	}
	return 0, fmt.Errorf("%q is not a duration: want a whole number and s, m, h or d, such as 30s or 5m", s)
}

// Format writes d in the largest unit that divides it: 2h, 5m, 90s, 0s.
func Format(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d >= time.Hour && d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}
