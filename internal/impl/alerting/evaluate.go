package alerting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// evaluate runs one evaluation of a held rule: its condition against the
// store, then the transitions of its alerts, each stored, published and told.
// A rule that left the rule set (deleted) is evaluated as holding for nothing,
// which resolves its alerts, and then released.
func (e *Engine) evaluate(ctx context.Context, k RuleKey) {
	st := e.state(k)
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.valid() {
		return
	}
	r := e.rules.current().rule(k)
	deleted := r == nil
	if deleted {
		if st.rule == nil {
			e.release(ctx, k)
			return
		}
		gone := *st.rule
		gone.Enabled = false
		r = &gone
	}
	st.rule = r
	if !st.loaded {
		if err := e.load(ctx, st); err != nil {
			e.evalFailed(ctx, st, r, err)
			return
		}
		st.loaded = true
	}

	started := time.Now()
	now := e.opts.Now().UTC()
	obs, err := e.cond.evaluate(ctx, r, now)
	e.metrics.evaluations.WithLabelValues(string(r.Kind)).Inc()
	e.metrics.evalSeconds.WithLabelValues(string(r.Kind)).Observe(time.Since(started).Seconds())
	if err != nil {
		e.evalFailed(ctx, st, r, err)
		return
	}
	st.lastErr = ""
	obs = e.capAlerts(ctx, r, st.open, obs)
	for _, t := range advance(r, st.open, obs, now) {
		if !st.valid() {
			return // the lease may be another's by now: it carries on from the store
		}
		if err := e.rec.record(ctx, t.alert); err != nil {
			e.evalFailed(ctx, st, r, err)
			return
		}
		apply(st.open, t.alert)
		e.metrics.transitions.WithLabelValues(t.alert.State).Inc()
		if t.notify != "" {
			e.notify(ctx, st, r, t.alert, t.notify)
		}
	}
	if deleted && len(st.open) == 0 {
		e.release(ctx, k)
	}
}

func (e *Engine) evalFailed(ctx context.Context, st *ruleState, r *Rule, err error) {
	e.metrics.evalErrors.WithLabelValues(string(r.Kind)).Inc()
	if msg := err.Error(); msg != st.lastErr && ctx.Err() == nil {
		st.lastErr = msg
		e.logger.WarnContext(ctx, "evaluate alert rule", "tenant", r.Tenant, "rule", r.ID, "kind", r.Kind, "err", err)
	}
}

