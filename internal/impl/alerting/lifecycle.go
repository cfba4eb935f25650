package alerting

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// The alert states.
const (
	StatePending  = "pending"
	StateFiring   = "firing"
	StateResolved = "resolved"
)

// Fingerprint identifies a rule's label set: a hash of the rule id and the
// labels sorted by key. A fingerprint has at most one open (pending or
// firing) alert.
func Fingerprint(ruleID string, labels map[string]string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		// NUL cannot appear in JSON-decoded keys and values without escaping,
		// and separates them unambiguously.
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(labels[k]))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// transition is one change of an alert: the alert as it is to be stored and,
// when it must be told, the notification status (firing or resolved).
type transition struct {
	alert  store.Alert
	notify string
}

// advance moves a rule's open alerts (by fingerprint) on, given the label sets
// whose condition holds at now:
//
//   - a label set that holds without an open alert starts one, pending, or
//     firing at once when the rule has no `for`;
//   - a pending alert that has held for `for` fires;
//   - an open alert whose label set no longer holds resolves; only a firing
//     one is told, so that `for` hides a short spike entirely.
//
// It changes nothing: the caller stores each transition and then applies it
// (apply), so that a failed write is simply retried by the next evaluation.
// open alerts' Value is updated in place to the latest observation, which a
// later transition stores.
func advance(r *Rule, open map[string]*store.Alert, obs []observation, now time.Time) []transition {
	var out []transition
	seen := make(map[string]bool, len(obs))
	for _, o := range obs {
		fp := Fingerprint(r.ID, o.labels)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		a, ok := open[fp]
		if ok {
			a.Value, a.Summary = o.value, o.summary
		}
		switch {
		case !ok:
			n := store.Alert{
				ID: event.NewID(now), Tenant: r.Tenant, RuleID: r.ID, Fingerprint: fp, Labels: o.labels,
				State: StatePending, StartedAt: now, Value: o.value, Summary: o.summary,
			}
			stamp(&n, r, now)
			if r.For <= 0 {
				n.State, n.FiredAt = StateFiring, now
				out = append(out, transition{alert: n, notify: StateFiring})
			} else {
				out = append(out, transition{alert: n})
			}
		case a.State == StatePending && now.Sub(a.StartedAt) >= r.For:
			n := *a
			stamp(&n, r, now)
			n.State, n.FiredAt = StateFiring, now
			out = append(out, transition{alert: n, notify: StateFiring})
		}
	}
	for _, fp := range slices.Sorted(maps.Keys(open)) {
		if seen[fp] {
			continue
		}
		a := open[fp]
		n := *a
		stamp(&n, r, now)
		n.State, n.ResolvedAt = StateResolved, now
		t := transition{alert: n}
		if a.State == StateFiring {
			t.notify = StateResolved
		}
		out = append(out, t)
	}
	return out
}

// stamp copies what the rule says about its alerts, which may have changed.
func stamp(a *store.Alert, r *Rule, now time.Time) {
	a.RuleName, a.Severity, a.UpdatedAt = r.Name, r.Severity, now
}

// apply records a stored transition in the open alerts.
func apply(open map[string]*store.Alert, a store.Alert) {
	if a.State == StateResolved {
		delete(open, a.Fingerprint)
		return
	}
	open[a.Fingerprint] = &a
}
