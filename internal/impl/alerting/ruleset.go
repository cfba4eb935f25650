package alerting

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// ruleSet is one snapshot of every tenant's rules, never changed once built:
// a refresh builds a new one and swaps it in.
type ruleSet struct {
	byKey map[RuleKey]*Rule
	// byTenantKind lists the enabled rules events can nudge.
	byTenantKind map[tenantKind][]nudged
	loadedAt     time.Time
}

// nudged is an enabled rule with its compiled filter.
type nudged struct {
	rule    *Rule
	matcher *filter.Matcher
}

type tenantKind struct {
	tenant string
	kind   Kind
}

func newRuleSet(rules []Rule, at time.Time) *ruleSet {
	s := &ruleSet{byKey: make(map[RuleKey]*Rule, len(rules)), byTenantKind: map[tenantKind][]nudged{}, loadedAt: at}
	for i := range rules {
		r := &rules[i]
		s.byKey[r.Key()] = r
		if r.Enabled {
			tk := tenantKind{r.Tenant, r.Kind}
			s.byTenantKind[tk] = append(s.byTenantKind[tk], nudged{r, r.Filter.Compile()})
		}
	}
	return s
}

func (s *ruleSet) rule(k RuleKey) *Rule { return s.byKey[k] }

// rules caches the rule set in memory and refreshes it from the store.
type rules struct {
	store   store.Rules
	logger  *slog.Logger
	metrics *metrics
	cur     atomic.Pointer[ruleSet]
	// mu serialises refreshes: the refresh loop's, and an adoption's that
	// meets a rule this instance has not loaded yet.
	mu sync.Mutex
	// invalid remembers the versions of rules already reported unparsable,
	// so that a bad rule is logged once, not at every refresh.
	invalid map[RuleKey]time.Time
	// secrets opens the webhook secrets the API sealed.
	secrets *secretbox.Box
}

func newRules(s store.Rules, logger *slog.Logger, m *metrics, secrets *secretbox.Box) *rules {
	r := &rules{store: s, logger: logger, metrics: m, invalid: map[RuleKey]time.Time{}, secrets: secrets}
	r.cur.Store(newRuleSet(nil, time.Time{}))
	return r
}

func (r *rules) current() *ruleSet { return r.cur.Load() }

// refresh reads every rule from the store and swaps the snapshot.
func (r *rules) refresh(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	stored, err := r.store.AllRules(ctx)
	if err != nil {
		return fmt.Errorf("alerting: load rules: %w", err)
	}
	parsed := make([]Rule, 0, len(stored))
	seenInvalid := map[RuleKey]time.Time{}
	for _, sr := range stored {
		rule, err := ParseRule(sr)
		if err == nil {
			err = r.openSecrets(&rule)
		}
		if err != nil {
			k := RuleKey{sr.Tenant, sr.ID}
			seenInvalid[k] = sr.UpdatedAt
			if v, ok := r.invalid[k]; !ok || !v.Equal(sr.UpdatedAt) {
				r.logger.Error("alert rule cannot be evaluated", "tenant", sr.Tenant, "rule", sr.ID, "err", err)
			}
			continue
		}
		parsed = append(parsed, rule)
	}
	r.invalid = seenInvalid
	r.cur.Store(newRuleSet(parsed, time.Now()))
	r.metrics.rules.Set(float64(len(parsed)))
	return nil
}

// openSecrets decrypts the rule's webhook secrets (plaintext ones, stored
// before encryption, stay as they are).
func (r *rules) openSecrets(rule *Rule) error {
	for i, t := range rule.Notify {
		plain, err := r.secrets.Open(t.Secret)
		if err != nil {
			return fmt.Errorf("rule %s: notify[%d].secret: %w", rule.ID, i, err)
		}
		rule.Notify[i].Secret = plain
	}
	return nil
}
