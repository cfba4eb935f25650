package store

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

// Cursor is a keyset position in a time-ordered listing: the (TS, ID) of the
// last item of the previous page. The next page holds the items strictly after
// it in the listing's order, so pages neither repeat nor skip items while new
// ones arrive (new items have later received times, but may carry any ts; an
// item inserted before the cursor position after the first page was read is
// not shown, which is the usual keyset trade-off and never a duplicate).
type Cursor struct {
	TS time.Time
	ID string
}

// Page is one page of events; Next is nil on the last page.
type Page struct {
	Events []event.Event
	Next   *Cursor
}

// Window is the common part of a time-ordered listing: [From, To), at most
// Limit items, newest first unless Ascending, after the cursor when set.
type Window struct {
	Tenant    string
	From, To  time.Time
	Limit     int
	Ascending bool
	After     *Cursor
}

// LogQuery selects log events: those the filter admits (package filter
// says what each field means; adapters translate it, and the shared filter
// suite proves that they agree with filter.Matcher). It reads the log
// fields: services, levels, host, text and attributes.
type LogQuery struct {
	Window
	filter.Filter
}

// SecurityQuery selects security events, as LogQuery does logs. It reads the
// security fields: services, categories, severities, min severity, source
// IP, actor, outcome and text.
type SecurityQuery struct {
	Window
	filter.Filter
}

// MetricQuery selects the series of one metric and aggregates their points by Step.
type MetricQuery struct {
	Tenant   string
	Name     string
	Service  string            // empty: every service
	Labels   map[string]string // label equalities
	From, To time.Time
	// Step is the width of a point, aligned to the Unix epoch. A multiple of a
	// minute reads the per-minute rollups; a divisor of a minute (10s, 15s,
	// 20s, 30s) reads raw samples.
	Step time.Duration
}

// Series is one metric series (name, service, labels) with its points.
type Series struct {
	Service string
	Labels  map[string]string
	Points  []Point
}

// Point aggregates the samples of one step. Points without samples are left out.
type Point struct {
	TS    time.Time // start of the step
	Count int64
	Sum   float64
	Min   float64
	Max   float64
}

// MetricName describes a known metric.
type MetricName struct {
	Name      string
	Type      event.MetricType // of the latest sample seen
	LabelKeys []string         // sorted
	Services  []string         // sorted
}

// Service is a service seen in any event, with what its heartbeats said.
type Service struct {
	Name     string
	LastSeen time.Time // latest ts of any of its events
	// Heartbeat fields are zero when the service never sent a heartbeat.
	LastHeartbeat   time.Time
	Status          event.HeartbeatStatus // of the latest heartbeat
	IntervalSeconds int                   // of the latest heartbeat
	Instance        string                // of the latest heartbeat
}

// Alert is one alert of a rule and label set.
type Alert struct {
	ID          string
	Tenant      string
	RuleID      string
	RuleName    string
	Fingerprint string // identifies rule + label set: one open alert per fingerprint
	Labels      map[string]string
	Severity    string
	State       string // pending, firing or resolved
	StartedAt   time.Time
	FiredAt     time.Time // zero while pending
	ResolvedAt  time.Time // zero until resolved
	UpdatedAt   time.Time
	Value       float64 // the value that triggered (or last held) the condition
	Summary     string
	// NotifyError is the last notification failure, empty when none failed.
	NotifyError string
}

// AlertQuery selects alerts by StartedAt in [From, To). Empty fields do not filter.
type AlertQuery struct {
	Window
	State  string
	RuleID string
}

// AlertPage is one page of alerts ordered by (StartedAt, ID).
type AlertPage struct {
	Alerts []Alert
	Next   *Cursor
}

