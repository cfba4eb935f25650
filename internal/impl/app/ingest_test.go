package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ids(t testing.TB, r response) []string {
	t.Helper()
	var res struct {
		Accepted   int      `json:"accepted"`
		Duplicates int      `json:"duplicates"`
		IDs        []string `json:"ids"`
	}
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Accepted != len(res.IDs) {
		t.Fatalf("accepted %d but %d ids", res.Accepted, len(res.IDs))
	}
	return res.IDs
}

// streamIDs returns the event ids on a stream, in order.
func (s *server) streamIDs(name string) []string {
	s.t.Helper()
	msgs, err := s.redis.XRange(context.Background(), name, "-", "+").Result()
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		var e event.Event
		if err := json.Unmarshal([]byte(m.Values[stream.FieldEvent].(string)), &e); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, e.ID)
	}
	return out
}

func (s *server) count(tenant string, kind event.Kind) int64 {
	s.t.Helper()
	n, err := s.store().CountEvents(context.Background(), tenant, kind)
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestIngestAcceptsEveryBodyFormat(t *testing.T) { eachStore(t, testIngestAcceptsEveryBodyFormat) }

func testIngestAcceptsEveryBodyFormat(t *testing.T, s *server) {
	one := []byte(`{"service":"checkout","level":"error","message":"payment declined","attrs":{"http.status":402,"order":"A-1"}}`)
	array := []byte(`[{"service":"checkout","message":"a"},{"service":"checkout","message":"b","level":"debug"}]`)
	ndjson := []byte("{\"service\":\"checkout\",\"message\":\"c\"}\n\n{\"service\":\"cart\",\"message\":\"d\"}\n")
	cases := []struct {
		name, contentType string
		body              []byte
		headers           []string
		want              int
	}{
		{"one JSON object", "application/json", one, nil, 1},
		{"JSON array", "application/json; charset=utf-8", array, nil, 2},
		{"NDJSON", "application/x-ndjson", ndjson, nil, 2},
		{"gzip JSON", "application/json", gz(t, array), []string{"Content-Encoding", "gzip"}, 2},
		{"x-gzip NDJSON", "application/x-ndjson", gz(t, ndjson), []string{"Content-Encoding", "x-gzip"}, 2},
	}
	var all []string
	for _, c := range cases {
		r := s.post("/ingest/logs", adminKey, c.contentType, c.body, c.headers...)
		if r.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: status %d: %s", c.name, r.StatusCode, r.Body)
		}
		got := ids(t, r)
		if len(got) != c.want {
			t.Fatalf("%s: %d ids, want %d", c.name, len(got), c.want)
		}
		all = append(all, got...)
	}
	stored, err := s.store().GetEvents(context.Background(), apikey.DefaultTenant, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(all) {
		t.Fatalf("stored %d of %d acknowledged events", len(stored), len(all))
	}
	waitFor(t, "every event on stream:logs", func() bool { return len(s.streamIDs(stream.Logs)) == len(all) })
	if got := s.streamIDs(stream.Logs); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Fatalf("stream order %v, want %v", got, all)
	}
}

func TestIngestNormalizesToTheCanonicalEnvelope(t *testing.T) {
	eachStore(t, testIngestNormalizesToTheCanonicalEnvelope)
}

