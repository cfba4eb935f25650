package stream

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// Strings that exercise every escaping rule of encoding/json.
var awkwardStrings = []string{
	"", "plain", "with space", `quote"`, `back\slash`, "<b>&amp;</b>", "tab\there", "nl\n", "cr\r",
	"\b\f", "\x00\x01\x1f", "\x7f", "é", "日本", "😀", "\u2028\u2029", "\xff\xfe", "a\xc3", "\xed\xa0\x80",
	"http.status", "/api/v1/orders?id=1&x=2", "a<b", "x>y", "p&q", "~^`{}|",
}

var awkwardFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 200, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, 1.5e300, -2.5e-300,
	math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789.123456789, 1.0 / 3}

// fill sets every field of v, recursively, to random values from the lists
// above, so that a field added to event.Event is exercised without this
// test knowing it.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(awkwardStrings[r.IntN(len(awkwardStrings))])
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(1<<40) - 1<<39)
	case reflect.Float64:
		v.SetFloat(awkwardFloats[r.IntN(len(awkwardFloats))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(r, v.Elem())
	case reflect.Map:
		if r.IntN(4) == 0 {
			v.SetZero()
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(5) {
			k := reflect.New(v.Type().Key()).Elem()
			fill(r, k)
			e := reflect.New(v.Type().Elem()).Elem()
			if e.Kind() == reflect.Interface {
				if a := randomAttribute(r); a != nil {
					e.Set(reflect.ValueOf(a))
				}
			} else {
				fill(r, e)
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			locs := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -7*3600)}
			t := time.Unix(r.Int64N(4e9)-1e9, r.Int64N(1e9)).In(locs[r.IntN(len(locs))])
			if r.IntN(3) == 0 {
				t = t.Truncate(time.Second)
			}
			v.Set(reflect.ValueOf(t))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i))
			}
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

func randomAttribute(r *rand.Rand) any {
	switch r.IntN(7) {
	case 0:
		return awkwardStrings[r.IntN(len(awkwardStrings))]
	case 1:
		return awkwardFloats[r.IntN(len(awkwardFloats))]
	case 2:
		return r.IntN(2) == 0
	case 3:
		return nil
	case 4:
		return []any{"a", 1.0, map[string]any{"<k>": "v"}}
	case 5:
		return int64(r.IntN(1000)) // not from JSON, but Attributes is a map[string]any
	default:
		return map[string]any{"nested": awkwardStrings[r.IntN(len(awkwardStrings))]}
	}
}

func TestAppendEventMatchesMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var e event.Event
		fill(r, reflect.ValueOf(&e).Elem())
		want, wantErr := json.Marshal(&e)
		got, ok := appendEvent([]byte("prefix"), &e)
		if !ok {
			if wantErr == nil {
				t.Fatalf("event %d: appendEvent gave up on an event Marshal encodes: %s", i, want)
			}
			continue
		}
		if wantErr != nil {
			t.Fatalf("event %d: appendEvent encoded an event Marshal rejects (%v): %s", i, wantErr, got)
		}
		if !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("event %d:\nappendEvent %s\nMarshal     %s", i, got[len("prefix"):], want)
		}
	}
}

func TestAppendEventGivesUpWhereMarshalFails(t *testing.T) {
	bad := []event.Event{
		{TS: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Metric: &event.Metric{Value: math.NaN()}},
		{Attributes: map[string]any{"x": math.Inf(1)}},
		{Attributes: map[string]any{"ch": make(chan int)}},
	}
	for i, e := range bad {
		if _, err := json.Marshal(&e); err == nil {
			t.Fatalf("case %d: Marshal accepts it; the case is wrong", i)
		}
		if _, ok := appendEvent(nil, &e); ok {
			t.Errorf("case %d: appendEvent encoded an event Marshal rejects", i)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	events := make([]event.Event, 500)
	for i := range events {
		events[i] = event.Event{
			ID: "ld0a1b2c3d-0001-000000001234", Tenant: "default", Kind: event.KindLog,
			TS: time.Now().UTC(), ReceivedAt: time.Now().UTC(), Service: "checkout", Host: "checkout-3",
			Attributes: map[string]any{"http.status": 200.0, "http.method": "GET", "user_id": "u-01234"},
			Log:        &event.Log{Level: event.LevelInfo, Message: "GET /api/v1/orders/4711: request completed in 12 ms"},
		}
	}
	p := New(nil, 100000)
	b.Run("appendEvent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.encode(events); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range events {
				if _, err := json.Marshal(&events[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
