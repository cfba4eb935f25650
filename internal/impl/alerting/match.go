package alerting

import (
	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// matching returns the rules whose condition e may change, so that they are
// evaluated at once rather than at the next tick. A match is only a hint: the
// evaluation reads the store, so a rule matched too eagerly costs one
// evaluation and one matched too rarely waits for the ticker. The rules'
// filters mean what package filter says, as the store's counts do.
func (s *ruleSet) matching(e *event.Event, out []*Rule) []*Rule {
	var kind Kind
	switch e.Kind {
	case event.KindLog:
		kind = KindLogCount
	case event.KindSecurity:
		kind = KindSecurity
	case event.KindMetric:
		// Anomaly rules judge complete windows, which time closes, not events.
		kind = KindMetricThreshold
	default:
		return out
	}
	for _, r := range s.byTenantKind[tenantKind{e.Tenant, kind}] {
		if r.matcher.Match(e) {
			out = append(out, r.rule)
		}
	}
	return out
}
