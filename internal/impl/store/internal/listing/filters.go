package listing

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Attr is one attribute equality of store.LogQuery.Attrs, with every stored
// value it admits spelled out.
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

// Attrs turns attribute equalities into matchers, sorted by key so that the
// queries built from them are deterministic.
func Attrs(m map[string]string) ([]Attr, error) {
	out := make([]Attr, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, fmt.Errorf("attribute filter %q is not valid UTF-8", k)
		}
		a := Attr{Key: k, Str: v}
		if decimal.MatchString(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) {
				a.Num, a.IsNum = f, true
			}
		}
		if v == "true" || v == "false" {
			a.Bool, a.IsBool = v == "true", true
		}
		out = append(out, a)
	}
	return out, nil
}

// Match reports whether a stored attribute value (string, float64 or bool,
// as check.Event admits) satisfies a.
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

// Severities returns the severities a security query admits: those listed
// (all when none are) that are at least min (when set). filter is false when
// every severity is admitted; a true filter with an empty set admits nothing.
func Severities(list []event.Severity, min event.Severity) (set []string, filter bool, err error) {
	if min != "" && min.Rank() < 0 {
		return nil, false, fmt.Errorf("unknown min severity %q", min)
	}
	if len(list) == 0 {
		if min == "" {
			return nil, false, nil
		}
		for _, s := range event.Severities[min.Rank():] {
			set = append(set, string(s))
		}
		return set, true, nil
	}
	set = []string{}
	for _, s := range Distinct(list) {
		// An unknown severity ranks -1, below any threshold: it can only
		// match when no threshold is set.
		if min == "" || s.Rank() >= min.Rank() {
			set = append(set, string(s))
		}
	}
	return set, true, nil
}

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

// Text checks a text filter, refusing what one adapter would match
// differently from the other: invalid UTF-8 (MongoDB strings must be UTF-8,
// and building a pattern rune by rune would turn bad bytes into U+FFFD) and
// NUL (MongoDB refuses it in a regular expression).
func Text(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("text filter is not valid UTF-8")
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("text filter contains NUL")
	}
	return nil
}
