package alerting

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/duration"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Kind is what a rule watches.
type Kind string

// The rule kinds of the query API's AlertRuleInput.
const (
	KindMetricThreshold Kind = "metric_threshold"
	KindLogCount        Kind = "log_count"
	KindSecurity        Kind = "security"
	KindHeartbeat       Kind = "heartbeat"
	KindAnomaly         Kind = "anomaly"
)

// Op compares an observed value with a rule's threshold.
type Op string

// The comparisons.
const (
	OpGT  Op = "gt"
	OpGTE Op = "gte"
	OpLT  Op = "lt"
	OpLTE Op = "lte"
)

// Holds reports whether "v op threshold" is true.
func (o Op) Holds(v, threshold float64) bool {
	switch o {
	case OpGTE:
		return v >= threshold
	case OpLT:
		return v < threshold
	case OpLTE:
		return v <= threshold
	default:
		return v > threshold
	}
}

// Symbol is the comparison as people write it, for summaries.
func (o Op) Symbol() string {
	return map[Op]string{OpGT: ">", OpGTE: ">=", OpLT: "<", OpLTE: "<="}[o]
}

// Aggregate folds metric points into one value.
type Aggregate string

// The aggregates.
const (
	AggAvg   Aggregate = "avg"
	AggMin   Aggregate = "min"
	AggMax   Aggregate = "max"
	AggSum   Aggregate = "sum"
	AggCount Aggregate = "count"
)

