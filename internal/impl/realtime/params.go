package realtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Query parameters of the upgrade request that are not filters.
const (
	paramAccessToken = "access_token" // the API key, for browsers, which cannot set headers on a WebSocket
	paramSince       = "since"        // resume after this cursor
)

// param describes one filter: the names, cardinality and value rules are the
// query API's (openapi/api.yaml), so that a filter means the same on
// /api/logs and /ws/logs.
type param struct {
	name     string
	repeated bool
	maxItems int
	// pairs marks key=value filters (attr, label), which also have the
	// shorthand <name>.<key>=<value>.
	pairs bool
	check func(string) string // "" when valid, else why not
}

// paramsOf lists the filters each channel accepts. The tables are fixed at
// compile time and only read.
func paramsOf(ch Channel) []param {
	switch ch {
	case ChannelLogs:
		return []param{
			{name: "service", repeated: true, maxItems: 20, check: serviceName},
			{name: "level", repeated: true, maxItems: 6, check: oneOf(levelNames...)},
			{name: "host", check: length(1, 255)},
			{name: "q", check: text},
			{name: "attr", repeated: true, maxItems: 16, pairs: true, check: pair(2200)},
		}
	case ChannelSecurity:
		return []param{
			{name: "service", repeated: true, maxItems: 20, check: serviceName},
			{name: "category", repeated: true, maxItems: 20, check: length(1, 64)},
			{name: "severity", repeated: true, maxItems: 4, check: oneOf(severityNames...)},
			{name: "min_severity", check: oneOf(severityNames...)},
			{name: "src_ip", check: length(1, 45)},
			{name: "actor", check: length(1, 256)},
			{name: "outcome", check: oneOf("success", "failure", "unknown")},
			{name: "q", check: text},
		}
	case ChannelMetrics:
		return []param{
			{name: "name", check: metricName},
			{name: "service", check: serviceName},
			{name: "label", repeated: true, maxItems: 16, pairs: true, check: pair(400)},
		}
	case ChannelAlerts:
		return []param{
			{name: "state", check: oneOf("pending", "firing", "resolved")},
			{name: "rule_id", check: id},
			// The query API has no severity filter on alerts; the values are
			// its AlertSeverity.
			{name: "severity", check: oneOf("info", "warning", "critical")},
		}
	}
	return nil
}

