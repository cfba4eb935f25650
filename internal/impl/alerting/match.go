package alerting

import (
	"slices"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// matching returns the rules whose condition e may change, so that they are
// evaluated at once rather than at the next tick. A match is only a hint: the
// evaluation reads the store, so a rule matched too eagerly costs one
// evaluation and one matched too rarely waits for the ticker.
func (s *ruleSet) matching(e *event.Event, out []*Rule) []*Rule {
	switch e.Kind {
	case event.KindLog:
		for _, r := range s.byTenantKind[tenantKind{e.Tenant, KindLogCount}] {
			if matchLog(&r.Filter, e) {
				out = append(out, r)
			}
		}
	case event.KindSecurity:
		for _, r := range s.byTenantKind[tenantKind{e.Tenant, KindSecurity}] {
			if matchSecurity(&r.Filter, e) {
				out = append(out, r)
			}
		}
	case event.KindMetric:
		// Anomaly rules judge complete windows, which time closes, not events.
		for _, r := range s.byTenantKind[tenantKind{e.Tenant, KindMetricThreshold}] {
			if matchMetric(&r.Filter, e) {
				out = append(out, r)
			}
		}
	}
	return out
}

func matchLog(f *Filter, e *event.Event) bool {
	if e.Log == nil || (f.Service != "" && f.Service != e.Service) {
		return false
	}
	if len(f.Levels) > 0 && !slices.Contains(f.Levels, e.Log.Level) {
		return false
	}
	return f.Text == "" || containsFold(e.Log.Message, f.Text)
}

func matchSecurity(f *Filter, e *event.Event) bool {
	if e.Security == nil || (f.Service != "" && f.Service != e.Service) {
		return false
	}
	if f.Category != "" && f.Category != e.Security.Category {
		return false
	}
	return f.MinSeverity == "" || e.Security.Severity.Rank() >= f.MinSeverity.Rank()
}

func matchMetric(f *Filter, e *event.Event) bool {
	if e.Metric == nil || f.Name != e.Metric.Name || (f.Service != "" && f.Service != e.Service) {
		return false
	}
	for k, v := range f.Labels {
		if got, ok := e.Metric.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// containsFold is the store's text match: substring, ASCII case-insensitive.
func containsFold(s, sub string) bool {
	return strings.Contains(asciiLower(s), asciiLower(sub))
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
