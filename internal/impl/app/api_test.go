package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// page is a decoded list answer.
type page struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

func (r response) page(t testing.TB) page {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	var p page
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func itemIDs(p page) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it["id"].(string))
	}
	return out
}

// ingestNDJSON posts lines to path and fails unless all are accepted.
func (s *server) ingest(path, key string, lines ...string) {
	s.t.Helper()
	r := s.post(path, key, "application/x-ndjson", []byte(strings.Join(lines, "\n")))
	if r.StatusCode != http.StatusAccepted {
		s.t.Fatalf("ingest %s: %d %s", path, r.StatusCode, r.Body)
	}
}

func logLine(id, service, level, msg string, ts time.Time, attrs string) string {
	if attrs == "" {
		attrs = "{}"
	}
	return fmt.Sprintf(`{"id":%q,"service":%q,"level":%q,"message":%q,"ts":%q,"host":"h-%s","attrs":%s}`,
		id, service, level, msg, ts.Format(time.RFC3339Nano), service, attrs)
}

// walk follows next_cursor from path to the last page and returns every id.
func (s *server) walk(path, key string) []string {
	s.t.Helper()
	var ids []string
	p := s.get(path, key).page(s.t)
	ids = append(ids, itemIDs(p)...)
	for i := 0; p.NextCursor != ""; i++ {
		if i > 1000 {
			s.t.Fatal("more than 1000 pages")
		}
		sep := "&"
		if !strings.Contains(path, "?") {
			sep = "?"
		}
		p = s.get(path+sep+"cursor="+url.QueryEscape(p.NextCursor), key).page(s.t)
		ids = append(ids, itemIDs(p)...)
	}
	return ids
}

func TestQueryLogs(t *testing.T) { eachStore(t, testQueryLogs) }

func testQueryLogs(t *testing.T, s *server) {
	base := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second)
	s.ingest("/ingest/logs", adminKey,
		logLine("l1", "checkout", "error", "payment declined", base, `{"http.status":402,"order":"A-1"}`),
		logLine("l2", "checkout", "info", "order placed", base.Add(time.Second), `{"http.status":200}`),
		logLine("l3", "cart", "error", "Payment provider timeout", base.Add(2*time.Second), `{"retry":true}`),
		logLine("l4", "cart", "warn", "slow 100%_done", base.Add(3*time.Second), ""),
		logLine("old", "cart", "error", "two hours ago", base.Add(-2*time.Hour), ""),
	)
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"l4", "l3", "l2", "l1"}},
		{"order=asc", []string{"l1", "l2", "l3", "l4"}},
		{"service=checkout", []string{"l2", "l1"}},
		{"service=checkout&service=cart&level=error", []string{"l3", "l1"}},
		{"level=error&level=warn", []string{"l4", "l3", "l1"}},
		{"host=h-cart", []string{"l4", "l3"}},
		{"q=PAYMENT", []string{"l3", "l1"}},
		{"q=100%25_", []string{"l4"}},
		{"q=00%25", []string{"l4"}},
		{"attr=http.status=402", []string{"l1"}},
		{"attr.http.status=200", []string{"l2"}},
		{"attr.retry=true", []string{"l3"}},
		{"attr.order=A-1&attr.http.status=402", []string{"l1"}},
		{"attr.order=A-2", nil},
		{"from=" + url.QueryEscape(base.Add(-3*time.Hour).Format(time.RFC3339)) + "&level=error", []string{"l3", "l1", "old"}},
		{"from=" + url.QueryEscape(base.Add(time.Second).Format(time.RFC3339)) + "&to=" + url.QueryEscape(base.Add(3*time.Second).Format(time.RFC3339)), []string{"l3", "l2"}},
	}
	for _, c := range cases {
		got := itemIDs(s.get("/api/logs?"+c.query, adminKey).page(t))
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("/api/logs?%s = %v, want %v", c.query, got, c.want)
		}
	}
	// Every page of two, in order, ends with the last.
	if got := s.walk("/api/logs?limit=2", adminKey); strings.Join(got, ",") != "l4,l3,l2,l1" {
		t.Errorf("paged walk = %v", got)
	}
	first := s.get("/api/logs?limit=1", adminKey).page(t)
	if first.Items[0]["kind"] != "log" || first.Items[0]["log"].(map[string]any)["level"] != "warn" || first.Items[0]["tenant"] != "default" {
		t.Errorf("item is not the canonical envelope: %v", first.Items[0])
	}
}

