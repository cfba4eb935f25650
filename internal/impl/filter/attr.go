package filter

import (
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// Attr is one attribute equality of Filter.Attrs, with every stored value it
// admits spelled out, so that adapters can translate it and Match can apply it.
type Attr struct {
	Key string
	// Str matches a string attribute equal to it; always set.
	Str string
	// Num, when IsNum, matches a number attribute numerically equal to it:
	// "402" and "402.0" both match 402.
	Num   float64
	IsNum bool
	// Bool, when IsBool, matches a boolean attribute: Str is "true" or "false".
	Bool   bool
	IsBool bool
}

// decimal is the number syntax a filter value must have to compare
// numerically. strconv.ParseFloat alone would also take "Inf", "NaN", hex
// floats and underscores, which no one means as a number here.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// NewAttr is the equality key=value.
func NewAttr(key, value string) Attr {
	a := Attr{Key: key, Str: value}
	if decimal.MatchString(value) {
		if f, err := strconv.ParseFloat(value, 64); err == nil && !math.IsInf(f, 0) {
			a.Num, a.IsNum = f, true
		}
	}
	if value == "true" || value == "false" {
		a.Bool, a.IsBool = value == "true", true
	}
	return a
}

// Attrs turns attribute equalities into matchers, sorted by key so that the
// queries built from them are deterministic.
func Attrs(m map[string]string) []Attr {
	out := make([]Attr, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, NewAttr(k, m[k]))
	}
	return out
}

// Match reports whether a stored attribute value (string, float64 or bool,
// as ingest admits and encoding/json decodes) satisfies a.
func (a Attr) Match(v any) bool {
	switch x := v.(type) {
	case string:
		return x == a.Str
	case float64:
		return a.IsNum && x == a.Num
	case bool:
		return a.IsBool && x == a.Bool
	}
	return false
}
