package realtime

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// filter is a connection's compiled filters. It is immutable: a subscribe
// message replaces the whole filter, so the reader goroutine can match
// against it while the connection's read loop builds the next one.
//
// Every filter means what the query API's parameter of the same name means;
// empty fields do not filter, and all set fields must hold.
type filter struct {
	// echo is the normalized filters, sent back in the subscribed message.
	echo json.RawMessage

	services []string      // any of; the metrics channel has at most one
	levels   []event.Level // any of
	host     string
	text     []byte // lower-case ASCII; a case-insensitive substring of the message
	attrs    []attrMatch

	categories []string
	// severities has bit (1 << rank) set for each admitted severity;
	// 0 admits every severity (neither severity nor min_severity given).
	severities uint8
	srcIP      string
	actor      string
	outcome    string

	name   string
	labels map[string]string

	states          []string
	ruleIDs         []string
	alertSeverities []string
}

// alertFields are the parts of an alert the alerts channel filters on; the
// reader decodes only these.
type alertFields struct {
	State    string `json:"state"`
	RuleID   string `json:"rule_id"`
	Severity string `json:"severity"`
}

// compileFilter builds the filter of checked, normalized values.
func compileFilter(ch Channel, fv filterValues) *filter {
	f := &filter{echo: fv.echo(ch)}
	one := func(name string) string {
		if vs := fv[name]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	switch ch {
	case ChannelLogs:
		f.services = fv["service"]
		for _, l := range fv["level"] {
			f.levels = append(f.levels, event.Level(l))
		}
		f.host = one("host")
		f.text = lowerASCII(one("q"))
		for k, v := range pairMap(fv["attr"]) {
			f.attrs = append(f.attrs, newAttrMatch(k, v))
		}
	case ChannelSecurity:
		f.services = fv["service"]
		f.categories = fv["category"]
		f.severities = severitySet(fv["severity"], one("min_severity"))
		f.srcIP, f.actor, f.outcome = one("src_ip"), one("actor"), one("outcome")
		f.text = lowerASCII(one("q"))
	case ChannelMetrics:
		f.name = one("name")
		f.services = fv["service"]
		if labels := fv["label"]; len(labels) > 0 {
			f.labels = pairMap(labels)
		}
	case ChannelAlerts:
		f.states, f.ruleIDs, f.alertSeverities = fv["state"], fv["rule_id"], fv["severity"]
	}
	return f
}

// severitySet is the query API's rule (see store.SecurityQuery): the listed
// severities, or all when none are listed, that are at least min when min is
// set.
func severitySet(list []string, min string) uint8 {
	if len(list) == 0 && min == "" {
		return 0
	}
	floor := 0
	if min != "" {
		floor = event.Severity(min).Rank()
	}
	var set uint8
	for rank, s := range event.Severities {
		if rank >= floor && (len(list) == 0 || slices.Contains(list, string(s))) {
			set |= 1 << rank
		}
	}
	if set == 0 {
		// Contradictory filters (severity=low&min_severity=high) admit
		// nothing; keep that distinct from the zero value, which admits all.
		set = 1 << 7
	}
	return set
}

// matchEvent reports whether an event of the filter's channel passes.
func (f *filter) matchEvent(e *event.Event) bool {
	if len(f.services) > 0 && !slices.Contains(f.services, e.Service) {
		return false
	}
	switch {
	case e.Log != nil:
		return f.matchLog(e)
	case e.Security != nil:
		return f.matchSecurity(e.Security)
	case e.Metric != nil:
		return f.matchMetric(e.Metric)
	}
	return false
}

func (f *filter) matchLog(e *event.Event) bool {
	if len(f.levels) > 0 && !slices.Contains(f.levels, e.Log.Level) {
		return false
	}
	if f.host != "" && e.Host != f.host {
		return false
	}
	if f.text != nil && !containsFoldASCII(e.Log.Message, f.text) {
		return false
	}
	for _, a := range f.attrs {
		v, ok := e.Attributes[a.key]
		if !ok || !a.match(v) {
			return false
		}
	}
	return true
}

func (f *filter) matchSecurity(s *event.Security) bool {
	if len(f.categories) > 0 && !slices.Contains(f.categories, s.Category) {
		return false
	}
	if f.severities != 0 {
		rank := s.Severity.Rank()
		if rank < 0 || f.severities&(1<<rank) == 0 {
			return false
		}
	}
	if (f.srcIP != "" && s.SrcIP != f.srcIP) || (f.actor != "" && s.Actor != f.actor) ||
		(f.outcome != "" && s.Outcome != f.outcome) {
		return false
	}
	return f.text == nil || containsFoldASCII(s.Message, f.text)
}

func (f *filter) matchMetric(m *event.Metric) bool {
	if f.name != "" && m.Name != f.name {
		return false
	}
	for k, v := range f.labels {
		if got, ok := m.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func (f *filter) matchAlert(a *alertFields) bool {
	return (len(f.states) == 0 || slices.Contains(f.states, a.State)) &&
		(len(f.ruleIDs) == 0 || slices.Contains(f.ruleIDs, a.RuleID)) &&
		(len(f.alertSeverities) == 0 || slices.Contains(f.alertSeverities, a.Severity))
}

// attrMatch is one attribute equality, with every stored value it admits
// spelled out as the query API's stores match them: a string attribute equal
// to the text; a number attribute numerically equal to it when the text is a
// decimal number ("402" and "402.0" both match 402); a boolean attribute when
// the text is true or false.
type attrMatch struct {
	key    string
	str    string
	num    float64
	isNum  bool
	b      bool
	isBool bool
}

// decimal is the number syntax a filter value must have to compare
// numerically; strconv.ParseFloat alone would also take "Inf", "NaN", hex
// floats and underscores.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

func newAttrMatch(key, value string) attrMatch {
	a := attrMatch{key: key, str: value}
	if decimal.MatchString(value) {
		if f, err := strconv.ParseFloat(value, 64); err == nil && !math.IsInf(f, 0) {
			a.num, a.isNum = f, true
		}
	}
	if value == "true" || value == "false" {
		a.b, a.isBool = value == "true", true
	}
	return a
}

// match compares with an attribute as encoding/json decodes it: string,
// float64 or bool.
func (a attrMatch) match(v any) bool {
	switch x := v.(type) {
	case string:
		return x == a.str
	case float64:
		return a.isNum && x == a.num
	case bool:
		return a.isBool && x == a.b
	}
	return false
}

// lowerASCII lower-cases ASCII letters only: the stores match text
// case-insensitively for ASCII (SQLite's LIKE), and so must the live path.
// It returns nil for "" (no text filter).
func lowerASCII(s string) []byte {
	if s == "" {
		return nil
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// containsFoldASCII reports whether s contains sub (already lower-case),
// ignoring ASCII case, without allocating.
func containsFoldASCII(s string, sub []byte) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// parseFilter checks values and compiles them.
func parseFilter(ch Channel, fv filterValues) (*filter, *paramError) {
	checked, err := fv.check(ch)
	if err != nil {
		return nil, err
	}
	return compileFilter(ch, checked), nil
}

// match reports whether a decoded entry passes; the caller has checked the tenant.
func (f *filter) match(d *entry) bool {
	if d.alert != nil {
		return f.matchAlert(d.alert)
	}
	return d.event != nil && f.matchEvent(d.event)
}
