package filter

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Param describes one filter parameter: its name, cardinality and value
// rules are the query API's (openapi/api.yaml), so that a filter means the
// same on /api/logs and /ws/logs.
type Param struct {
	Name     string
	Repeated bool
	// MaxItems bounds a repeated parameter's values, counted as sent
	// (repeats included), as the spec's maxItems counts them.
	MaxItems int
	// Pairs marks key=value filters (attr, label), which also have the
	// shorthand <name>.<key>=<value>.
	Pairs bool
	// Check returns "" when a value is valid, else why not.
	Check func(string) string
}

// Params lists the filter parameters for events of a kind (log, security,
// metric); nil for other kinds. The tables are fixed and only read.
func Params(kind event.Kind) []Param {
	switch kind {
	case event.KindLog:
		return []Param{
			{Name: "service", Repeated: true, MaxItems: 20, Check: ServiceName},
			{Name: "level", Repeated: true, MaxItems: 6, Check: OneOf(names(event.Levels[:])...)},
			{Name: "host", Check: Length(1, 255)},
			{Name: "q", Check: text},
			{Name: "attr", Repeated: true, MaxItems: 16, Pairs: true, Check: pair(2200)},
		}
	case event.KindSecurity:
		return []Param{
			{Name: "service", Repeated: true, MaxItems: 20, Check: ServiceName},
			{Name: "category", Repeated: true, MaxItems: 20, Check: Length(1, 64)},
			{Name: "severity", Repeated: true, MaxItems: 4, Check: OneOf(names(event.Severities[:])...)},
			{Name: "min_severity", Check: OneOf(names(event.Severities[:])...)},
			{Name: "src_ip", Check: Length(1, 45)},
			{Name: "actor", Check: Length(1, 256)},
			{Name: "outcome", Check: OneOf("success", "failure", "unknown")},
			{Name: "q", Check: text},
		}
	case event.KindMetric:
		return []Param{
			{Name: "name", Check: metricName},
			{Name: "service", Check: ServiceName},
			{Name: "label", Repeated: true, MaxItems: 16, Pairs: true, Check: pair(400)},
		}
	}
	return nil
}

// ParamError names the parameter a client got wrong.
type ParamError struct {
	Param   string
	Message string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

// Values are filters by parameter name, before or after they are checked:
// from a query string, or from a WebSocket subscribe message.
type Values map[string][]string

// Add files values under a parameter of params, rewriting the shorthands
// attr.<key>=<value> and label.<key>=<value> into attr=<key>=<value> and
// label=<key>=<value>. A name that is no parameter is refused.
func (v Values) Add(params []Param, name string, vs []string) *ParamError {
	for _, p := range params {
		if p.Pairs {
			if key, ok := strings.CutPrefix(name, p.Name+"."); ok && key != "" {
				for _, x := range vs {
					v[p.Name] = append(v[p.Name], key+"="+x)
				}
				return nil
			}
		}
		if name == p.Name {
			v[name] = append(v[name], vs...)
			return nil
		}
	}
	all := make([]string, len(params))
	for i, p := range params {
		all[i] = p.Name
	}
	return &ParamError{name, "unknown filter; the filters are " + strings.Join(all, ", ")}
}

// Check applies every parameter's rules and returns the values normalized:
// repeated values once each, in their first order.
func (v Values) Check(params []Param) (Values, *ParamError) {
	out := Values{}
	for _, p := range params {
		vs := v[p.Name]
		if len(vs) == 0 {
			continue
		}
		if !p.Repeated && len(vs) > 1 {
			return nil, &ParamError{p.Name, "give it at most once"}
		}
		if p.Repeated && len(vs) > p.MaxItems {
			return nil, &ParamError{p.Name, fmt.Sprintf("at most %d values", p.MaxItems)}
		}
		vs = distinct(vs)
		for _, x := range vs {
			if msg := p.Check(x); msg != "" {
				return nil, &ParamError{p.Name, fmt.Sprintf("%s (got %q)", msg, x)}
			}
		}
		out[p.Name] = vs
	}
	return out, nil
}

// Filter builds the filter that checked values describe.
func (v Values) Filter() Filter {
	one := func(name string) string {
		if vs := v[name]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	f := Filter{
		Services: v["service"], Host: one("host"), Text: one("q"), Attrs: PairMap(v["attr"]),
		Categories: v["category"], MinSeverity: event.Severity(one("min_severity")),
		SrcIP: one("src_ip"), Actor: one("actor"), Outcome: one("outcome"),
		Name: one("name"), Labels: PairMap(v["label"]),
	}
	for _, l := range v["level"] {
		f.Levels = append(f.Levels, event.Level(l))
	}
	for _, s := range v["severity"] {
		f.Severities = append(f.Severities, event.Severity(s))
	}
	return f
}

// ParseQuery reads the filter for events of a kind from a query string,
// ignoring the parameters named in other (such as since or access_token).
func ParseQuery(kind event.Kind, q url.Values, other ...string) (Filter, Values, *ParamError) {
	params := Params(kind)
	raw := Values{}
	for name, vs := range q {
		if slices.Contains(other, name) {
			continue
		}
		if err := raw.Add(params, name, vs); err != nil {
			return Filter{}, nil, err
		}
	}
	checked, err := raw.Check(params)
	if err != nil {
		return Filter{}, nil, err
	}
	return checked.Filter(), checked, nil
}

// PairMap reads checked key=value values; a repeated key keeps its last
// value, as the query API does. nil when there are none.
func PairMap(vs []string) map[string]string {
	if len(vs) == 0 {
		return nil
	}
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		k, val, _ := strings.Cut(v, "=")
		m[k] = val
	}
	return m
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

func names[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Value rules, from the query API's schemas.

var (
	// The spec's MetricName and ID patterns.
	metricNamePattern = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:.]*$`)
	idPattern         = regexp.MustCompile(`^[A-Za-z0-9._:\-]+$`)
)

// Length checks a string of min to max characters.
func Length(min, max int) func(string) string {
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

// OneOf checks an enumeration.
func OneOf(allowed ...string) func(string) string {
	return func(s string) string {
		if slices.Contains(allowed, s) {
			return ""
		}
		return "want one of " + strings.Join(allowed, ", ")
	}
}

// ServiceName checks the spec's ServiceName.
func ServiceName(s string) string {
	if msg := Length(1, 128)(s); msg != "" {
		return msg
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "a service name has no spaces"
	}
	return ""
}

// ID checks the spec's ID.
func ID(s string) string {
	if msg := Length(1, 128)(s); msg != "" {
		return msg
	}
	if !idPattern.MatchString(s) {
		return "want an id: letters, digits, and . _ : -"
	}
	return ""
}

// text is the q filter. NUL and invalid UTF-8 are refused everywhere, so
// that a filter never matches on one path what it could not on another.
func text(s string) string {
	if msg := Length(1, 256)(s); msg != "" {
		return msg
	}
	if strings.ContainsRune(s, 0) {
		return "contains NUL"
	}
	return ""
}

func pair(maxLen int) func(string) string {
	return func(s string) string {
		if msg := Length(2, maxLen)(s); msg != "" {
			return msg
		}
		if k, _, ok := strings.Cut(s, "="); !ok || k == "" {
			return "want key=value"
		}
		return ""
	}
}

func metricName(s string) string {
	if msg := Length(1, 200)(s); msg != "" {
		return msg
	}
	if !metricNamePattern.MatchString(s) {
		return "want a metric name: letters, digits, _, : and ."
	}
	return ""
}
