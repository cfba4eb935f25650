package alerting

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// countRule is the part of a count rule the counting needs.
type countRule struct {
	op        Op
	threshold float64
}

// decisive is the count at which "count op threshold" changes its answer:
// for gt and lte the least integer above the threshold, for gte and lt the
// least integer at or above it. Counting can stop there.
func (c countRule) decisive() int64 {
	t := max(c.threshold, -1)
	if c.op == OpGTE || c.op == OpLT {
		return int64(math.Ceil(t))
	}
	return int64(math.Floor(t)) + 1
}

// count counts with counter, which counts at most upTo items, until the
// answer is certain, and further up to exactUpTo so that the value shown is
// exact in the common case: n is the count (all of it when done is true).
func (c countRule) count(counter func(upTo int64) (int64, error)) (n int64, done, holds bool, err error) {
	upTo := max(c.decisive(), exactUpTo, 1)
	n, err = counter(upTo)
	if err != nil {
		return 0, false, false, err
	}
	return n, n < upTo, c.op.Holds(float64(n), c.threshold), nil
}

// exactUpTo is how far a count goes beyond what the decision needs: counting
// stays cheap (it reads an index, not the events), and the alert's value is
// then exact for any but the busiest windows.
const exactUpTo = 10_000

func (c *conditions) logCount(ctx context.Context, r *Rule, now time.Time) ([]observation, error) {
	q := store.LogQuery{Window: countWindow(r, now), Filter: r.Filter}
	return countObservation(r, "logs", func(upTo int64) (int64, error) { return c.store.CountLogs(ctx, q, upTo) })
}

func (c *conditions) securityCount(ctx context.Context, r *Rule, now time.Time) ([]observation, error) {
	q := store.SecurityQuery{Window: countWindow(r, now), Filter: r.Filter}
	return countObservation(r, "security events", func(upTo int64) (int64, error) { return c.store.CountSecurity(ctx, q, upTo) })
}

// countWindow is [now - window, now).
func countWindow(r *Rule, now time.Time) store.Window {
	return store.Window{Tenant: r.Tenant, From: now.Add(-r.Window), To: now}
}

func countObservation(r *Rule, what string, counter func(upTo int64) (int64, error)) ([]observation, error) {
	cr := countRule{op: r.Op, threshold: r.Threshold}
	if r.Kind == KindSecurity {
		cr.op = OpGT // the security rule has no op: more than threshold
	}
	n, done, holds, err := cr.count(counter)
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", what, err)
	}
	if !holds {
		return nil, nil
	}
	at := ""
	if !done {
		at = "at least "
	}
	return []observation{{
		labels:  ruleLabels(r),
		value:   float64(n),
		summary: fmt.Sprintf("%s%d %s in the last %s (%s %g)", at, n, what, fmtDuration(r.Window), cr.op.Symbol(), r.Threshold),
	}}, nil
}

// fmtDuration writes a duration as rules do (5m, 1h30m, 1d).
func fmtDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
