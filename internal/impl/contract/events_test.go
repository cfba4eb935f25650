package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/contract"
)

func logSchema(tb testing.TB) *contract.EventSchema {
	tb.Helper()
	doc, err := ingestapi.GetSpec()
	if err != nil {
		tb.Fatal(err)
	}
	spec, err := contract.New(doc)
	if err != nil {
		tb.Fatal(err)
	}
	es, err := spec.EventSchema("LogEvent")
	if err != nil {
		tb.Fatal(err)
	}
	return es
}

const typicalLog = `{"id":"ld0a1b2c3d-0001-000000001234","service":"checkout","level":"info","message":"GET /api/v1/orders/4711: request completed in 12 ms","ts":"2026-11-27T10:00:00.123456789Z","host":"checkout-3","attrs":{"http.status":200,"http.method":"GET","user_id":"u-01234"}}`

func BenchmarkValidateLog(b *testing.B) {
	es := logSchema(b)
	var v any
	if err := json.Unmarshal([]byte(typicalLog), &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !es.Valid(v) {
			b.Fatal(es.Validate("events[0]", v))
		}
	}
}

func BenchmarkValidateLogFull(b *testing.B) {
	es := logSchema(b)
	var v any
	if err := json.Unmarshal([]byte(typicalLog), &v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := es.Validate("events[0]", v); errs != nil {
			b.Fatal(errs)
		}
	}
}
