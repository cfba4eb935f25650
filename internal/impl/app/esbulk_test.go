package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFilebeatStartupAndBulk replays the calls Filebeat's Elasticsearch
// output makes (its documentation: connect and read the version, check the
// license, set up the ILM policy and index template unless disabled, then
// bulk with create actions) and reads the events back.
func TestFilebeatStartupAndBulk(t *testing.T) {
	s := start(t, nil)
	auth := []string{"Authorization", basic(adminKey)}
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, "/es/", ""},
		{http.MethodHead, "/es/", ""},
		{http.MethodGet, "/es/_license?human=false", ""},
		{http.MethodGet, "/es/_ilm/policy/filebeat", ""},
		{http.MethodPut, "/es/_ilm/policy/filebeat", `{"policy":{"phases":{"hot":{"actions":{"rollover":{"max_age":"30d"}}}}}}`},
		{http.MethodHead, "/es/_index_template/filebeat-8.17.0", ""},
		{http.MethodPut, "/es/_index_template/filebeat-8.17.0", `{"index_patterns":["filebeat-8.17.0"],"data_stream":{}}`},
		{http.MethodGet, "/es/_index_template/filebeat-8.17.0", ""},
	} {
		req, _ := http.NewRequest(c.method, s.URL+c.path, strings.NewReader(c.body))
		req.Header.Set(auth[0], auth[1])
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		r := s.do(req)
		if r.StatusCode != http.StatusOK || r.Header.Get("X-Elastic-Product") != "Elasticsearch" {
			t.Errorf("%s %s: %d %q %s", c.method, c.path, r.StatusCode, r.Header.Get("X-Elastic-Product"), r.Body)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/es/_ilm/policy/filebeat", strings.NewReader(`[1]`))
	req.Header.Set(auth[0], auth[1])
	req.Header.Set("Content-Type", "application/json")
	if r := s.do(req); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a set-up call with a body that is not an object: %d", r.StatusCode)
	}
	bulk := `{"create":{"_index":"filebeat-8.17.0"}}
{"@timestamp":"2026-12-06T03:00:00.000Z","message":"2026-12-06 03:00:00 ERROR payment declined","log":{"file":{"path":"/var/log/app.log"},"offset":42},"input":{"type":"filestream"},"host":{"name":"web-1"},"agent":{"type":"filebeat","version":"8.17.0"},"ecs":{"version":"8.0.0"}}
{"create":{"_index":"filebeat-8.17.0"}}
{"@timestamp":"2026-12-06T03:00:01.000Z","log":{"offset":99}}
{"delete":{"_index":"filebeat-8.17.0","_id":"x"}}
`
	r := s.post("/es/_bulk?_ignore_fields=agent,ecs", "", "application/x-ndjson", []byte(bulk), auth...)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("bulk: %d %s", r.StatusCode, r.Body)
	}
	res := r.json(t)
	items := res["items"].([]any)
	status := func(i int, action string) float64 {
		return items[i].(map[string]any)[action].(map[string]any)["status"].(float64)
	}
	if res["errors"] != true || len(items) != 3 || status(0, "create") != 201 || status(1, "create") != 400 || status(2, "delete") != 400 {
		t.Fatalf("bulk answer %s", r.Body)
	}
	// The index names the service of documents naming none.
	p := s.logs(adminKey, url.Values{"service": {"filebeat-8.17.0"}, "from": {"2026-12-06T02:00:00Z"}, "to": {"2026-12-06T04:00:00Z"}})
	if len(p.Items) != 1 {
		t.Fatalf("events %v; all: %s", p.Items, s.get("/api/logs?from=2026-12-06T02:00:00Z&to=2026-12-06T05:00:00Z", adminKey).Body)
	}
	e := p.Items[0]
	a := e["attributes"].(map[string]any)
	if e["host"] != "web-1" || e["log"].(map[string]any)["level"] != "error" || a["log.file.path"] != "/var/log/app.log" || a["agent.type"] != nil || a["log.offset"] != 42.0 {
		t.Errorf("event %v", e)
	}
	// Per-request mapping: another message and service field, into an index path.
	r = s.post("/es/legacy/_bulk?_msg_field=text&_service_field=svc", adminKey, "application/json",
		[]byte("{\"index\":{}}\n{\"text\":\"hello\",\"svc\":\"legacy-app\",\"@timestamp\":1733454000000}\n"))
	if r.StatusCode != http.StatusOK || r.json(t)["errors"] != false {
		t.Fatalf("mapped bulk: %d %s", r.StatusCode, r.Body)
	}
	if p := s.logs(adminKey, url.Values{"service": {"legacy-app"}, "from": {"2024-12-06T00:00:00Z"}, "to": {"2024-12-07T00:00:00Z"}}); len(p.Items) != 1 {
		t.Errorf("legacy-app: %v", p.Items)
	}
	if r := s.post("/es/_bulk", adminKey, "application/x-ndjson", []byte("not json\n{}\n")); r.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed action line: %d %s", r.StatusCode, r.Body)
	}
}
