// Package filter says once what an event filter means, for every path that
// filters events: the query API's listings and the stores behind them, the
// WebSocket channels and alert rules. Before it, each of them spelled the
// rules out on its own, and the copies drifted.
//
// A Filter is plain data (the model). Compile turns it into a Matcher, whose
// Match is the one definition of which events pass; a store adapter may
// translate a Filter into its own query language, and the shared suite in
// package filtertest proves that every such translation agrees with Match.
// ParseQuery reads a Filter from query parameters with the limits of the
// query API's spec.
//
// It imports only the standard library and package event, so that the core
// stays free of the adapters.
package filter

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Filter selects events. Empty fields do not filter; every set field must
// hold. A field that belongs to one kind of event (Levels to logs, Categories
// to security events, Name to metric samples) admits no event of another kind.
type Filter struct {
	// Services admits events of any of these services.
	Services []string
	// Levels admits log events of any of these levels.
	Levels []event.Level
	// Host admits events from this host.
	Host string
	// Text admits log and security events whose message contains it,
	// case-insensitively for ASCII letters only (as SQLite's LIKE does).
	Text string
	// Attrs are attribute equalities, all of which must hold. A value
	// matches a string attribute equal to it; when it is a decimal number
	// (402, 0.5, 4.02e2), a number attribute numerically equal to it; when it
	// is true or false, that boolean. So http.status=402 matches 402 and "402".
	Attrs map[string]string

	// Categories admits security events of any of these categories.
	Categories []string
	// Severities admits security events of any of these severities.
	Severities []event.Severity
	// MinSeverity admits security events at least this severe.
	MinSeverity event.Severity
	// SrcIP, Actor and Outcome admit security events with these values.
	SrcIP, Actor, Outcome string

	// Name admits metric samples of this metric.
	Name string
	// Labels are metric label equalities, all of which must hold.
	Labels map[string]string
}

// Check refuses what no adapter could match the same way: invalid UTF-8 and
// NUL in the text (MongoDB strings must be UTF-8 and its regular expressions
// refuse NUL), attributes that are not UTF-8, and an unknown min severity.
func (f Filter) Check() error {
	if err := CheckText(f.Text); err != nil {
		return err
	}
	for k, v := range f.Attrs {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("attribute filter %q is not valid UTF-8", k)
		}
	}
	if f.MinSeverity != "" && f.MinSeverity.Rank() < 0 {
		return fmt.Errorf("unknown min severity %q", f.MinSeverity)
	}
	return nil
}

// CheckText checks a text filter (see Filter.Check).
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("text filter is not valid UTF-8")
	}
	if strings.ContainsRune(s, 0) {
		return errors.New("text filter contains NUL")
	}
	return nil
}

// Matcher is a compiled Filter. It is immutable and safe for concurrent use.
type Matcher struct {
	services []string
	levels   []event.Level
	host     string
	text     []byte // lower-case ASCII; nil when there is no text filter
	attrs    []Attr

	security   bool // some security field is set
	categories []string
	// severities has bit (1 << rank) set for each admitted severity; 0
	// admits every severity.
	severities   uint8
	srcIP, actor string
	outcome      string
	metric       bool // Name or Labels is set
	name         string
	labels       map[string]string
}

// Compile prepares f for matching many events. It does not check f (see Check).
func (f Filter) Compile() *Matcher {
	m := &Matcher{
		services: f.Services, levels: f.Levels, host: f.Host, text: lowerASCII(f.Text),
		attrs:      Attrs(f.Attrs),
		categories: f.Categories, srcIP: f.SrcIP, actor: f.Actor, outcome: f.Outcome,
		name: f.Name, labels: f.Labels,
	}
	if set, filtered := Severities(f.Severities, f.MinSeverity); filtered {
		m.severities = 1 << 7 // admits nothing unless a known severity is set below
		for _, s := range set {
			if r := s.Rank(); r >= 0 {
				m.severities |= 1 << r
			}
		}
	}
	m.security = len(f.Categories) > 0 || m.severities != 0 || f.SrcIP != "" || f.Actor != "" || f.Outcome != ""
	m.metric = f.Name != "" || len(f.Labels) > 0
	return m
}

// Match reports whether e passes the filter.
func (m *Matcher) Match(e *event.Event) bool {
	if len(m.services) > 0 && !slices.Contains(m.services, e.Service) {
		return false
	}
	if m.host != "" && e.Host != m.host {
		return false
	}
	for _, a := range m.attrs {
		v, ok := e.Attributes[a.Key]
		if !ok || !a.Match(v) {
			return false
		}
	}
	if len(m.levels) > 0 && (e.Log == nil || !slices.Contains(m.levels, e.Log.Level)) {
		return false
	}
	if m.text != nil {
		var msg string
		switch {
		case e.Log != nil:
			msg = e.Log.Message
		case e.Security != nil:
			msg = e.Security.Message
		default:
			return false
		}
		if !containsFoldASCII(msg, m.text) {
			return false
		}
	}
	if m.security && !m.matchSecurity(e.Security) {
		return false
	}
	return !m.metric || m.matchMetric(e.Metric)
}

func (m *Matcher) matchSecurity(s *event.Security) bool {
	if s == nil || (len(m.categories) > 0 && !slices.Contains(m.categories, s.Category)) {
		return false
	}
	if m.severities != 0 {
		rank := s.Severity.Rank()
		if rank < 0 || m.severities&(1<<rank) == 0 {
			return false
		}
	}
	return (m.srcIP == "" || s.SrcIP == m.srcIP) && (m.actor == "" || s.Actor == m.actor) &&
		(m.outcome == "" || s.Outcome == m.outcome)
}

func (m *Matcher) matchMetric(s *event.Metric) bool {
	if s == nil || (m.name != "" && s.Name != m.name) {
		return false
	}
	for k, v := range m.labels {
		if got, ok := s.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Severities returns the severities a filter admits: those listed (all when
// none are) that are at least min (when set). filtered is false when every
// severity is admitted; a filtered empty set admits nothing. An unknown
// listed severity ranks below any threshold: it stays only when there is none.
func Severities(list []event.Severity, min event.Severity) (set []event.Severity, filtered bool) {
	if len(list) == 0 {
		if min == "" {
			return nil, false
		}
		if min.Rank() < 0 {
			return []event.Severity{}, true
		}
		return slices.Clone(event.Severities[min.Rank():]), true
	}
	set = []event.Severity{}
	for _, s := range list {
		if (min == "" || s.Rank() >= min.Rank()) && !slices.Contains(set, s) {
			set = append(set, s)
		}
	}
	return set, true
}

// lowerASCII lower-cases ASCII letters only; nil for "" (no text filter).
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