var (
	levelNames    = enumNames(event.Levels[:])
	severityNames = enumNames(event.Severities[:])
	// The spec's MetricName and ID patterns.
	metricNamePattern = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:.]*$`)
	idPattern         = regexp.MustCompile(`^[A-Za-z0-9._:\-]+$`)
)

func enumNames[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// paramError names the filter a client got wrong.
type paramError struct {
	Param   string
	Message string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Message }

// filterValues are a connection's filters by parameter name, before they are
// checked: from the upgrade request's query, or from a subscribe message.
type filterValues map[string][]string

// queryFilters takes the filters out of an upgrade request's query, with the
// shorthands attr.<key>=<value> and label.<key>=<value> rewritten into
// attr=<key>=<value> and label=<key>=<value>.
func queryFilters(ch Channel, q url.Values) (filterValues, *paramError) {
	out := filterValues{}
	for name, vs := range q {
		if name == paramAccessToken || name == paramSince {
			continue
		}
		if err := addFilter(ch, out, name, vs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// messageFilters reads a subscribe message's filters: each value a string or
// an array of strings, with the same names and shorthands as the query. A
// number or boolean stands for its JSON text, so that
// {"attr.http.status": 402} means what attr.http.status=402 means in a URL.
func messageFilters(ch Channel, m map[string]json.RawMessage) (filterValues, *paramError) {
	out := filterValues{}
	for name, raw := range m {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			items = []json.RawMessage{raw}
		}
		vs := make([]string, 0, len(items))
		for _, item := range items {
			v, ok := scalarText(item)
			if !ok {
				return nil, &paramError{name, "want a string or an array of strings"}
			}
			vs = append(vs, v)
		}
		if err := addFilter(ch, out, name, vs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scalarText is a JSON string's value, or a number's or boolean's literal.
func scalarText(raw json.RawMessage) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func addFilter(ch Channel, out filterValues, name string, vs []string) *paramError {
	for _, p := range paramsOf(ch) {
		if p.pairs {
			if key, ok := strings.CutPrefix(name, p.name+"."); ok && key != "" {
				for _, v := range vs {
					out[p.name] = append(out[p.name], key+"="+v)
				}
				return nil
			}
		}
		if name == p.name {
			out[name] = append(out[name], vs...)
			return nil
		}
	}
	return &paramError{name, fmt.Sprintf("unknown filter for channel %s; it accepts %s", ch, strings.Join(paramNames(ch), ", "))}
}

func paramNames(ch Channel) []string {
	var names []string
	for _, p := range paramsOf(ch) {
		names = append(names, p.name)
	}
	return names
}

// check applies every parameter's rules and returns the values normalized:
// repeated values once each, in their first order.
func (fv filterValues) check(ch Channel) (filterValues, *paramError) {
	out := filterValues{}
	for _, p := range paramsOf(ch) {
		vs := fv[p.name]
		if len(vs) == 0 {
			continue
		}
		if !p.repeated && len(vs) > 1 {
			return nil, &paramError{p.name, "give it at most once"}
		}
		vs = distinct(vs)
		if len(vs) > p.maxItems && p.repeated {
			return nil, &paramError{p.name, fmt.Sprintf("at most %d values", p.maxItems)}
		}
		for _, v := range vs {
			if msg := p.check(v); msg != "" {
				return nil, &paramError{p.name, fmt.Sprintf("%s (got %q)", msg, v)}
			}
		}
		out[p.name] = vs
	}
	return out, nil
}

func distinct(vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// echo renders normalized values as a subscribe message's filters object:
// repeatable filters as arrays, the others as strings; key=value filters
// sorted by key, so that the same filters always read the same.
func (fv filterValues) echo(ch Channel) json.RawMessage {
	m := make(map[string]any, len(fv))
	for _, p := range paramsOf(ch) {
		vs, ok := fv[p.name]
		switch {
		case !ok:
		case p.pairs:
			pm := pairMap(vs)
			sorted := make([]string, 0, len(pm))
			for _, k := range slices.Sorted(maps.Keys(pm)) {
				sorted = append(sorted, k+"="+pm[k])
			}
			m[p.name] = sorted
		case p.repeated:
			m[p.name] = vs
		default:
			m[p.name] = vs[0]
		}
	}
	return mustJSON(m)
}

// pairMap reads checked key=value values; a repeated key keeps its last value,
// as the query API does.
func pairMap(vs []string) map[string]string {
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		k, val, _ := strings.Cut(v, "=")
		m[k] = val
	}
	return m
}

// Value rules, from the query API's schemas.

func length(min, max int) func(string) string {
	return func(s string) string {
		if !utf8.ValidString(s) {
			return "not valid UTF-8"
		}
		if n := utf8.RuneCountInString(s); n < min || n > max {
			return fmt.Sprintf("want %d to %d characters", min, max)
		}
		return ""
	}
}

func oneOf(allowed ...string) func(string) string {
	return func(s string) string {
		if slices.Contains(allowed, s) {
			return ""
		}
		return "want one of " + strings.Join(allowed, ", ")
	}
}

func serviceName(s string) string {
	if msg := length(1, 128)(s); msg != "" {
		return msg
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "a service name has no spaces"
	}
	return ""
}

// text is the q filter. NUL and invalid UTF-8 are refused as the query API
// refuses them, so that a filter never matches here what it could not match
// there.
func text(s string) string {
	if msg := length(1, 256)(s); msg != "" {
		return msg
	}
	if strings.ContainsRune(s, 0) {
		return "contains NUL"
	}
	return ""
}

func pair(maxLen int) func(string) string {
	return func(s string) string {
		if msg := length(2, maxLen)(s); msg != "" {
			return msg
		}
		if k, _, ok := strings.Cut(s, "="); !ok || k == "" {
			return "want key=value"
		}
		return ""
	}
}

func metricName(s string) string {
	if msg := length(1, 200)(s); msg != "" {
		return msg
	}
	if !metricNamePattern.MatchString(s) {
		return "want a metric name: letters, digits, _, : and ."
	}
	return ""
}

func id(s string) string {
	if msg := length(1, 128)(s); msg != "" {
		return msg
	}
	if !idPattern.MatchString(s) {
		return "want an id: letters, digits, and . _ : -"
	}
	return ""
}
