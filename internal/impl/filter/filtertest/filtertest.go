// Package filtertest is the shared filter suite: one table of filters over
// one small corpus of events, with the events each filter admits written out
// by hand. Every path that filters events runs it: package filter's Matcher,
// the store adapters (through storetest), the WebSocket channels and the
// alert rules' matching, so that a filter means the same everywhere.
package filtertest

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

// Case is one filter and the corpus events it admits.
type Case struct {
	Name string
	Kind event.Kind // the kind of events it filters
	// Query is the filter as query parameters of /api/logs,
	// /api/security-events or /ws/<channel>.
	Query string
	// Rule is the filter as an alert rule's "filter" object, when a rule can
	// express it; "" when it cannot.
	Rule string
	// Want lists the IDs of the admitted events, in corpus order.
	Want []string
}

// Filter parses the case's query with filter.ParseQuery.
func (c Case) Filter(t testing.TB) filter.Filter {
	t.Helper()
	q, err := url.ParseQuery(c.Query)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	f, _, perr := filter.ParseQuery(c.Kind, q)
	if perr != nil {
		t.Fatalf("%s: %v", c.Name, perr)
	}
	return f
}

// Corpus returns the events the cases filter, of the tenant, one second
// apart from base on.
func Corpus(tenant string, base time.Time) []event.Event {
	evs := []event.Event{
		{ID: "l1", Kind: event.KindLog, Service: "checkout", Host: "web-1",
			Attributes: map[string]any{"http.status": 402.0, "retry": true},
			Log:        &event.Log{Level: event.LevelError, Message: "Payment DECLINED by bank"}},
		{ID: "l2", Kind: event.KindLog, Service: "checkout", Host: "web-2",
			Attributes: map[string]any{"http.status": "402"},
			Log:        &event.Log{Level: event.LevelInfo, Message: "payment ok"}},
		{ID: "l3", Kind: event.KindLog, Service: "search", Host: "web-1",
			Attributes: map[string]any{"region": "eu"},
			Log:        &event.Log{Level: event.LevelWarn, Message: "slow query at 100%"}},
		{ID: "l4", Kind: event.KindLog, Service: "payments",
			Attributes: map[string]any{"http.status": 500.0},
			Log:        &event.Log{Level: event.LevelFatal, Message: "école \u212aELVIN"}},
		{ID: "s1", Kind: event.KindSecurity, Service: "gateway", Security: &event.Security{Category: "authentication",
			Severity: event.SeverityHigh, SrcIP: "203.0.113.1", Actor: "bob", Outcome: "failure", Message: "Login FAILED"}},
		{ID: "s2", Kind: event.KindSecurity, Service: "gateway", Security: &event.Security{Category: "authentication",
			Severity: event.SeverityLow, Actor: "alice", Outcome: "success", Message: "login ok"}},
		{ID: "s3", Kind: event.KindSecurity, Service: "auth", Security: &event.Security{Category: "malware",
			Severity: event.SeverityCritical, Message: "trojan found"}},
		{ID: "m1", Kind: event.KindMetric, Service: "api",
			Metric: &event.Metric{Name: "cpu", Value: 1, Type: event.MetricGauge, Labels: map[string]string{"env": "prod", "host": "a"}}},
		{ID: "m2", Kind: event.KindMetric, Service: "api",
			Metric: &event.Metric{Name: "cpu", Value: 2, Type: event.MetricGauge, Labels: map[string]string{"env": "dev"}}},
		{ID: "m3", Kind: event.KindMetric, Service: "db",
			Metric: &event.Metric{Name: "mem", Value: 3, Type: event.MetricGauge, Labels: map[string]string{"env": "prod"}}},
	}
	for i := range evs {
		evs[i].Tenant = tenant
		evs[i].TS = base.Add(time.Duration(i) * time.Second).UTC()
		evs[i].ReceivedAt = evs[i].TS
	}
	return evs
}

