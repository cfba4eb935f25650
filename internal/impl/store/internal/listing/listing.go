// Package listing normalizes the time-ordered, keyset-paginated listings of
// package store (logs, security events, alerts) into the plain values both
// adapters translate into their own query language, so that they agree on
// every edge: open or out-of-range bounds, cursors, limits, attribute values,
// severity thresholds.
package listing

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// MaxLimit bounds a page. The API allows 1,000; the store refuses far larger
// pages rather than buffering an unbounded result in memory.
const MaxLimit = 10_000

// Plan is a store.Window in stored units. The time bounds are inclusive
// nanoseconds, with the cursor folded in, so that adapters emit one range on
// the time column (what the indexes serve) plus, when After is set, one
// tiebreak on the id: items at exactly After.TS must have an id beyond
// After.ID in the listing's order.
type Plan struct {
	Tenant string
	Lo, Hi int64 // inclusive bounds on the listing's time
	Desc   bool
	After  *Key
	Limit  int
	// Empty is true when nothing can match (an empty or inverted range);
	// adapters then answer an empty page without asking the database.
	Empty bool
}

// Key is a keyset position in stored units.
type Key struct {
	TS int64
	ID string
}

// New validates w and converts it. A zero From or To leaves that side open.
// Bounds beyond what the store can hold (years 1678 to 2262) are clamped,
// since nothing stored lies beyond them, rather than refused: "everything
// since 1600" is a fair question.
func New(w store.Window) (Plan, error) {
	p := Plan{Tenant: w.Tenant, Lo: math.MinInt64, Hi: math.MaxInt64, Desc: !w.Ascending, Limit: w.Limit}
	if w.Tenant == "" {
		return Plan{}, errors.New("listing has no tenant")
	}
	if w.Limit < 1 || w.Limit > MaxLimit {
		return Plan{}, fmt.Errorf("limit %d outside 1 to %d", w.Limit, MaxLimit)
	}
	if !w.From.IsZero() {
		switch n, err := check.Nanos(w.From); {
		case err == nil:
			p.Lo = n
		case w.From.After(time.Unix(0, 0)): // later than anything storable
			p.Empty = true
		}
	}
	if !w.To.IsZero() {
		switch n, err := check.Nanos(w.To); {
		case err == nil && n == math.MinInt64: // To is exclusive: nothing lies before
			p.Empty = true
		case err == nil:
			p.Hi = n - 1
		case w.To.Before(time.Unix(0, 0)): // earlier than anything storable
			p.Empty = true
		}
	}
	if w.After != nil {
		ts, err := check.Nanos(w.After.TS)
		if err != nil {
			return Plan{}, fmt.Errorf("cursor: %w", err)
		}
		p.After = &Key{TS: ts, ID: w.After.ID}
		if p.Desc {
			p.Hi = min(p.Hi, ts)
		} else {
			p.Lo = max(p.Lo, ts)
		}
	}
	if p.Lo > p.Hi {
		p.Empty = true
	}
	return p, nil
}

// Fetch is how many items to ask for: one more than a page, whose presence
// says that another page follows.
func (p Plan) Fetch() int { return p.Limit + 1 }

// Cut returns how many of n fetched items make the page, and whether a next
// page may follow.
func (p Plan) Cut(n int) (keep int, more bool) {
	if n > p.Limit {
		return p.Limit, true
	}
	return n, false
}

// Cursor is the store.Cursor of the item at (ts, id).
func Cursor(ts int64, id string) *store.Cursor {
	return &store.Cursor{TS: check.Time(ts), ID: id}
}
