package alerting

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
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

// Filter is the union of the rule kinds' filters (LogFilter, SecurityFilter,
// MetricFilter, HeartbeatFilter in openapi/api.yaml); a kind reads its own fields.
type Filter struct {
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
	Filter           Filter
	Aggregate        Aggregate
	Op               Op
	Threshold        float64
	Window           time.Duration
	For              time.Duration
	Grace            time.Duration // heartbeat
	Sensitivity      float64       // anomaly: |z| above which it fires
	Warmup           time.Duration // anomaly: history needed before it may fire
	Severity         string
	Labels           map[string]string
	Notify           []Target
	Enabled          bool
	// UpdatedAt tells versions of a rule apart.
	UpdatedAt time.Time
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
	Filter      Filter            `json:"filter"`
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

// The defaults of package api's ruleDefaults, per kind, and of every kind.
const (
	defaultWindow        = 5 * time.Minute
	defaultGrace         = 30 * time.Second
	defaultAnomalyWindow = time.Minute
	defaultWarmup        = 30 * time.Minute
	defaultSensitivity   = 3.0
	defaultSeverity      = "warning"
)

// ParseRule gives a stored rule its meaning.
func ParseRule(sr store.Rule) (Rule, error) {
	var d definition
	if err := json.Unmarshal(sr.Definition, &d); err != nil {
		return Rule{}, fmt.Errorf("rule %s: definition: %w", sr.ID, err)
	}
	r := Rule{
		ID: sr.ID, Tenant: sr.Tenant, Name: sr.Name, Kind: Kind(sr.Kind),
		Filter: d.Filter, Aggregate: d.Aggregate, Op: d.Op, Severity: d.Severity,
		Labels: d.Labels, Notify: d.Notify, Enabled: d.Enabled == nil || *d.Enabled, UpdatedAt: sr.UpdatedAt,
	}
	if d.Threshold != nil {
		r.Threshold = *d.Threshold
	}
	r.Sensitivity = defaultSensitivity
	if d.Sensitivity != nil {
		r.Sensitivity = *d.Sensitivity
	}
	if r.Op == "" {
		r.Op = OpGT
	}
	if r.Severity == "" {
		r.Severity = defaultSeverity
	}
	window, grace, warmup := defaultWindow, defaultGrace, defaultWarmup
	if r.Kind == KindAnomaly {
		window = defaultAnomalyWindow
		if r.Aggregate == "" {
			r.Aggregate = AggAvg
		}
	}
	for _, f := range []struct {
		name, text string
		dst        *time.Duration
		def        time.Duration
	}{{"window", d.Window, &r.Window, window}, {"for", d.For, &r.For, 0}, {"grace", d.Grace, &r.Grace, grace}, {"warmup", d.Warmup, &r.Warmup, warmup}} {
		*f.dst = f.def
		if f.text == "" {
			continue
		}
		v, err := ParseDuration(f.text)
		if err != nil {
			return Rule{}, fmt.Errorf("rule %s: %s: %w", sr.ID, f.name, err)
		}
		*f.dst = v
	}
	return r, r.check()
}

// check refuses what the API's schema and checks would have refused and the
// evaluators rely on.
func (r *Rule) check() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("rule %s: "+format, append([]any{r.ID}, a...)...)
	}
	switch r.Kind {
	case KindLogCount, KindSecurity, KindHeartbeat:
	case KindMetricThreshold, KindAnomaly:
		if r.Filter.Name == "" {
			return bad("filter.name is required")
		}
		switch r.Aggregate {
		case AggAvg, AggMin, AggMax, AggSum, AggCount:
		default:
			return bad("unknown aggregate %q", r.Aggregate)
		}
	default:
		return bad("unknown kind %q", r.Kind)
	}
	switch r.Op {
	case OpGT, OpGTE, OpLT, OpLTE:
	default:
		return bad("unknown op %q", r.Op)
	}
	if r.Window <= 0 || r.For < 0 || r.Grace < 0 || r.Warmup <= 0 || r.Sensitivity <= 0 {
		return bad("window, warmup and sensitivity must be positive, for and grace not negative")
	}
	if r.Kind == KindAnomaly {
		if _, err := anomalyStep(r.Window); err != nil {
			return bad("%v", err)
		}
		// The history an evaluation reads is warmup/window windows of every
		// series: bounded, so that one rule's cost is.
		if r.Warmup/r.Window > MaxWarmupWindows {
			return bad("warmup %s is more than %d windows of %s: lengthen the window or shorten the warmup", fmtDuration(r.Warmup), MaxWarmupWindows, fmtDuration(r.Window))
		}
	}
	if math.IsNaN(r.Threshold) || math.Abs(r.Threshold) > MaxThreshold {
		return bad("threshold must be between -%g and %g", MaxThreshold, MaxThreshold)
	}
	if r.Sensitivity > MaxSensitivity {
		return bad("sensitivity must be at most %g", MaxSensitivity)
	}
	for _, l := range r.Filter.Levels {
		if l.Rank() < 0 {
			return bad("unknown level %q", l)
		}
	}
	if r.Filter.MinSeverity != "" && r.Filter.MinSeverity.Rank() < 0 {
		return bad("unknown min_severity %q", r.Filter.MinSeverity)
	}
	for i, t := range r.Notify {
		if t.Type != "" && t.Type != "webhook" {
			return bad("notify[%d]: unknown type %q", i, t.Type)
		}
	}
	return nil
}

// Bounds of a rule's numbers: past them a rule could not mean anything
// useful and could cost without bound.
const (
	MaxThreshold     = 1e15
	MaxSensitivity   = 1000
	MaxWarmupWindows = 1440 // one day of 1-minute windows
)

// ParseDuration reads the API's Duration (a positive integer and one of s, m,
// h, d), and Go's duration syntax besides.
func ParseDuration(s string) (time.Duration, error) {
	if len(s) >= 2 {
		unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
		if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && unit != 0 && n > 0 {
			return time.Duration(n) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("not a duration: %q", s)
	}
	return d, nil
}