func TestPaginationIsStableUnderConcurrentIngest(t *testing.T) {
	s := start(t, nil)
	base := time.Now().UTC().Add(-20 * time.Minute)
	var lines []string
	var want []string
	for i := range 120 {
		id := fmt.Sprintf("p%03d", i)
		want = append(want, id)
		// Every three events share a timestamp, so the id tiebreak is exercised.
		lines = append(lines, logLine(id, "svc", "info", "m", base.Add(time.Duration(i/3)*time.Second), ""))
	}
	s.ingest("/ingest/logs", adminKey, lines...)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // new events keep arriving, some inside the range being paged
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			ts := base.Add(time.Duration(i%40) * time.Second)
			r := s.post("/ingest/logs", adminKey, "application/json", []byte(logLine(fmt.Sprintf("new-%d", i), "svc", "info", "m", ts, "")))
			if r.StatusCode != http.StatusAccepted {
				t.Errorf("concurrent ingest: %d", r.StatusCode)
				return
			}
		}
	})
	for _, order := range []string{"desc", "asc"} {
		got := s.walk("/api/logs?service=svc&limit=7&order="+order, adminKey)
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Fatalf("%s: %s returned twice", order, id)
			}
			seen[id] = true
		}
		for _, id := range want {
			if !seen[id] {
				t.Fatalf("%s: %s, stored before paging began, was skipped", order, id)
			}
		}
	}
	close(stop)
	wg.Wait()
}

func TestQuerySecurityEvents(t *testing.T) { eachStore(t, testQuerySecurityEvents) }

func testQuerySecurityEvents(t *testing.T, s *server) {
	ts := time.Now().UTC().Add(-10 * time.Minute).Format(time.RFC3339)
	s.ingest("/ingest/security-events", adminKey,
		`{"id":"s1","service":"auth","category":"authentication","severity":"low","outcome":"success","actor":"alice","src_ip":"203.0.113.7","ts":"`+ts+`"}`,
		`{"id":"s2","service":"auth","category":"authentication","severity":"high","outcome":"failure","actor":"mallory","src_ip":"198.51.100.4","ts":"`+ts+`","message":"5 failed logins"}`,
		`{"id":"s3","source":"waf","category":"web_attack","severity":"critical","src_ip":"198.51.100.4","ts":"`+ts+`"}`,
	)
	cases := []struct {
		query string
		want  []string
	}{
		{"min_severity=high", []string{"s2", "s3"}},
		{"severity=low&severity=critical", []string{"s1", "s3"}},
		{"category=authentication", []string{"s1", "s2"}},
		{"src_ip=198.51.100.4", []string{"s2", "s3"}},
		{"actor=mallory", []string{"s2"}},
		{"outcome=failure", []string{"s2"}},
		{"service=waf", []string{"s3"}},
		{"q=failed", []string{"s2"}},
	}
	for _, c := range cases {
		got := itemIDs(s.get("/api/security-events?"+c.query, adminKey).page(t))
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("/api/security-events?%s = %v, want %v", c.query, got, c.want)
		}
	}
}

func TestQueryMetrics(t *testing.T) { eachStore(t, testQueryMetrics) }