// Of returns the corpus events of a kind.
func Of(evs []event.Event, kind event.Kind) []event.Event {
	var out []event.Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Cases returns the table.
func Cases() []Case {
	log, sec, met := event.KindLog, event.KindSecurity, event.KindMetric
	return []Case{
		{"logs: all", log, "", `{}`, []string{"l1", "l2", "l3", "l4"}},
		{"logs: service", log, "service=checkout", `{"service":"checkout"}`, []string{"l1", "l2"}},
		{"logs: any of services", log, "service=checkout&service=search", "", []string{"l1", "l2", "l3"}},
		{"logs: repeated service", log, "service=checkout&service=checkout", "", []string{"l1", "l2"}},
		{"logs: unknown service", log, "service=nobody", `{"service":"nobody"}`, nil},
		{"logs: levels", log, "level=error&level=fatal", `{"level":["error","fatal"]}`, []string{"l1", "l4"}},
		{"logs: host", log, "host=web-1", "", []string{"l1", "l3"}},
		{"logs: text folds ASCII", log, "q=declined", `{"q":"declined"}`, []string{"l1"}},
		{"logs: text percent is literal", log, "q=100%25", `{"q":"100%"}`, []string{"l3"}},
		{"logs: text folds only ASCII", log, "q=%C3%89COLE", `{"q":"ÉCOLE"}`, nil},
		{"logs: text beside Kelvin sign", log, "q=elvin", "", []string{"l4"}},
		{"logs: text no Unicode folding", log, "q=kelvin", "", nil},
		{"logs: attr number and its string", log, "attr.http.status=402", "", []string{"l1", "l2"}},
		{"logs: attr number spelled otherwise", log, "attr=http.status%3D4.02e2", "", []string{"l1"}},
		{"logs: attr boolean", log, "attr.retry=true", "", []string{"l1"}},
		{"logs: attr 1 is not true", log, "attr.retry=1", "", nil},
		{"logs: attrs all hold", log, "attr.http.status=402&attr.retry=true", "", []string{"l1"}},
		{"logs: attr missing key", log, "attr.nope=x", "", nil},
		{"logs: combined", log, "service=checkout&level=error&q=PAYMENT", `{"service":"checkout","level":["error"],"q":"PAYMENT"}`, []string{"l1"}},

		{"security: all", sec, "", `{}`, []string{"s1", "s2", "s3"}},
		{"security: category", sec, "category=authentication", `{"category":"authentication"}`, []string{"s1", "s2"}},
		{"security: severities", sec, "severity=low&severity=critical", "", []string{"s2", "s3"}},
		{"security: min severity", sec, "min_severity=high", `{"min_severity":"high"}`, []string{"s1", "s3"}},
		{"security: severities at least min", sec, "severity=low&severity=high&min_severity=medium", "", []string{"s1"}},
		{"security: severities below min", sec, "severity=low&min_severity=high", "", nil},
		{"security: actor and outcome", sec, "actor=bob&outcome=failure", "", []string{"s1"}},
		{"security: src ip", sec, "src_ip=203.0.113.1", "", []string{"s1"}},
		{"security: text", sec, "q=LOGIN", "", []string{"s1", "s2"}},
		{"security: service and min severity", sec, "service=gateway&min_severity=medium",
			`{"service":"gateway","min_severity":"medium"}`, []string{"s1"}},

		{"metrics: name", met, "name=cpu", `{"name":"cpu"}`, []string{"m1", "m2"}},
		{"metrics: name and label", met, "name=cpu&label.env=prod", `{"name":"cpu","labels":{"env":"prod"}}`, []string{"m1"}},
		{"metrics: labels all hold", met, "label.env=prod&label=host%3Da", "", []string{"m1"}},
		{"metrics: service", met, "service=db", "", []string{"m3"}},
		{"metrics: name and service", met, "name=cpu&service=db", `{"name":"cpu","service":"db"}`, nil},
	}
}

// IDs returns the events' IDs.
func IDs(evs []event.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

// Check reports a case whose admitted IDs differ from its Want; order does
// not matter.
func Check(t testing.TB, path string, c Case, got []string) {
	t.Helper()
	got, want := slices.Clone(got), slices.Clone(c.Want)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s, %s (%s): admits %v, want %v", path, c.Name, c.Query, got, want)
	}
}