// Rule is a stored alert rule. The store keeps its definition as opaque JSON;
// package api validates it and package alerting gives it meaning.
type Rule struct {
	ID         string
	Tenant     string
	Name       string
	Kind       string
	Definition []byte // JSON document of the whole rule
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Queries reads events back.
type Queries interface {
	// QueryLogs lists log events by (ts, id) in the window's order.
	QueryLogs(ctx context.Context, q LogQuery) (Page, error)
	// QuerySecurity lists security events by (ts, id) in the window's order.
	QuerySecurity(ctx context.Context, q SecurityQuery) (Page, error)
}

// Counts count what the listings select, up to a cap, without reading the
// events: the alert evaluator compares them with thresholds every few hundred
// milliseconds.
type Counts interface {
	// CountLogs returns how many log events QueryLogs would list for q over
	// all its pages, counting no further than upTo (>= 1): a caller comparing
	// with a threshold needs no more. q.Limit, q.After and q.Ascending are
	// ignored; the other fields validate as for QueryLogs.
	CountLogs(ctx context.Context, q LogQuery, upTo int64) (int64, error)
	// CountSecurity is CountLogs for QuerySecurity.
	CountSecurity(ctx context.Context, q SecurityQuery, upTo int64) (int64, error)
}

// Metrics reads metric series. The store keeps per-minute rollups (count,
// sum, min, max per series and minute), updated by InsertEvents for every
// newly stored sample, so queries read buckets rather than raw samples.
type Metrics interface {
	QueryMetrics(ctx context.Context, q MetricQuery) ([]Series, error)
	// MetricNames lists the tenant's metric names, sorted.
	MetricNames(ctx context.Context, tenant string) ([]MetricName, error)
}

// Services is the registry of services, updated by InsertEvents.
type Services interface {
	// ListServices returns the tenant's services sorted by name.
	ListServices(ctx context.Context, tenant string) ([]Service, error)
}

// Alerts stores alerts.
type Alerts interface {
	// PutAlert creates or replaces the alert with a.Tenant and a.ID.
	PutAlert(ctx context.Context, a Alert) error
	// GetAlert returns one alert, or ErrNotFound.
	GetAlert(ctx context.Context, tenant, id string) (Alert, error)
	// ListAlerts lists alerts by (StartedAt, ID) in the window's order.
	ListAlerts(ctx context.Context, q AlertQuery) (AlertPage, error)
}

// Rules stores alert rules.
type Rules interface {
	// CreateRule stores a new rule; ErrConflict when the tenant has one with its ID.
	CreateRule(ctx context.Context, r Rule) error
	// GetRule returns one rule, or ErrNotFound.
	GetRule(ctx context.Context, tenant, id string) (Rule, error)
	// ListRules returns the tenant's rules sorted by name, then ID.
	ListRules(ctx context.Context, tenant string) ([]Rule, error)
	// ReplaceRule replaces an existing rule's name, kind, definition and
	// UpdatedAt; ErrNotFound when there is none.
	ReplaceRule(ctx context.Context, r Rule) error
	// DeleteRule deletes a rule; ErrNotFound when there is none.
	DeleteRule(ctx context.Context, tenant, id string) error
	// AllRules returns every tenant's rules (the alert evaluator's view).
	AllRules(ctx context.Context) ([]Rule, error)
}

// KeyAdmin manages API keys beyond Keys' lookup.
type KeyAdmin interface {
	// ListKeys returns the tenant's keys, revoked ones included, by creation time.
	ListKeys(ctx context.Context, tenant string) ([]apikey.Key, error)
	// RevokeKey marks a key of the tenant revoked at the given time;
	// ErrNotFound when the tenant has no such key. Revoking twice keeps the first time.
	RevokeKey(ctx context.Context, tenant, id string, at time.Time) error
}

// Histogram says how Explore's hits are counted: per Step (aligned to the
// Unix epoch, as metric steps are) and, when GroupBy is set, per value of that
// field (logs: level, service or host; security events: severity, category or
// service).
type Histogram struct {
	Step    time.Duration
	GroupBy string
}

// Hit is the number of events in the step starting at TS whose GroupBy field
// is Group ("" without GroupBy, and for events without the field).
type Hit struct {
	TS    time.Time
	Group string
	Count int64
}

// FieldValue is one value of a field and how many events have it.
type FieldValue struct {
	Value string
	Count int64
}

// Explore answers the console's overview questions about the events a
// listing selects, without reading them out: how many per time step (the
// hits histogram) and which values a field takes (filter suggestions).
//
// Contract, shared by every adapter and proven by storetest.RunExplore:
//   - The query selects exactly what QueryLogs/QuerySecurity would list over
//     all its pages: q.Limit, q.After and q.Ascending are ignored, the other
//     fields validate as for the listing (same errors).
//   - Hits come sorted by (TS, Group), only non-zero ones; TS is the start
//     of the step holding the event's ts, floored to a multiple of Step since
//     the Unix epoch (also before 1970). Step must be positive; callers bound
//     the number of steps (the API allows 10,000).
//   - Field values leave out events without the field (or with it empty),
//     come sorted by Count descending then Value ascending (bytewise), at most
//     limit (1 to 1,000). Log fields: service, level, host and attr.<key>
//     (an attribute: strings as they are, numbers in decimal as Go's
//     strconv.FormatFloat(v, 'f', -1, 64) writes them, booleans as true and
//     false; a string and a number that read alike count as one value).
//     Security fields: service, host, severity, category, actor, src_ip, outcome.
//   - An unknown group or field is an error, not an empty answer.
type Explore interface {
	LogHits(ctx context.Context, q LogQuery, h Histogram) ([]Hit, error)
	SecurityHits(ctx context.Context, q SecurityQuery, h Histogram) ([]Hit, error)
	LogFieldValues(ctx context.Context, q LogQuery, field string, limit int) ([]FieldValue, error)
	SecurityFieldValues(ctx context.Context, q SecurityQuery, field string, limit int) ([]FieldValue, error)
}