func testQueryMetrics(t *testing.T, s *server) {
	minute := time.Now().UTC().Truncate(time.Minute).Add(-10 * time.Minute)
	var lines []string
	for i, v := range []float64{1, 5, 3, 7} { // two per minute: minute 0 gets 1 and 5, minute 1 gets 3 and 7
		ts := minute.Add(time.Duration(i/2)*time.Minute + time.Duration(i%2)*20*time.Second)
		lines = append(lines, fmt.Sprintf(`{"id":"m%d","name":"latency_ms","value":%v,"service":"api","labels":{"route":"/pay","code":"200"},"ts":%q}`, i, v, ts.Format(time.RFC3339)))
	}
	lines = append(lines, fmt.Sprintf(`{"id":"other","name":"latency_ms","value":100,"service":"api","labels":{"route":"/cart"},"ts":%q}`, minute.Format(time.RFC3339)))
	s.ingest("/ingest/metrics", adminKey, lines...)
	s.ingest("/ingest/metrics", adminKey, lines[0]) // a retry must not count twice

	type point struct {
		Count              int64
		Sum, Min, Max, Avg float64
		TS                 time.Time `json:"ts"`
	}
	var res struct {
		Step   string
		Series []struct {
			Service string
			Labels  map[string]string
			Points  []point
		}
	}
	get := func(q string) {
		t.Helper()
		r := s.get("/api/metrics?name=latency_ms&"+q, adminKey)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", q, r.StatusCode, r.Body)
		}
		res.Series = nil
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
	}
	get("label.route=/pay&step=1m")
	if len(res.Series) != 1 || len(res.Series[0].Points) != 2 {
		t.Fatalf("1m series: %+v", res.Series)
	}
	p0, p1 := res.Series[0].Points[0], res.Series[0].Points[1]
	if p0.Count != 2 || p0.Sum != 6 || p0.Min != 1 || p0.Max != 5 || p0.Avg != 3 || !p0.TS.Equal(minute) || p1.Count != 2 || p1.Max != 7 {
		t.Errorf("1m points %+v %+v", p0, p1)
	}
	get("label=route=/pay&step=5m")
	if n := len(res.Series[0].Points); n == 0 || n > 2 {
		t.Fatalf("5m points: %+v", res.Series[0].Points)
	}
	var total int64
	for _, p := range res.Series[0].Points {
		total += p.Count
	}
	if total != 4 {
		t.Errorf("5m steps count %d samples, want 4", total)
	}
	get("label.route=/pay&step=10s")
	if len(res.Series[0].Points) != 4 || res.Series[0].Points[1].Sum != 5 {
		t.Errorf("10s points from raw samples: %+v", res.Series[0].Points)
	}
	get("step=1m")
	if len(res.Series) != 2 {
		t.Errorf("without a label filter: %d series, want 2", len(res.Series))
	}

	r := s.get("/api/metrics/names", adminKey)
	var names page
	_ = json.Unmarshal(r.Body, &names)
	if len(names.Items) != 1 || names.Items[0]["name"] != "latency_ms" || fmt.Sprint(names.Items[0]["label_keys"]) != "[code route]" {
		t.Errorf("names: %s", r.Body)
	}
}

func TestServiceRegistry(t *testing.T) { eachStore(t, testServiceRegistry) }

func testServiceRegistry(t *testing.T, s *server) {
	now := time.Now().UTC()
	s.ingest("/ingest/heartbeats", adminKey,
		fmt.Sprintf(`{"service":"fresh","instance":"f-1","interval_seconds":60,"ts":%q}`, now.Add(-10*time.Second).Format(time.RFC3339)),
		fmt.Sprintf(`{"service":"sick","instance":"s-1","status":"degraded","interval_seconds":60,"ts":%q}`, now.Add(-10*time.Second).Format(time.RFC3339)),
		fmt.Sprintf(`{"service":"late","instance":"l-1","interval_seconds":30,"ts":%q}`, now.Add(-45*time.Second).Format(time.RFC3339)),
		fmt.Sprintf(`{"service":"gone","instance":"g-1","interval_seconds":10,"ts":%q}`, now.Add(-5*time.Minute).Format(time.RFC3339)),
	)
	s.ingest("/ingest/logs", adminKey, logLine("x", "silent", "info", "no heartbeats", now, ""))
	r := s.get("/api/services", adminKey)
	var res page
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range res.Items {
		got[it["name"].(string)] = it["state"].(string)
	}
	want := map[string]string{"fresh": "up", "sick": "degraded", "late": "late", "gone": "down", "silent": "unknown"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("states %v, want %v", got, want)
	}
}

func TestAlertRulesCRUD(t *testing.T) { eachStore(t, testAlertRulesCRUD) }

