package alerting

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

func TestMatching(t *testing.T) {
	rules := []Rule{
		{ID: "logs", Tenant: "acme", Kind: KindLogCount, Enabled: true, Filter: filter.Filter{Services: []string{"checkout"}, Levels: []event.Level{event.LevelError}, Text: "Declined"}},
		{ID: "all-logs", Tenant: "acme", Kind: KindLogCount, Enabled: true},
		{ID: "off", Tenant: "acme", Kind: KindLogCount, Enabled: false},
		{ID: "other-tenant", Tenant: "globex", Kind: KindLogCount, Enabled: true},
		{ID: "sec", Tenant: "acme", Kind: KindSecurity, Enabled: true, Filter: filter.Filter{Categories: []string{"authentication"}, MinSeverity: event.SeverityHigh}},
		{ID: "cpu", Tenant: "acme", Kind: KindMetricThreshold, Enabled: true, Filter: filter.Filter{Name: "cpu", Labels: map[string]string{"env": "prod"}}},
		{ID: "anomaly", Tenant: "acme", Kind: KindAnomaly, Enabled: true, Filter: filter.Filter{Name: "cpu"}},
		{ID: "hb", Tenant: "acme", Kind: KindHeartbeat, Enabled: true},
	}
	rs := newRuleSet(rules, time.Now())
	ids := func(e event.Event) []string {
		e.Tenant = "acme"
		var out []string
		for _, r := range rs.matching(&e, nil) {
			out = append(out, r.ID)
		}
		return out
	}
	ts := time.Now()
	for _, c := range []struct {
		name string
		e    event.Event
		want []string
	}{
		{"matching log", logEv("checkout", event.LevelError, "payment declined", ts), []string{"logs", "all-logs"}},
		{"other level", logEv("checkout", event.LevelWarn, "payment declined", ts), []string{"all-logs"}},
		{"other text", logEv("checkout", event.LevelError, "timeout", ts), []string{"all-logs"}},
		{"security at least high", securityEv("auth", "authentication", event.SeverityCritical, ts), []string{"sec"}},
		{"security below", securityEv("auth", "authentication", event.SeverityMedium, ts), nil},
		{"metric with label", metricEv("cpu", "api", map[string]string{"env": "prod", "host": "a"}, 1, ts), []string{"cpu"}},
		{"metric without label", metricEv("cpu", "api", nil, 1, ts), nil},
		{"heartbeat", heartbeatEv("api", event.StatusUp, 10, ts), nil},
	} {
		if got := ids(c.e); len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("%s: matched %v, want %v", c.name, got, c.want)
		}
	}
}
