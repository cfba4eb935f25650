package app_test

import (
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/loki/pkg/push"
	"github.com/klauspost/compress/snappy"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
)

// promtailBody is what Promtail and Alloy send: a PushRequest of Loki's own
// types, protobuf, snappy block-compressed.
func promtailBody(t *testing.T, req *push.PushRequest) []byte {
	t.Helper()
	b, err := req.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return snappy.Encode(nil, b)
}

func TestLokiPush(t *testing.T) { eachStore(t, testLokiPush) }

func testLokiPush(t *testing.T, s *server) {
	key := s.putKey("acme", apikey.ScopeIngest, apikey.ScopeRead)
	now := time.Now().Add(-time.Minute).UTC().Truncate(time.Microsecond)
	req := &push.PushRequest{Streams: []push.Stream{
		{Labels: `{job="varlogs", host="web-1", filename="/var/log/app.log", level="warn"}`, Entries: []push.Entry{
			{Timestamp: now, Line: "disk almost full"},
		}},
		{Labels: `{service_name="checkout", env="prod \"eu\""}`, Entries: []push.Entry{
			{Timestamp: now, Line: `ts=2026-12-06 level=error msg="payment declined"`,
				StructuredMetadata: push.LabelsAdapter{{Name: "trace_id", Value: "4bf92f3577b34da6a3ce929d0e0e4736"}, {Name: "order", Value: "A-1"}}},
			{Timestamp: now.Add(time.Millisecond), Line: "GET /healthz 200"},
		}},
	}}
	r := s.post("/loki/api/v1/push", "", "application/x-protobuf", promtailBody(t, req), "Authorization", basic(key), "X-Scope-OrgID", "acme")
	if r.StatusCode != http.StatusNoContent {
		t.Fatalf("protobuf push: %d %s", r.StatusCode, r.Body)
	}
	p := s.logs(key, url.Values{"service": {"varlogs"}})
	if len(p.Items) != 1 {
		t.Fatalf("varlogs: %v", p.Items)
	}
	e := p.Items[0]
	if e["host"] != "web-1" || e["log"].(map[string]any)["level"] != "warn" || e["ts"] != now.Format(time.RFC3339Nano) ||
		e["attributes"].(map[string]any)["filename"] != "/var/log/app.log" {
		t.Errorf("varlogs event %v", e)
	}
	p = s.logs(key, url.Values{"service": {"checkout"}, "level": {"error"}})
	if len(p.Items) != 1 {
		t.Fatalf("checkout errors (level from the logfmt line): %v", p.Items)
	}
	e = p.Items[0]
	if e["log"].(map[string]any)["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || e["attributes"].(map[string]any)["order"] != "A-1" ||
		e["attributes"].(map[string]any)["env"] != `prod "eu"` {
		t.Errorf("checkout event %v", e)
	}
	if p = s.logs(key, url.Values{"service": {"checkout"}, "level": {"info"}}); len(p.Items) != 1 {
		t.Errorf("a line with no level is info: %v", p.Items)
	}

	golden, err := os.ReadFile("../loki/testdata/push_structured_metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	if r := s.post("/loki/api/v1/push", key, "application/json", gz(t, golden), "Content-Encoding", "gzip"); r.StatusCode != http.StatusNoContent {
		t.Fatalf("golden JSON: %d %s", r.StatusCode, r.Body)
	}
	p = s.logs(key, url.Values{"service": {"unknown_service"}, "from": {"2019-10-11T00:00:00Z"}, "to": {"2019-10-12T00:00:00Z"}})
	if len(p.Items) != 1 || p.Items[0]["log"].(map[string]any)["message"] != "fizzbuzz" ||
		p.Items[0]["attributes"].(map[string]any)["user_id"] != "superUser123" || p.Items[0]["attributes"].(map[string]any)["foo"] != "bar2" {
		t.Fatalf("golden entry: %v", p.Items)
	}

	// One bad entry: Loki's answer (400 naming it), the others stored, the rejection counted.
	mixed := `{"streams":[{"stream":{"app":"cart"},"values":[["` + itoa(now.UnixNano()) + `","kept"],["` + itoa(now.UnixNano()) + `",""]]}]}`
	r = s.post("/loki/api/v1/push", key, "application/json", []byte(mixed))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), "empty_line") {
		t.Fatalf("mixed: %d %s", r.StatusCode, r.Body)
	}
	if p = s.logs(key, url.Values{"service": {"cart"}}); len(p.Items) != 1 {
		t.Errorf("cart: %v", p.Items)
	}
	if n := testutil.ToFloat64(s.app.Metrics().ProtocolRejected.WithLabelValues("loki", "empty_line")); n != 1 {
		t.Errorf("rejected counter %v", n)
	}
	for _, c := range []struct {
		name, contentType string
		body              []byte
		headers           []string
		want              int
	}{
		{"not snappy", "application/x-protobuf", []byte("\xff\xff\xff\xff\xff"), nil, http.StatusBadRequest},
		{"snappy, not a PushRequest", "application/x-protobuf", snappy.Encode(nil, []byte("\xff\xff\xff")), nil, http.StatusBadRequest},
		{"bad labels", "application/x-protobuf", promtailBody(t, &push.PushRequest{Streams: []push.Stream{{Labels: `job=x`}}}), nil, http.StatusBadRequest},
		{"JSON without streams", "application/json", []byte(`{}`), nil, http.StatusBadRequest},
		{"a stream without values", "application/json", []byte(`{"streams":[{"stream":{"job":"x"}}]}`), nil, http.StatusBadRequest},
		{"bad JSON timestamp", "application/json", []byte(`{"streams":[{"stream":{},"values":[["yesterday","x"]]}]}`), nil, http.StatusBadRequest},
		{"another tenant", "application/json", golden, []string{"X-Scope-OrgID", "globex"}, http.StatusForbidden},
		{"text", "text/plain", golden, nil, http.StatusUnsupportedMediaType},
	} {
		if r := s.post("/loki/api/v1/push", key, c.contentType, c.body, c.headers...); r.StatusCode != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.StatusCode, c.want, r.Body)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