func testAlertRulesCRUD(t *testing.T, s *server) {
	rule := map[string]any{
		"name": "checkout errors", "kind": "log_count", "filter": map[string]any{"service": "checkout", "level": []string{"error"}},
		"window": "5m", "threshold": 10, "for": "1m", "severity": "critical", "labels": map[string]string{"team": "payments"},
		"notify": []map[string]string{{"type": "webhook", "url": "https://hooks.example.com/x", "secret": "s3cr3t-value"}},
	}
	r := s.send(http.MethodPost, "/api/alert-rules", adminKey, rule)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	created := r.json(t)
	id := created["id"].(string)
	if r.Header.Get("Location") != "/api/alert-rules/"+id || created["op"] != "gt" || created["enabled"] != true {
		t.Errorf("create answer: Location %q, %v", r.Header.Get("Location"), created)
	}
	if strings.Contains(string(r.Body), "s3cr3t-value") {
		t.Error("the webhook secret is shown back")
	}
	if got := s.get("/api/alert-rules/"+id, adminKey).json(t); got["name"] != "checkout errors" || got["threshold"] != 10.0 {
		t.Errorf("get: %v", got)
	}
	rule["threshold"] = 20
	rule["name"] = "checkout errors (tuned)"
	r = s.send(http.MethodPut, "/api/alert-rules/"+id, adminKey, rule)
	if r.StatusCode != http.StatusOK || r.json(t)["threshold"] != 20.0 || r.json(t)["created_at"] != created["created_at"] {
		t.Errorf("replace: %d %s", r.StatusCode, r.Body)
	}
	if items := s.get("/api/alert-rules", adminKey).page(t).Items; len(items) != 1 || items[0]["name"] != "checkout errors (tuned)" {
		t.Errorf("list: %v", items)
	}
	if r := s.send(http.MethodDelete, "/api/alert-rules/"+id, adminKey, nil); r.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.StatusCode, r.Body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		if r := s.send(m, "/api/alert-rules/"+id, adminKey, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s after delete: %d", m, r.StatusCode)
		}
	}
	if r := s.send(http.MethodPut, "/api/alert-rules/"+id, adminKey, rule); r.StatusCode != http.StatusNotFound {
		t.Errorf("replace after delete: %d", r.StatusCode)
	}

	bad := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "x", "kind": "metric_threshold", "aggregate": "avg", "threshold": 1, "filter": map[string]any{}}, "body.filter.name"},
		{map[string]any{"name": "x", "kind": "telepathy"}, "body"},
		{map[string]any{"name": "x", "kind": "log_count", "threshold": 1, "window": "5 minutes"}, "body.window"},
		{map[string]any{"name": "x", "kind": "log_count", "threshold": 1, "window": "3d"}, "body.window"},
		{map[string]any{"name": "x", "kind": "heartbeat", "notify": []map[string]string{{"type": "webhook", "url": "ftp://x"}}}, "body.notify[0].url"},
		// The engine cannot cut a series into 13s points: the API refuses
		// what the engine would, since both ask alerting.Define.
		{map[string]any{"name": "x", "kind": "anomaly", "filter": map[string]any{"name": "cpu"}, "window": "13s"}, "body.window"},
	}
	for _, b := range bad {
		r := s.send(http.MethodPost, "/api/alert-rules", adminKey, b.body)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), `"field":"`+b.field) {
			t.Errorf("%v: %d %s, want 400 naming %s", b.body, r.StatusCode, r.Body, b.field)
		}
	}
	// for: 0s is "at once", as Prometheus-style rules write it.
	r = s.send(http.MethodPost, "/api/alert-rules", adminKey, map[string]any{"name": "at once", "kind": "log_count", "threshold": 1, "for": "0s"})
	if r.StatusCode != http.StatusCreated || r.json(t)["for"] != "0s" {
		t.Errorf("for: 0s: %d %s, want 201", r.StatusCode, r.Body)
	}
}

func TestAlertsListing(t *testing.T) { eachStore(t, testAlertsListing) }

