// Package check holds the rules every store adapter applies to what it is asked
// to store, so that the adapters accept and reject exactly the same records and
// the conformance suite can hold them to one behaviour.
package check

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Times are stored as int64 Unix nanoseconds, which is exact but only spans
// these instants; anything outside would silently wrap, so it is rejected.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// Nanos returns t as Unix nanoseconds, or an error if t cannot be stored exactly.
func Nanos(t time.Time) (int64, error) {
	if t.Before(minTime) || t.After(maxTime) {
		return 0, fmt.Errorf("time %s outside the storable range (years 1678 to 2262)", t.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// OptionalNanos is Nanos for times that may be unset: ok is false for the zero time,
// which adapters store as absent so that it reads back as the zero time.
func OptionalNanos(t time.Time) (n int64, ok bool, err error) {
	if t.IsZero() {
		return 0, false, nil
	}
	n, err = Nanos(t)
	return n, err == nil, err
}

// Time is the inverse of Nanos; stored times always read back in UTC.
func Time(n int64) time.Time { return time.Unix(0, n).UTC() }

// Event reports why e cannot be stored, or nil. The checks are those that one
// adapter would otherwise fail on and another would silently accept.
func Event(e *event.Event) error {
	if e.Tenant == "" {
		return errors.New("event has no tenant")
	}
	if e.ID == "" {
		return errors.New("event has no id")
	}
	if e.TS.IsZero() {
		return fmt.Errorf("event %s has no ts", e.ID)
	}
	if _, err := Nanos(e.TS); err != nil {
		return fmt.Errorf("event %s ts: %w", e.ID, err)
	}
	if _, _, err := OptionalNanos(e.ReceivedAt); err != nil {
		return fmt.Errorf("event %s received_at: %w", e.ID, err)
	}
	if err := body(e); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	for k, v := range e.Attributes {
		if err := attribute(v); err != nil {
			return fmt.Errorf("event %s attribute %q: %w", e.ID, k, err)
		}
	}
	return nil
}

// body checks that exactly the body matching Kind is set.
func body(e *event.Event) error {
	set := 0
	for _, b := range []bool{e.Log != nil, e.Metric != nil, e.Security != nil, e.Heartbeat != nil} {
		if b {
			set++
		}
	}
	var ok bool
	switch e.Kind {
	case event.KindLog:
		ok = e.Log != nil
	case event.KindMetric:
		ok = e.Metric != nil
		// SQLite turns NaN into NULL, MongoDB keeps it: refuse it on both.
		if ok && math.IsNaN(e.Metric.Value) {
			return errors.New("metric value is NaN")
		}
		// Infinities would turn rollup sums into NaN (+Inf plus -Inf), which
		// SQLite cannot store, failing every later batch of that series-minute.
		if ok && math.IsInf(e.Metric.Value, 0) {
			return errors.New("metric value is not finite")
		}
	case event.KindSecurity:
		ok = e.Security != nil
	case event.KindHeartbeat:
		ok = e.Heartbeat != nil
	default:
		return fmt.Errorf("unknown kind %q", e.Kind)
	}
	if !ok || set != 1 {
		return fmt.Errorf("kind %s needs exactly its own body", e.Kind)
	}
	return nil
}

// attribute enforces the scalar types the event package promises, and finite
// numbers, because JSON (SQLite's encoding) cannot carry NaN or infinities and
// other types would read back differently from each adapter.
func attribute(v any) error {
	switch x := v.(type) {
	case string, bool:
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errors.New("number is not finite")
		}
		return nil
	default:
		return fmt.Errorf("type %T is not string, float64 or bool", v)
	}
}

// Key reports why k cannot be stored, or nil.
func Key(k *apikey.Key) error {
	if k.ID == "" {
		return errors.New("key has no id")
	}
	if k.Hash == "" {
		return fmt.Errorf("key %s has no hash", k.ID)
	}
	if _, _, err := OptionalNanos(k.CreatedAt); err != nil {
		return fmt.Errorf("key %s created_at: %w", k.ID, err)
	}
	if k.RevokedAt != nil {
		if _, err := Nanos(*k.RevokedAt); err != nil {
			return fmt.Errorf("key %s revoked_at: %w", k.ID, err)
		}
	}
	return nil
}