// ruleFilter is the stored form of a rule's filter: the union of the rule
// kinds' filters (LogFilter, SecurityFilter, MetricFilter, HeartbeatFilter in
// openapi/api.yaml); a kind reads its own fields. ParseRule turns it into the
// one filter model, package filter's.
type ruleFilter struct {
	Service string `json:"service,omitempty"`
	// log_count
	Levels []event.Level `json:"level,omitempty"`
	Text   string        `json:"q,omitempty"`
	// security
	Category    string         `json:"category,omitempty"`
	MinSeverity event.Severity `json:"min_severity,omitempty"`
	// metric_threshold, anomaly
	Name   string            `json:"name,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Target is where a rule's notifications go (WebhookTarget).
type Target struct {
	Type   string `json:"type"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

// Rule is a stored rule with its meaning: the definition parsed, with the
// defaults package api fills in applied again, so that a definition stored
// without them still means the same.
type Rule struct {
	ID, Tenant, Name string
	Kind             Kind
	// Filter selects the events the rule counts, or the metric it reads
	// (Name, at most one of Services, Labels).
	Filter      filter.Filter
	Aggregate   Aggregate
	Op          Op
	Threshold   float64
	Window      time.Duration
	For         time.Duration
	Grace       time.Duration // heartbeat
	Sensitivity float64       // anomaly: |z| above which it fires
	Warmup      time.Duration // anomaly: history needed before it may fire
	Severity    string
	Labels      map[string]string
	Notify      []Target
	Enabled     bool
	// UpdatedAt tells versions of a rule apart.
	UpdatedAt time.Time
}

// model is the filter in package filter's terms.
func (f ruleFilter) model() filter.Filter {
	m := filter.Filter{Levels: f.Levels, Text: f.Text, MinSeverity: f.MinSeverity, Name: f.Name, Labels: f.Labels}
	if f.Service != "" {
		m.Services = []string{f.Service}
	}
	if f.Category != "" {
		m.Categories = []string{f.Category}
	}
	return m
}

// service is the one service a rule watches, "" for every service.
func (r *Rule) service() string {
	if len(r.Filter.Services) > 0 {
		return r.Filter.Services[0]
	}
	return ""
}

// Key identifies a rule across tenants.
func (r *Rule) Key() RuleKey { return RuleKey{Tenant: r.Tenant, ID: r.ID} }

// RuleKey identifies a rule across tenants.
type RuleKey struct {
	Tenant string `json:"t"`
	ID     string `json:"r"`
}

func (k RuleKey) String() string { return k.Tenant + "/" + k.ID }

// definition is the stored JSON document (one of the rule schemas).
type definition struct {
	Filter      ruleFilter        `json:"filter"`
	Aggregate   Aggregate         `json:"aggregate"`
	Op          Op                `json:"op"`
	Threshold   *float64          `json:"threshold"`
	Window      string            `json:"window"`
	For         string            `json:"for"`
	Grace       string            `json:"grace"`
	Sensitivity *float64          `json:"sensitivity"`
	Warmup      string            `json:"warmup"`
	Severity    string            `json:"severity"`
	Labels      map[string]string `json:"labels"`
	Notify      []Target          `json:"notify"`
	Enabled     *bool             `json:"enabled"`
}

// RuleError names the field of a rule definition that is wrong, so that the
// API can answer 400 naming it ("body.window").
type RuleError struct {
	Field   string // JSON path in the definition: window, filter.name, notify[0].type
	Message string
}

func (e *RuleError) Error() string { return e.Field + ": " + e.Message }

// defaults are filled into a definition where it omits a field: per kind,
// then for every kind. ParseRule applies them to whatever is stored, and
// Define writes them into what is stored, so that the stored rule is
// explicit and means the same either way.
func defaults(k Kind) map[string]any {
	perKind := map[Kind]map[string]any{
		KindMetricThreshold: {"op": "gt", "window": "5m"},
		KindLogCount:        {"op": "gt", "window": "5m"},
		KindSecurity:        {"threshold": 0.0, "window": "5m"},
		KindHeartbeat:       {"grace": "30s"},
		KindAnomaly:         {"aggregate": "avg", "sensitivity": 3.0, "warmup": "30m", "window": "1m"},
	}[k]
	all := map[string]any{"severity": "warning", "enabled": true, "labels": map[string]any{}, "notify": []any{}}
	for f, v := range perKind {
		all[f] = v
	}
	return all
}

// DurationLimits bounds a rule's duration fields (window, for, grace,
// warmup); ok is false for any other name. The API's document states the
// same bounds as patterns, and a test in package api keeps them in step.
func DurationLimits(field string) (min, max time.Duration, ok bool) {
	switch field {
	case "window":
		return 10 * time.Second, 24 * time.Hour, true
	case "for", "grace":
		// 0s is "at once", as in Prometheus-style rules.
		return 0, 24 * time.Hour, true
	case "warmup":
		return time.Minute, 7 * 24 * time.Hour, true
	}
	return 0, 0, false
}

// Define judges a rule as a client wrote it (the query API's
// AlertRuleInput, already checked against the document) and returns the
// definition to store: every default filled in. It is the same judgement
// ParseRule makes of a stored rule, so that the API accepts exactly what the
// engine will evaluate; a refusal is a *RuleError.
func Define(body []byte) (name string, kind Kind, stored []byte, err error) {
	var def map[string]any
	if err := json.Unmarshal(body, &def); err != nil || def == nil {
		return "", "", nil, &RuleError{Field: "body", Message: "want an alert rule object"}
	}
	name, _ = def["name"].(string)
	k, _ := def["kind"].(string)
	kind = Kind(k)
	for f, v := range defaults(kind) {
		if _, ok := def[f]; !ok {
			def[f] = v
		}
	}
	stored, err = json.Marshal(def)
	if err != nil {
		return "", "", nil, fmt.Errorf("encode rule: %w", err)
	}
	if _, err := parseDefinition(kind, stored); err != nil {
		return "", "", nil, err
	}
	return name, kind, stored, nil
}

// ParseRule gives a stored rule its meaning; the error wraps a *RuleError
// when the definition is wrong.
func ParseRule(sr store.Rule) (Rule, error) {
	r, err := parseDefinition(Kind(sr.Kind), sr.Definition)
	if err != nil {
		return Rule{}, fmt.Errorf("rule %s: %w", sr.ID, err)
	}
	r.ID, r.Tenant, r.Name, r.UpdatedAt = sr.ID, sr.Tenant, sr.Name, sr.UpdatedAt
	return r, nil
}

func parseDefinition(kind Kind, raw []byte) (Rule, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Rule{}, &RuleError{Field: "definition", Message: err.Error()}
	}
	for f, v := range defaults(kind) {
		if _, ok := fields[f]; !ok {
			b, _ := json.Marshal(v)
			fields[f] = b
		}
	}
	var d definition
	b, _ := json.Marshal(fields)
	if err := json.Unmarshal(b, &d); err != nil {
		field := "definition"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			field = te.Field
		}
		return Rule{}, &RuleError{Field: field, Message: err.Error()}
	}
	r := Rule{
		Kind: kind, Filter: d.Filter.model(), Aggregate: d.Aggregate, Op: d.Op, Severity: d.Severity,
		Labels: d.Labels, Notify: d.Notify, Enabled: d.Enabled == nil || *d.Enabled,
	}
	if d.Threshold != nil {
		r.Threshold = *d.Threshold
	}
	// Fields a kind does not have keep values no evaluator reads but every
	// check accepts.
	r.Op, r.Window, r.Grace, r.Warmup, r.Sensitivity = OpGT, 5*time.Minute, 30*time.Second, 30*time.Minute, 3
	if d.Op != "" {
		r.Op = d.Op
	}
	if d.Sensitivity != nil {
		r.Sensitivity = *d.Sensitivity
	}
	for _, f := range []struct {
		name, text string
		dst        *time.Duration
	}{{"window", d.Window, &r.Window}, {"for", d.For, &r.For}, {"grace", d.Grace, &r.Grace}, {"warmup", d.Warmup, &r.Warmup}} {
		if f.text == "" {
			continue
		}
		v, err := duration.Parse(f.text)
		if err != nil {
			return Rule{}, &RuleError{Field: f.name, Message: err.Error()}
		}
		if lo, hi, _ := DurationLimits(f.name); v < lo || v > hi {
			return Rule{}, &RuleError{Field: f.name, Message: fmt.Sprintf("must be from %s to %s", duration.Format(lo), duration.Format(hi))}
		}
		*f.dst = v
	}
	return r, r.check()
}

