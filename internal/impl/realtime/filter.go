package realtime

import (
	"encoding/json"
	"slices"

	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

// subscription is a connection's compiled filters. It is immutable: a
// subscribe message replaces the whole subscription, so the reader goroutine
// can match against it while the connection's read loop builds the next one.
//
// Event filters are package filter's: they mean what the query API's
// parameters of the same names mean.
type subscription struct {
	// echo is the normalized filters, sent back in the subscribed message.
	echo json.RawMessage

	events *filter.Matcher // the event channels

	// The alerts channel's filters.
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

// compileFilter builds the subscription of checked, normalized values.
func compileFilter(ch Channel, fv filter.Values) *subscription {
	f := &subscription{echo: echo(ch, fv)}
	if ch == ChannelAlerts {
		f.states, f.ruleIDs, f.alertSeverities = fv["state"], fv["rule_id"], fv["severity"]
		return f
	}
	f.events = fv.Filter().Compile()
	return f
}

func (f *subscription) matchAlert(a *alertFields) bool {
	return (len(f.states) == 0 || slices.Contains(f.states, a.State)) &&
		(len(f.ruleIDs) == 0 || slices.Contains(f.ruleIDs, a.RuleID)) &&
		(len(f.alertSeverities) == 0 || slices.Contains(f.alertSeverities, a.Severity))
}

// parseFilter checks values and compiles them.
func parseFilter(ch Channel, fv filter.Values) (*subscription, *filter.ParamError) {
	checked, err := fv.Check(paramsOf(ch))
	if err != nil {
		return nil, err
	}
	return compileFilter(ch, checked), nil
}

// match reports whether a decoded entry passes; the caller has checked the tenant.
func (f *subscription) match(d *entry) bool {
	if d.alert != nil {
		return f.matchAlert(d.alert)
	}
	return d.event != nil && f.events != nil && f.events.Match(d.event)
}