func testIngestNormalizesToTheCanonicalEnvelope(t *testing.T, s *server) {
	acme := s.putKey("acme", apikey.ScopeIngest)
	before := time.Now().UTC()
	cases := []struct {
		path string
		body string
		kind event.Kind
		want func(t *testing.T, e event.Event)
	}{
		{"/ingest/logs", `{"id":"l-1","service":"api","level":"WARNING","message":"disk at 91%","ts":"2026-11-27T12:00:00.123456789+02:00","host":"web-1","attrs":{"http.status":507,"retry":true},"trace_id":"0123456789abcdef0123456789abcdef"}`,
			event.KindLog, func(t *testing.T, e event.Event) {
				if e.Log.Level != event.LevelWarn || e.TS != time.Date(2026, 11, 27, 10, 0, 0, 123456789, time.UTC) || e.Host != "web-1" ||
					e.Attributes["http.status"] != 507.0 || e.Attributes["retry"] != true || e.Log.TraceID != "0123456789abcdef0123456789abcdef" {
					t.Errorf("log normalized to %+v %+v", e, e.Log)
				}
			}},
		{"/ingest/logs", `{"id":"l-2","service":"api","message":"no level, no ts"}`,
			event.KindLog, func(t *testing.T, e event.Event) {
				if e.Log.Level != event.LevelInfo || e.TS.Before(before) || !e.TS.Equal(e.ReceivedAt) {
					t.Errorf("defaults: level %q ts %v received %v", e.Log.Level, e.TS, e.ReceivedAt)
				}
			}},
		{"/ingest/metrics", `{"id":"m-1","name":"http_requests_total","value":1027,"type":"counter","service":"api","labels":{"code":"200"}}`,
			event.KindMetric, func(t *testing.T, e event.Event) {
				if e.Metric.Name != "http_requests_total" || e.Metric.Value != 1027 || e.Metric.Type != event.MetricCounter || e.Metric.Labels["code"] != "200" {
					t.Errorf("metric normalized to %+v", e.Metric)
				}
			}},
		{"/ingest/security-events", `{"id":"s-1","source":"waf","category":"web_attack","severity":"CRITICAL","src_ip":"2001:db8::1","outcome":"failure"}`,
			event.KindSecurity, func(t *testing.T, e event.Event) {
				if e.Service != "waf" || e.Security.Severity != event.SeverityCritical || e.Security.SrcIP != "2001:db8::1" {
					t.Errorf("security normalized to %+v %+v", e, e.Security)
				}
			}},
		{"/ingest/heartbeats", `{"id":"h-1","service":"api","instance":"api-7f9c"}`,
			event.KindHeartbeat, func(t *testing.T, e event.Event) {
				if e.Heartbeat.Status != event.StatusUp || e.Heartbeat.IntervalSeconds != 30 || e.Heartbeat.Instance != "api-7f9c" {
					t.Errorf("heartbeat normalized to %+v", e.Heartbeat)
				}
			}},
	}
	for _, c := range cases {
		r := s.post(c.path, acme, "application/json", []byte(c.body))
		if r.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: %d %s", c.path, r.StatusCode, r.Body)
		}
		id := ids(t, r)[0]
		got, err := s.store().GetEvents(context.Background(), "acme", []string{id})
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: get %s: %v %v", c.path, id, got, err)
		}
		e := got[0]
		if e.Tenant != "acme" || e.Kind != c.kind || e.ReceivedAt.Location() != time.UTC || e.TS.Location() != time.UTC {
			t.Errorf("%s: envelope %+v", c.path, e)
		}
		c.want(t, e)
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 0 {
		t.Errorf("tenant default got %d logs sent with acme's key", n)
	}
}

func TestIngestRejectsInvalidBatchWhole(t *testing.T) {
	eachStore(t, testIngestRejectsInvalidBatchWhole)
}

func testIngestRejectsInvalidBatchWhole(t *testing.T, s *server) {
	body := `[{"service":"a","message":"fine"},{"service":"a","message":"x","level":"loud"},{"service":"a","tenant":"other"},{"service":"a","message":"y","attrs":{"nested":{"no":1}}}]`
	r := s.post("/ingest/logs", adminKey, "application/json", []byte(body))
	if r.StatusCode != http.StatusBadRequest || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d %s: %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	p := r.json(t)
	detail, _ := p["detail"].(string)
	var fields []string
	for _, e := range p["errors"].([]any) {
		fields = append(fields, e.(map[string]any)["field"].(string))
	}
	for _, want := range []string{"events[1].level", "events[2].message", "events[2].tenant", "events[3].attrs.nested"} {
		if !strings.Contains(strings.Join(fields, " "), want) || !strings.Contains(detail, want) {
			t.Errorf("problem does not name %s: fields %v, detail %q", want, fields, detail)
		}
	}
	if !strings.Contains(detail, "events[1].level: value is not one of the allowed values") {
		t.Errorf("detail %q does not say why events[1].level is wrong", detail)
	}
	if strings.Contains(strings.Join(fields, " "), "events[0]") {
		t.Errorf("valid event reported invalid: %v", fields)
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 0 {
		t.Fatalf("%d events stored from a rejected batch", n)
	}
}

func TestIngestBadBodies(t *testing.T) {
	s := start(t, nil)
	cases := []struct {
		name, contentType, body string
		want                    int
		field                   string
	}{
		{"malformed JSON", "application/json", `{"service":`, 400, ""},
		{"empty array", "application/json", `[]`, 400, ""},
		{"not an object", "application/json", `[42]`, 400, "events[0]"},
		{"malformed NDJSON line", "application/x-ndjson", "{\"service\":\"a\",\"message\":\"b\"}\n{oops\n", 400, "events[1]"},
		{"plain text", "text/plain", `hello`, 415, ""},
		{"no content type", "", `{"service":"a","message":"b"}`, 415, ""},
		{"heartbeat interval too large", "application/json", `{"service":"a","instance":"i","interval_seconds":100000}`, 400, "events[0].interval_seconds"},
		{"bad ip", "application/json", `{"service":"a","category":"c","severity":"low","src_ip":"999.1.1.1"}`, 400, "events[0].src_ip"},
	}
	for _, c := range cases {
		path := "/ingest/logs"
		if strings.Contains(c.name, "heartbeat") {
			path = "/ingest/heartbeats"
		}
		if strings.Contains(c.name, "ip") {
			path = "/ingest/security-events"
		}
		r := s.post(path, adminKey, c.contentType, []byte(c.body))
		if r.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.StatusCode, c.want, r.Body)
			continue
		}
		if c.field != "" && !strings.Contains(string(r.Body), `"field":"`+c.field) {
			t.Errorf("%s: problem does not name %s: %s", c.name, c.field, r.Body)
		}
	}
	r := s.post("/ingest/logs", adminKey, "application/json", []byte(`{}`), "Content-Encoding", "br")
	if r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("Content-Encoding br: status %d", r.StatusCode)
	}
	r = s.post("/ingest/logs", adminKey, "application/json", []byte(`not gzip`), "Content-Encoding", "gzip")
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("broken gzip: status %d", r.StatusCode)
	}
	for _, k := range event.Kinds {
		if n := s.count(apikey.DefaultTenant, k); n != 0 {
			t.Errorf("%d %s events stored from rejected requests", n, k)
		}
	}
}

