package alerting

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// ruleState is what this instance knows of a rule whose lease it holds.
type ruleState struct {
	key RuleKey
	// validUntil is when the lease may have expired (Unix ns, wall clock),
	// with a margin: nothing is written for the rule after it.
	validUntil atomic.Int64

	mu      sync.Mutex // held by the evaluation and by NotifyError updates
	rule    *Rule      // the version last evaluated, kept to resolve a deleted rule's alerts
	open    map[string]*store.Alert
	loaded  bool   // open holds what the store had at acquisition
	lastErr string // the last evaluation error logged, so that a persisting one is logged once
}

// valid reports whether the lease is still surely held.
func (st *ruleState) valid() bool { return time.Now().UnixNano() < st.validUntil.Load() }

// leaseMargin is the share of the lease TTL not relied upon, for the time the
// renewal took and for clock rate differences.
const leaseMargin = 10

func (e *Engine) validUntil(start time.Time) int64 {
	return start.Add(e.opts.LeaseTTL - e.opts.LeaseTTL/leaseMargin).UnixNano()
}

func (e *Engine) state(k RuleKey) *ruleState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.states[k]
}

func (e *Engine) holds(k RuleKey) bool { return e.state(k) != nil }

func (e *Engine) heldKeys() []RuleKey {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]RuleKey, 0, len(e.states))
	for k := range e.states {
		out = append(out, k)
	}
	return out
}

// drop forgets a rule this instance no longer holds.
func (e *Engine) drop(k RuleKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if st, ok := e.states[k]; ok {
		st.validUntil.Store(0)
		delete(e.states, k)
	}
	e.metrics.held.Set(float64(len(e.states)))
}

// leaseRound renews the leases held and seeks those of every other rule, in
// one script call each. A rule that left the rule set stays held until its
// evaluation has resolved its alerts (evaluate releases it).
func (e *Engine) leaseRound(ctx context.Context) {
	start := time.Now()
	held := e.heldKeys()
	if len(held) > 0 {
		ok, err := e.leases.extend(ctx, held)
		if err != nil {
			e.redisFailed(ctx, "lease", "renew alert rule leases", err)
		} else {
			until := e.validUntil(start)
			for i, k := range held {
				if !ok[i] {
					e.logger.WarnContext(ctx, "lost the lease of an alert rule", "rule", k.String())
					e.drop(k)
				} else if st := e.state(k); st != nil {
					st.validUntil.Store(until)
				}
			}
		}
	}
	rs := e.rules.current()
	isHeld := make(map[RuleKey]bool, len(held))
	for _, k := range held {
		isHeld[k] = true
	}
	var want []RuleKey
	for k := range rs.byKey {
		if !isHeld[k] {
			want = append(want, k)
		}
	}
	if len(want) == 0 || ctx.Err() != nil {
		return
	}
	got, err := e.leases.acquire(ctx, want)
	if err != nil {
		e.redisFailed(ctx, "lease", "acquire alert rule leases", err)
		return
	}
	until := e.validUntil(start)
	e.mu.Lock()
	for i, k := range want {
		if got[i] {
			st := &ruleState{key: k, open: map[string]*store.Alert{}}
			st.validUntil.Store(until)
			e.states[k] = st
		}
	}
	e.metrics.held.Set(float64(len(e.states)))
	e.mu.Unlock()
	for i, k := range want {
		if got[i] {
			e.queue.push(k)
		}
	}
}

// release gives a rule's lease up.
func (e *Engine) release(ctx context.Context, k RuleKey) {
	e.drop(k)
	if err := e.leases.release(ctx, []RuleKey{k}); err != nil {
		e.metrics.redisErrors.WithLabelValues("lease").Inc()
		e.logger.WarnContext(ctx, "release alert rule lease", "rule", k.String(), "err", err)
	}
}

// releaseAll gives every lease up, at shutdown.
func (e *Engine) releaseAll(ctx context.Context) {
	held := e.heldKeys()
	for _, k := range held {
		e.drop(k)
	}
	if len(held) == 0 {
		return
	}
	if err := e.leases.release(ctx, held); err != nil {
		e.metrics.redisErrors.WithLabelValues("lease").Inc()
		e.logger.WarnContext(ctx, "release alert rule leases", "err", err)
	}
}
