package listing

import (
	"slices"
)

// Distinct drops repeated values, keeping the first of each. Adapters that
// split a query into one part per value would otherwise return items twice.
func Distinct[S ~string](vs []S) []S {
	var out []S
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Strings converts string-like values.
func Strings[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
