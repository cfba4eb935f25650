package realtime

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
)

// Query parameters of the upgrade request that are not filters.
const (
	paramAccessToken = "access_token" // the API key, for browsers, which cannot set headers on a WebSocket
	paramSince       = "since"        // resume after this cursor
)

// paramsOf lists the filters each channel accepts: the event channels'
// are package filter's, the query API's parameters of the same names.
func paramsOf(ch Channel) []filter.Param {
	switch ch {
	case ChannelLogs:
		return filter.Params(event.KindLog)
	case ChannelSecurity:
		return filter.Params(event.KindSecurity)
	case ChannelMetrics:
		return filter.Params(event.KindMetric)
	case ChannelAlerts:
		return []filter.Param{
			{Name: "state", Check: filter.OneOf("pending", "firing", "resolved")},
			{Name: "rule_id", Check: filter.ID},
			// The query API has no severity filter on alerts; the values are
			// its AlertSeverity.
			{Name: "severity", Check: filter.OneOf("info", "warning", "critical")},
		}
	}
	return nil
}

// queryFilters takes the filters out of an upgrade request's query.
func queryFilters(ch Channel, q url.Values) (filter.Values, *filter.ParamError) {
	out := filter.Values{}
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
func messageFilters(ch Channel, m map[string]json.RawMessage) (filter.Values, *filter.ParamError) {
	out := filter.Values{}
	for name, raw := range m {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			items = []json.RawMessage{raw}
		}
		vs := make([]string, 0, len(items))
		for _, item := range items {
			v, ok := scalarText(item)
			if !ok {
				return nil, &filter.ParamError{Param: name, Message: "want a string or an array of strings"}
			}
			vs = append(vs, v)
		}
		if err := addFilter(ch, out, name, vs); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addFilter files values, naming the channel when the filter is unknown.
func addFilter(ch Channel, out filter.Values, name string, vs []string) *filter.ParamError {
	if err := out.Add(paramsOf(ch), name, vs); err != nil {
		var names []string
		for _, p := range paramsOf(ch) {
			names = append(names, p.Name)
		}
		return &filter.ParamError{Param: name,
			Message: "unknown filter for channel " + string(ch) + "; it accepts " + strings.Join(names, ", ")}
	}
	return nil
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

// echo renders normalized values as a subscribe message's filters object:
// repeatable filters as arrays, the others as strings; key=value filters
// sorted by key, so that the same filters always read the same.
func echo(ch Channel, fv filter.Values) json.RawMessage {
	m := make(map[string]any, len(fv))
	for _, p := range paramsOf(ch) {
		vs, ok := fv[p.Name]
		switch {
		case !ok:
		case p.Pairs:
			pm := filter.PairMap(vs)
			sorted := make([]string, 0, len(pm))
			for _, k := range slices.Sorted(maps.Keys(pm)) {
				sorted = append(sorted, k+"="+pm[k])
			}
			m[p.Name] = sorted
		case p.Repeated:
			m[p.Name] = vs
		default:
			m[p.Name] = vs[0]
		}
	}
	return mustJSON(m)
}