func TestIngestLimits(t *testing.T) {
	s := start(t, nil)
	line := `{"service":"svc","message":"m"}`
	tooMany := "[" + strings.Repeat(line+",", 10000) + line + "]"
	thousand := "[" + strings.Repeat(line+",", 999) + line + "]"
	big := `{"service":"svc","message":"` + strings.Repeat("x", 5<<20) + `"}`
	bomb := gz(t, []byte(`[`+strings.Repeat(line+",", 200000)+line+`]`)) // small compressed, > 5 MiB decompressed
	if len(bomb) > 1<<20 {
		t.Fatalf("test bomb is %d bytes compressed", len(bomb))
	}
	cases := []struct {
		name    string
		body    []byte
		headers []string
		want    int
	}{
		{"1,000 events", []byte(thousand), nil, http.StatusAccepted},
		{"10,001 events", []byte(tooMany), nil, http.StatusBadRequest},
		{"over 5 MiB", []byte(big), nil, http.StatusRequestEntityTooLarge},
		{"over 5 MiB once decompressed", bomb, []string{"Content-Encoding", "gzip"}, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		r := s.post("/ingest/logs", adminKey, "application/json", c.body, c.headers...)
		if r.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d: %.300s", c.name, r.StatusCode, c.want, r.Body)
		}
	}
	ndjsonMany := strings.Repeat(line+"\n", 10001)
	if r := s.post("/ingest/logs", adminKey, "application/x-ndjson", []byte(ndjsonMany)); r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), `"field":"events"`) {
		t.Errorf("10,001 NDJSON lines: status %d %.300s, want 400 naming events", r.StatusCode, r.Body)
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 1000 {
		t.Errorf("stored %d events, want only the 1,000 of the accepted batch", n)
	}
}

func TestIngestAuth(t *testing.T) {
	s := start(t, nil)
	reader := s.putKey("default", apikey.ScopeRead)
	body := []byte(`{"service":"a","message":"b"}`)
	cases := []struct {
		name, auth string
		want       int
	}{
		{"no key", "", http.StatusUnauthorized},
		{"unknown key", "Bearer lw_nope", http.StatusUnauthorized},
		{"not bearer", "Basic " + adminKey, http.StatusUnauthorized},
		{"read-only key", "Bearer " + reader, http.StatusForbidden},
		{"ingest key", "Bearer " + adminKey, http.StatusAccepted},
	}
	for _, c := range cases {
		r := s.post("/ingest/logs", "", "application/json", body, "Authorization", c.auth)
		if r.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.StatusCode, c.want, r.Body)
		}
		if r.StatusCode >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: content type %q", c.name, r.Header.Get("Content-Type"))
		}
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 1 {
		t.Errorf("stored %d events, want 1", n)
	}
}

