package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
)

func TestLogHitsAndFieldValues(t *testing.T) { eachStore(t, testLogHitsAndFieldValues) }

func testLogHitsAndFieldValues(t *testing.T, s *server) {
	base := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Minute)
	s.ingest("/ingest/logs", adminKey,
		logLine("h1", "checkout", "error", "payment declined", base.Add(5*time.Second), `{"http.status":402}`),
		logLine("h2", "checkout", "info", "order placed", base.Add(10*time.Second), `{"http.status":200}`),
		logLine("h3", "cart", "error", "timeout", base.Add(70*time.Second), `{"http.status":"402"}`),
		logLine("h4", "cart", "error", "timeout", base.Add(75*time.Second), ""),
	)
	rng := "from=" + url.QueryEscape(base.Format(time.RFC3339)) + "&to=" + url.QueryEscape(base.Add(10*time.Minute).Format(time.RFC3339))
	type hits struct {
		Step    string `json:"step"`
		GroupBy string `json:"group_by"`
		Buckets []struct {
			TS     time.Time        `json:"ts"`
			Total  int64            `json:"total"`
			Groups map[string]int64 `json:"groups"`
		} `json:"buckets"`
	}
	decode := func(r response, v any) {
		t.Helper()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
		if err := json.Unmarshal(r.Body, v); err != nil {
			t.Fatal(err)
		}
	}
	var h hits
	decode(s.get("/api/logs/hits?step=1m&group_by=level&"+rng, adminKey), &h)
	got := fmt.Sprint(h.Step, h.GroupBy)
	for _, b := range h.Buckets {
		got += fmt.Sprintf(" %s:%d:%v", b.TS.Sub(base), b.Total, b.Groups)
	}
	if want := "1mlevel 0s:2:map[error:1 info:1] 1m0s:2:map[error:2]"; got != want {
		t.Errorf("hits by level = %q, want %q", got, want)
	}
	// The listing's filters apply, and the server picks a step when none is given.
	h = hits{}
	decode(s.get("/api/logs/hits?level=error&attr.http.status=402&"+rng, adminKey), &h)
	if h.Step != "5s" || len(h.Buckets) != 2 || h.Buckets[0].Total != 1 || h.Buckets[1].Total != 1 || h.Buckets[0].Groups != nil {
		t.Errorf("filtered hits = %+v", h)
	}
	var v struct {
		Field string `json:"field"`
		Items []struct {
			Value string `json:"value"`
			Count int64  `json:"count"`
		} `json:"items"`
	}
	decode(s.get("/api/logs/fields/attr.http.status/values?"+rng, adminKey), &v)
	if fmt.Sprint(v) != "{attr.http.status [{402 2} {200 1}]}" {
		t.Errorf("attribute values = %v", v)
	}
	v.Items = nil
	decode(s.get("/api/logs/fields/service/values?limit=1&level=error&"+rng, adminKey), &v)
	if fmt.Sprint(v) != "{service [{cart 2}]}" {
		t.Errorf("service values = %v", v)
	}
	for path, status := range map[string]int{
		"/api/logs/hits?step=1s&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z": 400, // 86,400 steps
		"/api/logs/hits?group_by=message":                                          400,
		"/api/logs/fields/message/values":                                          400,
		"/api/security-events/fields/level/values":                                 400,
		"/api/security-events/hits?group_by=level":                                 400,
		"/api/security-events/hits?group_by=category":                              200,
	} {
		if r := s.get(path, adminKey); r.StatusCode != status {
			t.Errorf("%s: %d %s, want %d", path, r.StatusCode, r.Body, status)
		}
	}
	ingestOnly := s.putKey("default", apikey.ScopeIngest)
	if r := s.get("/api/logs/hits", ingestOnly); r.StatusCode != http.StatusForbidden {
		t.Errorf("hits with an ingest key: %d", r.StatusCode)
	}
}

func TestSecurityHitsAndFieldValues(t *testing.T) { eachStore(t, testSecurityHitsAndFieldValues) }

func testSecurityHitsAndFieldValues(t *testing.T, s *server) {
	ts := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Minute)
	s.ingest("/ingest/security-events", adminKey,
		`{"id":"s1","service":"auth","category":"authentication","severity":"low","actor":"alice","ts":"`+ts.Format(time.RFC3339)+`"}`,
		`{"id":"s2","service":"auth","category":"authentication","severity":"high","actor":"mallory","ts":"`+ts.Format(time.RFC3339)+`"}`,
		`{"id":"s3","service":"waf","category":"web_attack","severity":"critical","actor":"mallory","ts":"`+ts.Add(time.Minute).Format(time.RFC3339)+`"}`,
	)
	r := s.get("/api/security-events/hits?step=1m&group_by=severity&min_severity=high", adminKey)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), `"groups":{"high":1}`) || !strings.Contains(string(r.Body), `"groups":{"critical":1}`) {
		t.Errorf("security hits: %d %s", r.StatusCode, r.Body)
	}
	r = s.get("/api/security-events/fields/actor/values", adminKey)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), `"items":[{"count":2,"value":"mallory"},{"count":1,"value":"alice"}]`) {
		t.Errorf("actor values: %d %s", r.StatusCode, r.Body)
	}
}

func TestLogContext(t *testing.T) { eachStore(t, testLogContext) }

func testLogContext(t *testing.T, s *server) {
	base := time.Now().UTC().Add(-30 * time.Minute)
	var lines []string
	for i := range 7 {
		lines = append(lines, logLine(fmt.Sprintf("c%d", i), "checkout", "info", fmt.Sprintf("line %d", i), base.Add(time.Duration(i)*time.Second), ""))
	}
	// Same time as c3, other service: never context.
	lines = append(lines, logLine("x3", "cart", "info", "other service", base.Add(3*time.Second), ""))
	s.ingest("/ingest/logs", adminKey, lines...)
	var c struct {
		Event  struct{ ID string } `json:"event"`
		Before []struct{ ID string }
		After  []struct{ ID string }
	}
	r := s.get("/api/logs/c3/context?before=2&after=10", adminKey)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("context: %d %s", r.StatusCode, r.Body)
	}
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Before, c.Event, c.After); got != "[{c1} {c2}] {c3} [{c4} {c5} {c6}]" {
		t.Errorf("context = %s", got)
	}
	if r := s.get("/api/logs/nope/context", adminKey); r.StatusCode != http.StatusNotFound {
		t.Errorf("context of a missing id: %d", r.StatusCode)
	}
}
