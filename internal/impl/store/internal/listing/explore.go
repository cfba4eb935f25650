package listing

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Field is a field of store.Explore: a stored column or, when AttrKey is set,
// the attribute of that key.
type Field struct {
	Column  string
	AttrKey string
}

var (
	logGroups      = []string{"level", "service", "host"}
	securityGroups = []string{"severity", "category", "service"}
	logFields      = []string{"service", "level", "host"}
	securityFields = []string{"service", "host", "severity", "category", "actor", "src_ip", "outcome"}
)

// MaxFieldValues bounds store.Explore's field values.
const MaxFieldValues = 1000

// Group checks a histogram's grouping for kind "log" or "security" and
// returns its column ("" for none).
func Group(kind, by string, step time.Duration) (string, error) {
	if step <= 0 {
		return "", fmt.Errorf("histogram step %s is not positive", step)
	}
	if by == "" {
		return "", nil
	}
	allowed := logGroups
	if kind == "security" {
		allowed = securityGroups
	}
	for _, g := range allowed {
		if g == by {
			return g, nil
		}
	}
	return "", fmt.Errorf("cannot group %s events by %q", kind, by)
}

// FieldOf checks a field of store.Explore's field values for kind "log" or
// "security", and the limit.
func FieldOf(kind, name string, limit int) (Field, error) {
	if limit < 1 || limit > MaxFieldValues {
		return Field{}, fmt.Errorf("field values limit %d outside 1 to %d", limit, MaxFieldValues)
	}
	allowed := logFields
	if kind == "security" {
		allowed = securityFields
	} else if key, ok := strings.CutPrefix(name, "attr."); ok {
		if key == "" {
			return Field{}, errors.New("attribute field without a key")
		}
		return Field{AttrKey: key}, nil
	}
	for _, f := range allowed {
		if f == name {
			return Field{Column: f}, nil
		}
	}
	return Field{}, fmt.Errorf("no field %q in %s events", name, kind)
}

// FormatAttr writes a stored attribute value (string, float64 or bool) as
// store.Explore's field values name it.
func FormatAttr(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// FloorStep is the start of the step of width step (nanoseconds) holding ts,
// floored also for times before the epoch.
func FloorStep(ts, step int64) int64 {
	r := ts % step
	if r < 0 {
		r += step
	}
	return ts - r
}

// TopValues orders counted values as store.Explore promises and keeps limit.
func TopValues(counts map[string]int64, limit int) []store.FieldValue {
	out := make([]store.FieldValue, 0, len(counts))
	for v, n := range counts {
		out = append(out, store.FieldValue{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b store.FieldValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out[:min(limit, len(out))]
}

// SortHits sorts hits by (TS, Group), as store.Explore promises.
func SortHits(hits []store.Hit) {
	slices.SortFunc(hits, func(a, b store.Hit) int {
		return cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.Group, b.Group))
	})
}
