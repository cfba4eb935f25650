package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestPrintFormatsEachMessageAndReturnsItsCursor(t *testing.T) {
	var out bytes.Buffer
	cursor := print(&out, []byte(`{"type":"event","channel":"logs","cursor":"17-0","event":{"id":"a","tenant":"t","kind":"log","ts":"2026-11-27T10:00:00Z","received_at":"2026-11-27T10:00:00Z","service":"checkout","log":{"level":"error","message":"payment declined"}}}`), false)
	if cursor != "17-0" || !strings.Contains(out.String(), "ERROR checkout: payment declined") {
		t.Fatalf("cursor %q, line %q", cursor, out.String())
	}
	out.Reset()
	cursor = print(&out, []byte(`{"type":"alert","channel":"alerts","cursor":"18-0","alert":{"rule_name":"errors","state":"firing","severity":"critical","value":12}}`), false)
	if cursor != "18-0" || !strings.Contains(out.String(), "FIRING") || !strings.Contains(out.String(), "errors (value 12)") {
		t.Fatalf("cursor %q, line %q", cursor, out.String())
	}
	out.Reset()
	if c := print(&out, []byte(`{"type":"subscribed","channel":"logs","filters":{}}`), false); c != "" || out.Len() != 0 {
		t.Fatalf("subscribed printed %q, cursor %q", out.String(), c)
	}
	raw := `{"type":"event","cursor":"19-0","event":{}}`
	if c := print(&out, []byte(raw), true); c != "19-0" || strings.TrimSpace(out.String()) != raw {
		t.Fatalf("raw mode printed %q", out.String())
	}
}
