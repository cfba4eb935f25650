package stream

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// appendEvent appends e as encoding/json's Marshal encodes it, byte for byte,
// and reports false when it cannot (a value it does not know how to write, a
// time or number JSON cannot hold); the caller then uses json.Marshal, which
// also produces the error.
//
// It exists for speed: Marshal reflects over the struct on every event and
// sorts map keys through reflection, which cost as much as publishing the
// event to an embedded Redis. TestAppendEventMatchesMarshal holds it to
// Marshal's output, for every field event.Event has.
func appendEvent(dst []byte, e *event.Event) ([]byte, bool) {
	b := append(dst, `{"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"tenant":`...)
	b = appendJSONString(b, e.Tenant)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(e.Kind))
	var ok bool
	b = append(b, `,"ts":`...)
	if b, ok = appendTime(b, e.TS); !ok {
		return dst, false
	}
	b = append(b, `,"received_at":`...)
	if b, ok = appendTime(b, e.ReceivedAt); !ok {
		return dst, false
	}
	b = append(b, `,"service":`...)
	b = appendJSONString(b, e.Service)
	if e.Host != "" {
		b = append(b, `,"host":`...)
		b = appendJSONString(b, e.Host)
	}
	if len(e.Attributes) > 0 {
		b = append(b, `,"attributes":`...)
		if b, ok = appendAnyMap(b, e.Attributes); !ok {
			return dst, false
		}
	}
	if l := e.Log; l != nil {
		b = append(b, `,"log":{"level":`...)
		b = appendJSONString(b, string(l.Level))
		b = append(b, `,"message":`...)
		b = appendJSONString(b, l.Message)
		b = appendOptional(b, `,"trace_id":`, l.TraceID)
		b = appendOptional(b, `,"span_id":`, l.SpanID)
		b = append(b, '}')
	}
	if m := e.Metric; m != nil {
		b = append(b, `,"metric":{"name":`...)
		b = appendJSONString(b, m.Name)
		b = append(b, `,"value":`...)
		if b, ok = appendFloat(b, m.Value); !ok {
			return dst, false
		}
		b = append(b, `,"type":`...)
		b = appendJSONString(b, string(m.Type))
		if len(m.Labels) > 0 {
			b = append(b, `,"labels":`...)
			b = appendStringMap(b, m.Labels)
		}
		b = append(b, '}')
	}
	if s := e.Security; s != nil {
		b = append(b, `,"security":{`...)
		b = appendOptional(b, `"source":`, s.Source)
		if s.Source != "" {
			b = append(b, ',')
		}
		b = append(b, `"category":`...)
		b = appendJSONString(b, s.Category)
		b = append(b, `,"severity":`...)
		b = appendJSONString(b, string(s.Severity))
		b = appendOptional(b, `,"action":`, s.Action)
		b = appendOptional(b, `,"outcome":`, s.Outcome)
		b = appendOptional(b, `,"actor":`, s.Actor)
		b = appendOptional(b, `,"src_ip":`, s.SrcIP)
		b = appendOptional(b, `,"message":`, s.Message)
		b = append(b, '}')
	}
	if h := e.Heartbeat; h != nil {
		b = append(b, `,"heartbeat":{"instance":`...)
		b = appendJSONString(b, h.Instance)
		b = append(b, `,"status":`...)
		b = appendJSONString(b, string(h.Status))
		b = append(b, `,"interval_seconds":`...)
		b = strconv.AppendInt(b, int64(h.IntervalSeconds), 10)
		b = append(b, '}')
	}
	return append(b, '}'), true
}

// appendOptional writes an omitempty string field.
func appendOptional(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendJSONString(append(b, key...), v)
}

// appendTime writes t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b) // MarshalJSON's RFC 3339 form, without its allocation
	if err != nil {
		return nil, false
	}
	return append(b, '"'), true
}

// plainJSON marks the bytes encoding/json writes as they are in a string:
// printable ASCII except the quote and backslash, which it escapes, and <, >
// and &, which Marshal escapes for HTML.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString writes s as Marshal does. Strings of plain characters,
// nearly all of them, are copied; any other is left to Marshal itself, so that
// escapes and invalid UTF-8 come out exactly as Marshal writes them.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendFloat writes f as Marshal writes a float64 (ES6 number formatting).
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendAnyMap writes attributes: keys sorted as Marshal sorts them; string,
// float64 and bool values (all that ingest stores) directly, others as
// Marshal writes them.
func appendAnyMap(b []byte, m map[string]any) ([]byte, bool) {
	var buf [16]string
	keys := sortedKeys(buf[:0], m)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		var ok bool
		switch v := m[k].(type) {
		case string:
			b = appendJSONString(b, v)
		case float64:
			if b, ok = appendFloat(b, v); !ok {
				return nil, false
			}
		case bool:
			b = strconv.AppendBool(b, v)
		case nil:
			b = append(b, "null"...)
		default:
			q, err := json.Marshal(v)
			if err != nil {
				return nil, false
			}
			b = append(b, q...)
		}
	}
	return append(b, '}'), true
}

func appendStringMap(b []byte, m map[string]string) []byte {
	var buf [16]string
	b = append(b, '{')
	for i, k := range sortedKeys(buf[:0], m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

// sortedKeys appends m's keys to keys, sorted; a caller's array of 16 holds
// the keys of most maps without an allocation.
func sortedKeys[V any](keys []string, m map[string]V) []string {
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // byte order, as Marshal's strings.Compare
	return keys
}