// load reads a newly held rule's open alerts back from the store, so that
// the new holder carries on with them instead of starting duplicates. Should
// the store hold two open alerts of one fingerprint (two holders at once after
// a partition), the older is kept and the other resolved.
func (e *Engine) load(ctx context.Context, st *ruleState) error {
	var dupes []store.Alert
	for _, state := range []string{StatePending, StateFiring} {
		q := store.AlertQuery{Window: store.Window{Tenant: st.key.Tenant, Limit: 1000, Ascending: true}, State: state, RuleID: st.key.ID}
		for {
			page, err := e.store.ListAlerts(ctx, q)
			if err != nil {
				return fmt.Errorf("load open alerts: %w", err)
			}
			for _, a := range page.Alerts {
				if cur, ok := st.open[a.Fingerprint]; ok {
					if a.StartedAt.Before(cur.StartedAt) {
						a, *cur = *cur, a
					}
					dupes = append(dupes, a)
					continue
				}
				st.open[a.Fingerprint] = &a
			}
			if page.Next == nil {
				break
			}
			q.After = page.Next
		}
	}
	now := e.opts.Now().UTC()
	for _, a := range dupes {
		a.State, a.ResolvedAt, a.UpdatedAt = StateResolved, now, now
		a.Summary = "resolved as a duplicate of another open alert of the same labels"
		if err := e.rec.record(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// notify queues a transition's notifications. One the queue cannot take is
// recorded on the alert, which is written again.
func (e *Engine) notify(ctx context.Context, st *ruleState, r *Rule, a store.Alert, status string) {
	ds, err := notifications(r, a, status)
	if err != nil {
		e.logger.ErrorContext(ctx, "build notification", "rule", r.ID, "err", err)
		return
	}
	for _, d := range ds {
		if e.notifier.enqueue(d) {
			continue
		}
		a.NotifyError = d.errorPrefix() + "not sent: the notification queue is full"
		a.UpdatedAt = e.opts.Now().UTC()
		if err := e.rec.record(ctx, a); err != nil {
			e.logger.WarnContext(ctx, "record dropped notification", "alert", a.ID, "err", err)
			continue
		}
		if a.State != StateResolved {
			apply(st.open, a)
		}
	}
}

// noteDelivery records a delivery's outcome on its alert: a failure as its
// NotifyError, a success by clearing the NotifyError its target left. The
// open alert in memory is updated when this instance holds the rule, else the
// stored one.
func (e *Engine) noteDelivery(ctx context.Context, k RuleKey, alertID, prefix, text string) {
	e.noteMu.Lock()
	defer e.noteMu.Unlock()
	changes := func(cur string) bool {
		if text == "" {
			return strings.HasPrefix(cur, prefix)
		}
		return cur != text
	}
	if st := e.state(k); st != nil {
		st.mu.Lock()
		defer st.mu.Unlock()
		for _, a := range st.open {
			if a.ID != alertID {
				continue
			}
			if !changes(a.NotifyError) || !st.valid() {
				return
			}
			n := *a
			n.NotifyError, n.UpdatedAt = text, e.opts.Now().UTC()
			if err := e.rec.record(ctx, n); err != nil {
				e.logger.WarnContext(ctx, "record notification outcome", "alert", alertID, "err", err)
				return
			}
			apply(st.open, n)
			return
		}
	}
	a, err := e.store.GetAlert(ctx, k.Tenant, alertID)
	if err != nil {
		e.logger.WarnContext(ctx, "record notification outcome", "alert", alertID, "err", err)
		return
	}
	if !changes(a.NotifyError) {
		return
	}
	a.NotifyError, a.UpdatedAt = text, e.opts.Now().UTC()
	if err := e.rec.record(ctx, a); err != nil {
		e.logger.WarnContext(ctx, "record notification outcome", "alert", alertID, "err", err)
	}
}

// capAlerts keeps at most Options.MaxAlertsPerRule of a rule's observations,
// those of its open alerts first (so that they neither resolve nor flap),
// then the others in label order: one rule over a label with unbounded
// values must not make unbounded alerts and notifications.
func (e *Engine) capAlerts(ctx context.Context, r *Rule, open map[string]*store.Alert, obs []observation) []observation {
	limit := e.opts.MaxAlertsPerRule
	if limit <= 0 || len(obs) <= limit {
		return obs
	}
	fps := make(map[*observation]string, len(obs))
	for i := range obs {
		fps[&obs[i]] = Fingerprint(r.ID, obs[i].labels)
	}
	ordered := make([]*observation, 0, len(obs))
	for i := range obs {
		ordered = append(ordered, &obs[i])
	}
	slices.SortStableFunc(ordered, func(a, b *observation) int {
		_, ao := open[fps[a]]
		_, bo := open[fps[b]]
		if ao != bo {
			if ao {
				return -1
			}
			return 1
		}
		return strings.Compare(fps[a], fps[b])
	})
	out := make([]observation, 0, limit)
	for _, o := range ordered[:limit] {
		out = append(out, *o)
	}
	e.logThrottled(ctx, "alerts per rule "+r.Key().String(), "alert rule over its alert quota: the rest are not raised",
		"tenant", r.Tenant, "rule", r.ID, "holding", len(obs), "quota", limit)
	return out
}

// logThrottled logs msg at most once per logEvery for each what.
func (e *Engine) logThrottled(ctx context.Context, what, msg string, args ...any) {
	e.logMu.Lock()
	last, now := e.logged[what], time.Now()
	quiet := now.Sub(last) < logEvery
	if !quiet {
		e.logged[what] = now
	}
	e.logMu.Unlock()
	if !quiet {
		e.logger.WarnContext(ctx, msg, args...)
	}
}