// check refuses what the evaluators cannot evaluate.
func (r *Rule) check() error {
	bad := func(field, format string, a ...any) error {
		return &RuleError{Field: field, Message: fmt.Sprintf(format, a...)}
	}
	switch r.Kind {
	case KindLogCount, KindSecurity, KindHeartbeat:
	case KindMetricThreshold, KindAnomaly:
		if r.Filter.Name == "" {
			return bad("filter.name", "required for a %s rule", r.Kind)
		}
		switch r.Aggregate {
		case AggAvg, AggMin, AggMax, AggSum, AggCount:
		default:
			return bad("aggregate", "unknown aggregate %q", r.Aggregate)
		}
	default:
		return bad("kind", "unknown kind %q", r.Kind)
	}
	switch r.Op {
	case OpGT, OpGTE, OpLT, OpLTE:
	default:
		return bad("op", "unknown op %q", r.Op)
	}
	if r.Kind == KindAnomaly {
		if r.Sensitivity <= 0 {
			return bad("sensitivity", "must be positive")
		}
		if _, err := anomalyStep(r.Window); err != nil {
			return bad("window", "%v", err)
		}
	}
	for _, l := range r.Filter.Levels {
		if l.Rank() < 0 {
			return bad("filter.level", "unknown level %q", l)
		}
	}
	if r.Filter.MinSeverity != "" && r.Filter.MinSeverity.Rank() < 0 {
		return bad("filter.min_severity", "unknown min_severity %q", r.Filter.MinSeverity)
	}
	if err := r.Filter.Check(); err != nil {
		return bad("filter", "%v", err)
	}
	for i, t := range r.Notify {
		if t.Type != "" && t.Type != "webhook" {
			return bad(fmt.Sprintf("notify[%d].type", i), "unknown type %q", t.Type)
		}
	}
	return nil
}
