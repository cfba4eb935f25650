package alerting

import (
	"context"
	"sync"
)

// queue is the set of rules due for evaluation. A rule is in it at most once,
// and a rule nudged while it is being evaluated is queued again once that
// evaluation ends: a burst of events costs at most two evaluations of a
// rule, the second of which sees all of them.
//
// Tenants take turns: pop takes the oldest rule of the tenant whose turn it
// is, so one tenant with many (or expensive) rules delays another's by at
// most one evaluation per worker, not by its whole backlog.
type queue struct {
	mu      sync.Mutex
	order   map[string][]RuleKey // by tenant, in arrival order
	turn    []string             // tenants with queued rules, in serving order
	queued  map[RuleKey]bool
	running map[RuleKey]bool
	again   map[RuleKey]bool
	signal  chan struct{} // has a value while order may be non-empty
}

func newQueue() *queue {
	return &queue{order: map[string][]RuleKey{}, queued: map[RuleKey]bool{}, running: map[RuleKey]bool{}, again: map[RuleKey]bool{}, signal: make(chan struct{}, 1)}
}

func (q *queue) push(k RuleKey) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pushLocked(k)
}

func (q *queue) pushLocked(k RuleKey) {
	switch {
	case q.queued[k]:
	case q.running[k]:
		q.again[k] = true
	default:
		q.queued[k] = true
		if len(q.order[k.Tenant]) == 0 {
			q.turn = append(q.turn, k.Tenant)
		}
		q.order[k.Tenant] = append(q.order[k.Tenant], k)
		select {
		case q.signal <- struct{}{}:
		default:
		}
	}
}

// pop waits for a rule and marks it running; ok is false once ctx is done.
func (q *queue) pop(ctx context.Context) (k RuleKey, ok bool) {
	for {
		q.mu.Lock()
		if len(q.turn) > 0 {
			tenant := q.turn[0]
			q.turn = q.turn[1:]
			rest := q.order[tenant]
			k = rest[0]
			if rest = rest[1:]; len(rest) > 0 {
				q.order[tenant] = rest
				q.turn = append(q.turn, tenant)
			} else {
				delete(q.order, tenant)
			}
			delete(q.queued, k)
			q.running[k] = true
			if len(q.turn) > 0 {
				select {
				case q.signal <- struct{}{}: // wake another worker
				default:
				}
			}
			q.mu.Unlock()
			return k, true
		}
		q.mu.Unlock()
		select {
		case <-q.signal:
		case <-ctx.Done():
			return RuleKey{}, false
		}
	}
}

// done ends k's evaluation, queueing it again if it was nudged meanwhile.
func (q *queue) done(k RuleKey) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.running, k)
	if q.again[k] {
		delete(q.again, k)
		q.pushLocked(k)
	}
}
