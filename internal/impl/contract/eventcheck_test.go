package contract

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
)

// The event schemas, each with a valid event of it.
var checkedSchemas = map[string]string{
	"LogEvent":      `{"id":"ld-0001-000000000001","service":"checkout","level":"info","message":"GET /api/v1/orders/4711: request completed in 12 ms","ts":"2026-11-27T10:00:00.123456789Z","host":"checkout-3","attrs":{"http.status":200,"http.method":"GET","cached":true},"trace_id":"0123456789abcdef0123456789ABCDEF","span_id":"0123456789abcdef"}`,
	"MetricSample":  `{"id":"m-1","name":"http_requests_total","value":1027,"type":"counter","service":"checkout","host":"web-1","labels":{"code":"200"},"ts":"2026-11-27T10:00:00+02:00"}`,
	"SecurityEvent": `{"id":"s-1","service":"auth","source":"waf","category":"authentication","severity":"high","action":"login","outcome":"failure","actor":"alice","src_ip":"203.0.113.7","message":"bad password","host":"h","attrs":{"n":1},"ts":"2026-11-27T10:00:00Z"}`,
	"Heartbeat":     `{"id":"h-1","service":"checkout","instance":"checkout-1","status":"up","interval_seconds":30,"host":"h","ts":"2026-11-27T10:00:00Z"}`,
}

func eventSchemas(t testing.TB) map[string]*EventSchema {
	t.Helper()
	doc, err := ingestapi.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	spec, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*EventSchema{}
	for name := range checkedSchemas {
		if out[name], err = spec.EventSchema(name); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func decode(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// The speed-up must not vanish unnoticed when a schema changes.
func TestEventSchemasHaveFastChecks(t *testing.T) {
	for name, es := range eventSchemas(t) {
		if es.fast == nil {
			t.Errorf("%s: no fast check; compileCheck refuses it", name)
			continue
		}
		if !es.fast.accept(decode(t, checkedSchemas[name])) {
			t.Errorf("%s: the fast check rejects a valid event", name)
		}
	}
}

// candidates are values to put in every field of a valid event: each kind of
// JSON value, lengths around the schemas' limits, strings that patterns,
// formats and enums turn on.
func candidates() []string {
	long := func(n int) string { return `"` + strings.Repeat("a", n) + `"` }
	out := []string{
		`null`, `true`, `false`, `0`, `-1`, `1`, `1.5`, `30`, `86400`, `86401`, `0.5`, `1e300`, `-1e-300`, `1e21`,
		`""`, `"x"`, `"a b"`, `" "`, `"\t"`, `"é"`, `"😀"`, `"\ud83d\ude00"`, `"\u2028"`, `"a\u0000b"`,
		`"info"`, `"INFO"`, `"Info"`, `"warning"`, `"loud"`, `"fatal"`, `"critical"`, `"low"`, `"up"`, `"down"`,
		`"degraded"`, `"gauge"`, `"counter"`, `"success"`, `"unknown"`,
		`"2026-11-27T10:00:00Z"`, `"2026-11-27T10:00:00.5+05:30"`, `"2026-02-30T10:00:00Z"`, `"2026-13-01T00:00:00Z"`,
		`"2026-11-27 10:00:00"`, `"2026-11-27T24:00:00Z"`, `"2026-11-27T10:00:60Z"`, `"2026-11-27T10:00:00+24:00"`,
		`"203.0.113.7"`, `"::1"`, `"2001:db8::1"`, `"256.1.1.1"`, `"1.2.3"`, `"fe80::1%eth0"`,
		`"0123456789abcdef0123456789abcdef"`, `"0123456789abcdef"`, `"0123456789abcdeg"`,
		`"http_requests_total"`, `"9bad"`, `"a.b:c"`, `"ld-0001:x.y_z"`, `"a/b"`,
		`[]`, `[1]`, `["a"]`, `{}`, `{"a":1}`, `{"a":"b"}`, `{"a":{"b":1}}`, `{"a":[1]}`, `{"a":null}`,
		`{"http.status":200,"ok":true,"s":"x"}`,
		long(45), long(46), long(64), long(65), long(128), long(129), long(255), long(256), long(257),
		long(2048), long(2049),
	}
	obj := func(n int, val string) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"k` + strings.Repeat("x", i) + `":` + val)
		}
		b.WriteByte('}')
		return b.String()
	}
	return append(out, obj(32, `"v"`), obj(33, `"v"`), obj(64, `1`), obj(65, `1`), obj(2, long(2049)), obj(2, long(257)))
}

// corpus returns, for a valid event, the event and its mutations: each field
// (and an unknown one) removed or set to each candidate.
func corpus(t testing.TB, valid string) []any {
	base := decode(t, valid).(map[string]any)
	out := []any{base, nil, "x", 1.0, true, []any{base}}
	keys := append(sortedKeys(base), "unknown", "attrs", "labels", "level", "trace_id", "span_id", "interval_seconds")
	for _, k := range keys {
		m := maps.Clone(base)
		delete(m, k)
		out = append(out, m)
		for _, c := range candidates() {
			m := maps.Clone(base)
			m[k] = decode(t, c)
			out = append(out, m)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// verdicts asks the fast check and kin-openapi (fail-fast, and full) about v.
func verdicts(es *EventSchema, v any) (fast, quick, full bool) {
	fast = es.fast != nil && es.fast.accept(v)
	quick = es.schema.VisitJSON(v, es.quick...) == nil
	full = es.Validate("x", v) == nil
	return
}

func TestCheckNeverAcceptsWhatKinOpenAPIRejects(t *testing.T) {
	for name, es := range eventSchemas(t) {
		accepted, rejected := 0, 0
		for _, v := range corpus(t, checkedSchemas[name]) {
			fast, quick, full := verdicts(es, v)
			if quick != full {
				b, _ := json.Marshal(v)
				t.Errorf("%s: kin-openapi fail-fast says %v, in full %v: %s", name, quick, full, b)
			}
			if fast && !full {
				b, _ := json.Marshal(v)
				t.Errorf("%s: the fast check accepts what kin-openapi rejects: %s", name, b)
			}
			if fast != full {
				rejected++
			} else if fast {
				accepted++
			}
			if es.Valid(v) != full {
				b, _ := json.Marshal(v)
				t.Errorf("%s: Valid = %v, Validate says %v: %s", name, !full, full, b)
			}
		}
		// Mostly the fast check must decide alone, or it speeds nothing up.
		if rejected > accepted/20 {
			t.Errorf("%s: the fast check left %d valid values to kin-openapi, decided %d itself", name, rejected, accepted)
		}
		t.Logf("%s: fast check accepted %d valid values, left %d to kin-openapi", name, accepted, rejected)
	}
}

func FuzzCheck(f *testing.F) {
	for _, valid := range checkedSchemas {
		f.Add(valid)
	}
	for _, c := range candidates() {
		f.Add(c)
	}
	schemas := eventSchemas(f)
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		for name, es := range schemas {
			if fast, _, full := verdicts(es, v); fast && !full {
				t.Errorf("%s: the fast check accepts what kin-openapi rejects: %s", name, doc)
			}
		}
	})
}
