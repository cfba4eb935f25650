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

// leaseRound renews the leases held and seeks those of other rules, in one
// script call each, up to this instance's share of the rules: the rule count
// divided by the instances alive, rounded up. An instance holding more than
// its share (another joined) releases the surplus for the newcomer to take.
// A rule that left the rule set stays held until its evaluation has resolved
// its alerts (evaluate releases it).
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
	share := len(rs.byKey)
	if n, err := e.leases.alive(ctx, start); err != nil {
		e.redisFailed(ctx, "lease", "register alerting instance", err)
	} else {
		share = (len(rs.byKey) + n - 1) / n
	}
	var mine []RuleKey // held rules of the rule set
	for _, k := range e.heldKeys() {
		if rs.rule(k) != nil {
			mine = append(mine, k)
		}
	}
	if surplus := len(mine) - share; surplus > 0 {
		e.releaseKeys(ctx, mine[:surplus])
		return
	}
	isHeld := make(map[RuleKey]bool, len(mine))
	for _, k := range mine {
		isHeld[k] = true
	}
	var want []RuleKey
	for k := range rs.byKey {
		if !isHeld[k] {
			want = append(want, k)
		}
	}
	if len(want) == 0 || len(mine) >= share || ctx.Err() != nil {
		return
	}
	got, err := e.leases.acquire(ctx, want, share-len(mine))
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
func (e *Engine) release(ctx context.Context, k RuleKey) { e.releaseKeys(ctx, []RuleKey{k}) }

// releaseAll gives every lease up, at shutdown, after leaving the instances
// alive so that the others' shares cover the rules at once.
func (e *Engine) releaseAll(ctx context.Context) {
	if err := e.leases.leave(ctx); err != nil {
		e.metrics.redisErrors.WithLabelValues("lease").Inc()
		e.logger.WarnContext(ctx, "leave the alerting instances", "err", err)
	}
	e.releaseKeys(ctx, e.heldKeys())
}

// releaseKeys gives the leases of keys up.
func (e *Engine) releaseKeys(ctx context.Context, keys []RuleKey) {
	for _, k := range keys {
		e.drop(k)
	}
	if len(keys) == 0 {
		return
	}
	if err := e.leases.release(ctx, keys); err != nil {
		e.metrics.redisErrors.WithLabelValues("lease").Inc()
		e.logger.WarnContext(ctx, "release alert rule leases", "err", err)
	}
}
