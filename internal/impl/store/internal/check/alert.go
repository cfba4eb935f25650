package check

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Alert reports why a cannot be stored, or nil. Alert times are stored as
// Unix nanoseconds with 0 for an unset time (SQLite's columns are NOT NULL
// DEFAULT 0, and the MongoDB fields mirror them so that both order alike), so
// the instant of the Unix epoch itself is refused rather than read back unset.
func Alert(a *store.Alert) error {
	if a.Tenant == "" {
		return errors.New("alert has no tenant")
	}
	if a.ID == "" {
		return errors.New("alert has no id")
	}
	// Alerts are listed by StartedAt: one without it would have no place.
	if a.StartedAt.IsZero() {
		return fmt.Errorf("alert %s has no started_at", a.ID)
	}
	// NaN would become NULL in SQLite; FerretDB refuses infinities, and JSON
	// (the API) can carry neither.
	if math.IsNaN(a.Value) || math.IsInf(a.Value, 0) {
		return fmt.Errorf("alert %s value is not finite", a.ID)
	}
	for _, f := range []struct {
		name string
		t    time.Time
	}{{"started_at", a.StartedAt}, {"fired_at", a.FiredAt}, {"resolved_at", a.ResolvedAt}, {"updated_at", a.UpdatedAt}} {
		if _, err := ZeroableNanos(f.t); err != nil {
			return fmt.Errorf("alert %s %s: %w", a.ID, f.name, err)
		}
	}
	return nil
}

// ZeroableNanos is Nanos for times stored with 0 meaning unset: the zero time
// gives 0, and the Unix epoch, which would read back as unset, is an error.
func ZeroableNanos(t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	n, err := Nanos(t)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errors.New("the Unix epoch itself cannot be stored: 0 means unset")
	}
	return n, nil
}

// ZeroableTime is the inverse of ZeroableNanos.
func ZeroableTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return Time(n)
}
