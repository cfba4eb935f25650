package filter_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/filter/filtertest"
)

func TestSharedSuiteOnMatcher(t *testing.T) {
	corpus := filtertest.Corpus("acme", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	for _, c := range filtertest.Cases() {
		m := c.Filter(t).Compile()
		var got []string
		for _, e := range corpus {
			// A filter admits only events of its kind when a kind's field is
			// set; the paths that use it read one kind at a time.
			if e.Kind == c.Kind && m.Match(&e) {
				got = append(got, e.ID)
			}
		}
		filtertest.Check(t, "Matcher", c, got)
	}
}

func TestKindFieldsAdmitOnlyTheirKind(t *testing.T) {
	corpus := filtertest.Corpus("acme", time.Now())
	for _, f := range []filter.Filter{
		{Levels: []event.Level{event.LevelError}}, {Categories: []string{"authentication"}},
		{MinSeverity: event.SeverityLow}, {Name: "cpu"}, {Labels: map[string]string{"env": "prod"}}, {Text: "o"},
	} {
		m := f.Compile()
		for _, e := range corpus {
			if !m.Match(&e) {
				continue
			}
			ok := (len(f.Levels) > 0 && e.Kind == event.KindLog) || (f.Text != "" && e.Kind != event.KindMetric) ||
				(e.Kind == event.KindSecurity && (len(f.Categories) > 0 || f.MinSeverity != "")) ||
				(e.Kind == event.KindMetric && (f.Name != "" || len(f.Labels) > 0))
			if !ok {
				t.Errorf("%+v admits %s of kind %s", f, e.ID, e.Kind)
			}
		}
	}
}

// The spec's maxItems counts the values as sent, repeats included: 21 copies
// of service=a are as many as 21 services, on every path.
func TestRepeatsCountTowardsMaxItems(t *testing.T) {
	q := url.Values{"service": make([]string, 21)}
	for i := range q["service"] {
		q["service"][i] = "a"
	}
	if _, _, err := filter.ParseQuery(event.KindLog, q); err == nil || err.Param != "service" || !strings.Contains(err.Message, "at most 20") {
		t.Fatalf("21 copies of service=a: %v", err)
	}
	q["service"] = q["service"][:20]
	f, _, err := filter.ParseQuery(event.KindLog, q)
	if err != nil || len(f.Services) != 1 {
		t.Fatalf("20 copies: %v, %v", f.Services, err)
	}
}

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		query, param string
	}{
		{"level=loud", "level"}, {"host=a&host=b", "host"}, {"attr=novalue", "attr"}, {"severity=high", "severity"},
		{"q=%00", "q"}, {"service=a%20b", "service"}, {"bogus=1", "bogus"},
	} {
		q, _ := url.ParseQuery(c.query)
		if _, _, err := filter.ParseQuery(event.KindLog, q); err == nil || err.Param != c.param {
			t.Errorf("%s: %v, want an error naming %s", c.query, err, c.param)
		}
	}
	q, _ := url.ParseQuery("since=1-0&access_token=x&service=a")
	if f, _, err := filter.ParseQuery(event.KindLog, q, "since", "access_token"); err != nil || f.Services[0] != "a" {
		t.Errorf("other parameters: %v", err)
	}
}