func TestIngestRateLimitPerKey(t *testing.T) {
	s := start(t, func(c *config.Config) { c.RateLimit, c.RateBurst = 1, 3 })
	other := s.putKey("default", apikey.ScopeIngest)
	body := []byte(`{"service":"a","message":"b"}`)
	var limited response
	for i := 0; i < 10; i++ {
		r := s.post("/ingest/logs", adminKey, "application/json", body)
		if r.StatusCode == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.StatusCode != http.StatusAccepted {
			t.Fatalf("request %d: status %d", i, r.StatusCode)
		}
	}
	if limited.Response == nil {
		t.Fatal("10 requests at once never hit a limit of 1/s with burst 3")
	}
	if ra := limited.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("429 without a useful Retry-After: %q", ra)
	}
	// The limit is the key's, across surfaces: the query API shares the counter.
	if r := s.get("/api/logs", adminKey); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("query API with the exhausted key: %d", r.StatusCode)
	}
	if r := s.post("/ingest/logs", other, "application/json", body); r.StatusCode != http.StatusAccepted {
		t.Errorf("another key was limited too: %d", r.StatusCode)
	}
}

func TestIngestRetriesAreIdempotent(t *testing.T) { eachStore(t, testIngestRetriesAreIdempotent) }

func testIngestRetriesAreIdempotent(t *testing.T, s *server) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "{\"id\":\"agent-1-%d\",\"service\":\"a\",\"message\":\"m%d\"}\n", i, i)
	}
	// A repeat inside one batch is a duplicate too.
	b.WriteString("{\"id\":\"agent-1-0\",\"service\":\"a\",\"message\":\"m0\"}\n")
	for attempt := range 3 {
		r := s.post("/ingest/logs", adminKey, "application/x-ndjson", []byte(b.String()))
		if r.StatusCode != http.StatusAccepted {
			t.Fatalf("attempt %d: %d %s", attempt, r.StatusCode, r.Body)
		}
		wantDups := 1.0
		if attempt > 0 {
			wantDups = 51
		}
		if got := r.json(t)["duplicates"]; got != wantDups {
			t.Errorf("attempt %d: duplicates %v, want %v", attempt, got, wantDups)
		}
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 50 {
		t.Fatalf("stored %d events after 3 sends of 50, want 50", n)
	}
	// The same id in another tenant is another event.
	acme := s.putKey("acme", apikey.ScopeIngest)
	if r := s.post("/ingest/logs", acme, "application/json", []byte(`{"id":"agent-1-0","service":"a","message":"m"}`)); r.json(t)["duplicates"] != 0.0 {
		t.Errorf("id of tenant default counted as a duplicate in tenant acme: %s", r.Body)
	}
	waitFor(t, "50 events on the stream", func() bool { return len(s.streamIDs(stream.Logs)) >= 51 })
	if got := len(s.streamIDs(stream.Logs)); got != 51 {
		t.Errorf("stream has %d entries; duplicates were published again", got)
	}
}

func TestIngestPublishesEachKindToItsStream(t *testing.T) {
	eachStore(t, testIngestPublishesEachKindToItsStream)
}

func testIngestPublishesEachKindToItsStream(t *testing.T, s *server) {
	bodies := map[string]string{
		"/ingest/logs":            `{"service":"a","message":"m"}`,
		"/ingest/metrics":         `{"service":"a","name":"up","value":1}`,
		"/ingest/security-events": `{"service":"a","category":"auth","severity":"low"}`,
		"/ingest/heartbeats":      `{"service":"a","instance":"a-1"}`,
	}
	want := map[string]string{}
	for path, body := range bodies {
		r := s.post(path, adminKey, "application/json", []byte(body))
		if r.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Body)
		}
		want[path] = ids(t, r)[0]
	}
	streams := map[string]string{"/ingest/logs": stream.Logs, "/ingest/metrics": stream.Metrics, "/ingest/security-events": stream.Security, "/ingest/heartbeats": stream.Heartbeats}
	for path, name := range streams {
		waitFor(t, name, func() bool { return len(s.streamIDs(name)) > 0 })
		if got := s.streamIDs(name); len(got) != 1 || got[0] != want[path] {
			t.Errorf("%s holds %v, want [%s]", name, got, want[path])
		}
	}
}

func TestIngestSurvivesRedisOutage(t *testing.T) {
	s := start(t, nil)
	if err := s.redis.Shutdown(context.Background()).Err(); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("shutdown: %v", err)
	}
	r := s.post("/ingest/logs", adminKey, "application/json", []byte(`{"service":"a","message":"stored without redis"}`))
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("status %d with redis down: %s", r.StatusCode, r.Body)
	}
	if n := s.count(apikey.DefaultTenant, event.KindLog); n != 1 {
		t.Fatalf("stored %d events", n)
	}
	waitFor(t, "the failed publish to be counted", func() bool {
		return testutil.ToFloat64(s.app.Metrics().StreamPublishErrors) == 1
	})
}
