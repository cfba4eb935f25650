package eventblock

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

func TestRoundTrip(t *testing.T) {
	for _, level := range []Level{Fast, Compact} {
		c, err := NewCodec(level)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
		events := []event.Event{
			{ID: "a", Tenant: "acme", Kind: event.KindLog, TS: at, ReceivedAt: at.Add(-time.Hour), Service: "svc", Host: "h",
				Attributes: map[string]any{"http.status": 402.0, "$k": "v", "ok": true, "no": false, "neg": -0.5, "big": math.MaxFloat64},
				Log:        &event.Log{Level: event.LevelError, Message: "ÉCOLE\x00 ok", TraceID: "t", SpanID: "s"}},
			{ID: "b", Tenant: "other", Kind: event.KindLog, TS: time.Unix(0, math.MinInt64).UTC(), Service: "",
				Log: &event.Log{Level: "custom"}},
			{ID: "", Tenant: "acme", Kind: event.KindLog, TS: time.Unix(0, math.MaxInt64).UTC(), ReceivedAt: time.Unix(0, math.MinInt64).UTC(),
				Service: "x", Log: &event.Log{}},
		}
		enc, err := c.Encode(events)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, events) {
			t.Errorf("level %d: got\n%+v\nwant\n%+v", level, got, events)
		}
		ids, err := c.IDs(enc.IDs)
		if err != nil || !reflect.DeepEqual(ids, []string{"a", "b", ""}) {
			t.Errorf("IDs = %q, %v", ids, err)
		}
		// Streams cut short are errors, never panics or made-up events.
		raw, _ := c.dec.DecodeAll(enc.Data, nil)
		for n := 0; n < len(raw); n++ {
			cut := Encoded{IDs: enc.IDs, Data: c.enc.EncodeAll(raw[:n], nil)}
			if _, err := c.Decode(cut); err == nil {
				t.Fatalf("data cut at %d of %d: got no error", n, len(raw))
			}
		}
	}
}

func TestRefusesOtherKinds(t *testing.T) {
	c, err := NewCodec(Fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Encode([]event.Event{{ID: "m", Kind: event.KindMetric, Metric: &event.Metric{}}}); err == nil {
		t.Error("metric: got no error")
	}
	if _, err := c.Encode([]event.Event{{ID: "a", Kind: event.KindLog, TS: time.Now(), Log: &event.Log{},
		Attributes: map[string]any{"x": 1}}}); err == nil {
		t.Error("int attribute: got no error")
	}
}