func testAlertsListing(t *testing.T, s *server) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i, state := range []string{"firing", "resolved", "firing"} {
		a := store.Alert{ID: fmt.Sprintf("a%d", i), Tenant: apikey.DefaultTenant, RuleID: fmt.Sprintf("r%d", i%2), RuleName: "rule", Fingerprint: fmt.Sprint(i),
			Labels: map[string]string{"service": "api"}, Severity: "critical", State: state, StartedAt: now.Add(time.Duration(i-10) * time.Minute), UpdatedAt: now, Value: float64(i)}
		if state == "resolved" {
			a.ResolvedAt = now
		}
		if err := s.store().PutAlert(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	if got := itemIDs(s.get("/api/alerts", adminKey).page(t)); strings.Join(got, ",") != "a2,a1,a0" {
		t.Errorf("alerts %v", got)
	}
	if got := itemIDs(s.get("/api/alerts?state=firing&order=asc", adminKey).page(t)); strings.Join(got, ",") != "a0,a2" {
		t.Errorf("firing alerts %v", got)
	}
	if got := itemIDs(s.get("/api/alerts?rule_id=r1", adminKey).page(t)); strings.Join(got, ",") != "a1" {
		t.Errorf("alerts of r1 %v", got)
	}
	if got := s.walk("/api/alerts?limit=1", adminKey); len(got) != 3 {
		t.Errorf("paged alerts %v", got)
	}
	if a := s.get("/api/alerts/a1", adminKey).json(t); a["state"] != "resolved" || a["resolved_at"] == nil || a["rule_id"] != "r1" {
		t.Errorf("alert a1 %v", a)
	}
}

func TestKeyManagement(t *testing.T) {
	s := start(t, nil)
	r := s.send(http.MethodPost, "/api/keys", adminKey, map[string]any{"name": "acme admin", "scopes": []string{"admin", "read", "ingest"}, "tenant": "acme"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	acmeAdmin := r.json(t)["key"].(string)
	// acme's admin manages acme's keys only.
	r = s.send(http.MethodPost, "/api/keys", acmeAdmin, map[string]any{"name": "acme reader", "scopes": []string{"read"}})
	if r.StatusCode != http.StatusCreated || r.json(t)["tenant"] != "acme" {
		t.Fatalf("acme creates its own key: %d %s", r.StatusCode, r.Body)
	}
	reader, readerID := r.json(t)["key"].(string), r.json(t)["id"].(string)
	if r := s.send(http.MethodPost, "/api/keys", acmeAdmin, map[string]any{"name": "x", "scopes": []string{"read"}, "tenant": "globex"}); r.StatusCode != http.StatusForbidden {
		t.Errorf("acme admin creating a globex key: %d", r.StatusCode)
	}
	if r := s.get("/api/keys?tenant=default", acmeAdmin); r.StatusCode != http.StatusForbidden {
		t.Errorf("acme admin listing default's keys: %d", r.StatusCode)
	}
	if r := s.get("/api/logs", reader); r.StatusCode != http.StatusOK {
		t.Errorf("reader reads: %d", r.StatusCode)
	}
	if r := s.get("/api/keys", reader); r.StatusCode != http.StatusForbidden {
		t.Errorf("reader lists keys: %d", r.StatusCode)
	}
	if r := s.post("/ingest/logs", reader, "application/json", []byte(`{"service":"a","message":"b"}`)); r.StatusCode != http.StatusForbidden {
		t.Errorf("reader ingests: %d", r.StatusCode)
	}
	items := s.get("/api/keys", acmeAdmin).page(t).Items
	if len(items) != 2 || strings.Contains(fmt.Sprint(items), "lw_") {
		t.Errorf("acme keys %v", items)
	}
	if got := s.get("/api/keys/"+readerID, acmeAdmin).json(t); got["name"] != "acme reader" {
		t.Errorf("get key %v", got)
	}
	if r := s.send(http.MethodDelete, "/api/keys/"+readerID, acmeAdmin, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.StatusCode, r.Body)
	}
	if r := s.get("/api/logs", reader); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked key still works: %d", r.StatusCode)
	}
	// Revoked is deleted for GET (404); the listing keeps it, with revoked_at, for the record.
	if r := s.get("/api/keys/"+readerID, acmeAdmin); r.StatusCode != http.StatusNotFound {
		t.Errorf("get a revoked key: %d, want 404", r.StatusCode)
	}
	revoked := false
	for _, k := range s.get("/api/keys", acmeAdmin).page(t).Items {
		revoked = revoked || k["id"] == readerID && k["revoked_at"] != nil
	}
	if !revoked {
		t.Errorf("the listing lacks the revoked key with revoked_at")
	}
	if r := s.send(http.MethodDelete, "/api/keys/"+readerID, acmeAdmin, nil); r.StatusCode != http.StatusNoContent {
		t.Errorf("revoke twice: %d %s", r.StatusCode, r.Body)
	}
}

func TestTenantIsolation(t *testing.T) {
	s := start(t, nil)
	a := s.putKey("tenant-a", apikey.ScopeIngest, apikey.ScopeRead, apikey.ScopeAdmin)
	b := s.putKey("tenant-b", apikey.ScopeIngest, apikey.ScopeRead, apikey.ScopeAdmin)
	now := time.Now().UTC()
	s.ingest("/ingest/logs", a, logLine("secret-log", "svc", "error", "tenant a only", now, ""))
	s.ingest("/ingest/security-events", a, `{"id":"secret-sec","service":"svc","category":"c","severity":"high"}`)
	s.ingest("/ingest/metrics", a, `{"name":"a_only","value":1,"service":"svc"}`)
	s.ingest("/ingest/heartbeats", a, `{"service":"a-svc","instance":"i"}`)
	if err := s.store().PutAlert(context.Background(), store.Alert{ID: "alert-a", Tenant: "tenant-a", RuleID: "r", RuleName: "r", Fingerprint: "f", Severity: "critical", State: "firing", StartedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	rule := s.send(http.MethodPost, "/api/alert-rules", a, map[string]any{"name": "a rule", "kind": "heartbeat"}).json(t)
	keys := s.get("/api/keys", a).page(t).Items

	// Tenant A sees its own.
	if got := itemIDs(s.get("/api/logs", a).page(t)); len(got) != 1 {
		t.Fatalf("tenant a sees %v", got)
	}
	cursorA := s.get("/api/logs?limit=1&from="+url.QueryEscape(now.Add(-time.Hour).Format(time.RFC3339)), a)
	_ = cursorA
	for _, path := range []string{"/api/logs", "/api/security-events", "/api/alerts", "/api/alert-rules", "/api/metrics/names", "/api/services"} {
		if got := s.get(path, b).page(t).Items; len(got) != 0 {
			t.Errorf("tenant b sees %s of tenant a: %v", path, got)
		}
	}
	if got := s.get("/api/metrics?name=a_only", b).json(t)["series"]; fmt.Sprint(got) != "[]" {
		t.Errorf("tenant b sees a's series: %v", got)
	}
	ruleID := rule["id"].(string)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/api/alerts/alert-a"},
		{http.MethodGet, "/api/alert-rules/" + ruleID},
		{http.MethodDelete, "/api/alert-rules/" + ruleID},
		{http.MethodGet, "/api/keys/" + keys[0]["id"].(string)},
		{http.MethodDelete, "/api/keys/" + keys[0]["id"].(string)},
	} {
		if r := s.send(c.method, c.path, b, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("tenant b %s %s: %d", c.method, c.path, r.StatusCode)
		}
	}
	if r := s.send(http.MethodPut, "/api/alert-rules/"+ruleID, b, map[string]any{"name": "hijack", "kind": "heartbeat"}); r.StatusCode != http.StatusNotFound {
		t.Errorf("tenant b replaces a's rule: %d", r.StatusCode)
	}
	if got := s.get("/api/alert-rules/"+ruleID, a).json(t); got["name"] != "a rule" {
		t.Errorf("a's rule changed: %v", got)
	}
	if r := s.get("/api/keys?tenant=tenant-a", b); r.StatusCode != http.StatusForbidden {
		t.Errorf("tenant b lists a's keys: %d", r.StatusCode)
	}
	// A cursor of tenant a is no cursor for tenant b.
	s.ingest("/ingest/logs", a, logLine("second", "svc", "info", "m", now, ""))
	p := s.get("/api/logs?limit=1", a).page(t)
	if p.NextCursor == "" {
		t.Fatal("no cursor")
	}
	if r := s.get("/api/logs?limit=1&cursor="+url.QueryEscape(p.NextCursor), b); r.StatusCode != http.StatusBadRequest {
		t.Errorf("tenant b with a's cursor: %d %s", r.StatusCode, r.Body)
	}
}

func TestQueryAPIBadInput(t *testing.T) {
	s := start(t, nil)
	cases := []struct{ path, field string }{
		{"/api/logs?limit=0", "query.limit"},
		{"/api/logs?limit=1001", "query.limit"},
		{"/api/logs?level=loud", "query.level"},
		{"/api/logs?order=sideways", "query.order"},
		{"/api/logs?from=yesterday", "query.from"},
		{"/api/logs?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "query.from"},
		{"/api/logs?cursor=garbage", "query.cursor"},
		{"/api/logs?cursor=eyJ0IjoxLCJpIjoieCIsImYiOjEsInUiOjIsImQiOiJub3BlIn0", "query.cursor"},
		{"/api/logs?attr=novalue", "query.attr"},
		{"/api/metrics", "query.name"},
		{"/api/metrics?name=x&step=7s", "query.step"},
		{"/api/metrics?name=x&step=1m&from=2026-01-01T00:00:00Z&to=2026-01-30T00:00:00Z", "query.step"},
		{"/api/security-events?min_severity=apocalyptic", "query.min_severity"},
		{"/api/alerts?state=sleeping", "query.state"},
	}
	for _, c := range cases {
		r := s.get(c.path, adminKey)
		if r.StatusCode != http.StatusBadRequest || r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.Body), c.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", c.path, r.StatusCode, r.Body, c.field)
		}
	}
	if r := s.get("/api/logs", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("no key: %d", r.StatusCode)
	}
	ingestOnly := s.putKey("default", apikey.ScopeIngest)
	if r := s.get("/api/logs", ingestOnly); r.StatusCode != http.StatusForbidden {
		t.Errorf("ingest-only key reads: %d", r.StatusCode)
	}
	if r := s.get("/api/nothing-here", adminKey); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", r.StatusCode)
	}
	// A body sent to an operation without one is ignored, whatever its encoding.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/services", strings.NewReader("not brotli"))
	req.Header.Set("Authorization", "Bearer "+adminKey)
	req.Header.Set("Content-Encoding", "br")
	if r := s.do(req); r.StatusCode != http.StatusOK {
		t.Errorf("GET with a br body: %d %s", r.StatusCode, r.Body)
	}
	// RFC 9110: a 405 names the methods the path has.
	req, _ = http.NewRequest(http.MethodPatch, s.URL+"/api/alert-rules/r1", nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	if r := s.do(req); r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, PUT, DELETE" {
		t.Errorf("PATCH a rule: %d, Allow %q; want 405, Allow GET, PUT, DELETE", r.StatusCode, r.Header.Get("Allow"))
	}
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/api/alert-rules", strings.NewReader("name=x"))
	req.Header.Set("Authorization", "Bearer "+adminKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := s.do(req); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d", r.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	s := start(t, func(c *config.Config) { c.CORSOrigins = []string{"https://console.example.com"} })
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/api/logs", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	ok := preflight("https://console.example.com")
	if ok.StatusCode >= 300 || ok.Header.Get("Access-Control-Allow-Origin") != "https://console.example.com" ||
		!strings.Contains(strings.ToLower(ok.Header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("allowed preflight: %d %v", ok.StatusCode, ok.Header)
	}
	if other := preflight("https://evil.example.com"); other.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", other.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/logs", nil)
	req.Header.Set("Origin", "https://console.example.com")
	req.Header.Set("Authorization", "Bearer "+adminKey)
	if r := s.do(req); r.Header.Get("Access-Control-Allow-Origin") != "https://console.example.com" {
		t.Errorf("actual request lacks CORS headers: %v", r.Header)
	}
}

func TestSpecDocumentsAreServed(t *testing.T) {
	s := start(t, nil)
	for _, path := range []string{"/api/openapi.json", "/api/openapi/ingest.json"} {
		r := s.get(path, "")
		var doc map[string]any
		if r.StatusCode != http.StatusOK || json.Unmarshal(r.Body, &doc) != nil || doc["openapi"] != "3.0.3" {
			t.Errorf("%s: %d %.200s", path, r.StatusCode, r.Body)
		}
	}
	r := s.get("/api/docs/", "")
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "swagger-ui") || strings.Contains(string(r.Body), "cdn") {
		t.Errorf("/api/docs/: %d %.300s", r.StatusCode, r.Body)
	}
}
