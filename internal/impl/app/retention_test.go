package app_test

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/config"
)

// logLine is one NDJSON log of service at ts.
func tsLogLine(id, service string, ts time.Time, msg string) string {
	return fmt.Sprintf(`{"id":%q,"service":%q,"level":"info","message":%q,"ts":%q}`, id, service, msg, ts.Format(time.RFC3339Nano))
}

func (s *server) logIDs(service string) []string {
	s.t.Helper()
	q := url.Values{"service": {service}, "limit": {"1000"},
		"from": {time.Now().Add(-48 * time.Hour).Format(time.RFC3339)}, "to": {time.Now().Add(48 * time.Hour).Format(time.RFC3339)}}
	return itemIDs(s.get("/api/logs?"+q.Encode(), adminKey).page(s.t))
}

// TestRetentionDropsAndRefusesOldLogs runs the server with a retention of
// three seconds: a log older than that is refused on arrival naming its ts;
// logs that age past it while stored disappear from the API, while newer
// ones stay; /metrics counts both and shows the oldest retained time.
func TestRetentionDropsAndRefusesOldLogs(t *testing.T) {
	s := start(t, func(c *config.Config) { c.Retention = 3 * time.Second })
	now := time.Now().UTC()

	r := s.post("/ingest/logs", adminKey, "application/x-ndjson", []byte(strings.Join([]string{
		tsLogLine("fresh", "old", now, "fine"), tsLogLine("stale", "old", now.Add(-time.Hour), "an hour late"),
	}, "\n")))
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), `"field":"events[1].ts"`) {
		t.Fatalf("a batch with an expired log: %d %s; want 400 naming events[1].ts", r.StatusCode, r.Body)
	}
	if got := s.metricValue(`lightwatch_events_expired_total{kind="log"}`); got != 1 {
		t.Errorf("expired counter = %v, want 1", got)
	}

	var aging, future []string
	for i := range 20 {
		aging = append(aging, tsLogLine(fmt.Sprint("aging-", i), "old", now.Add(-2*time.Second), "soon gone"))
		// Ahead of the server's clock, within event.MaxFutureSkew (later ones are clamped).
		future = append(future, tsLogLine(fmt.Sprint("later-", i), "new", now.Add(50*time.Second), "kept"))
	}
	s.ingest("/ingest/logs", adminKey, aging...)
	s.ingest("/ingest/logs", adminKey, future...)
	if got := len(s.logIDs("old")); got != 20 {
		t.Fatalf("%d aging logs listed before they expire, want 20", got)
	}
	waitFor(t, "the aging logs to be dropped", func() bool { return len(s.logIDs("old")) == 0 })
	if got := len(s.logIDs("new")); got != 20 {
		t.Errorf("%d newer logs left, want 20", got)
	}
	if got := s.metricValue(`lightwatch_store_dropped_events_total{kind="log",reason="age"}`); got != 20 {
		t.Errorf("dropped counter = %v, want 20", got)
	}
	oldest := s.metricValue(`lightwatch_store_oldest_event_timestamp_seconds{kind="log"}`)
	if want := float64(now.Add(50*time.Second).UnixNano()) / 1e9; oldest < want-1 || oldest > want+1 {
		t.Errorf("oldest log at %v, want about %v", oldest, want)
	}
	if got := s.metricValue(`lightwatch_store_disk_bytes{file="database"}`); got <= 0 {
		t.Errorf("database size = %v", got)
	}
}

// TestMaxDiskDropsOldestLogsFirst caps the store far below what it is sent:
// the database stays near the cap, the newest logs are kept and the oldest
// dropped, and /metrics says why.
func TestMaxDiskDropsOldestLogsFirst(t *testing.T) {
	const maxDisk = 2 << 20
	s := start(t, func(c *config.Config) {
		c.Retention = 30 * 24 * time.Hour
		c.MaxDisk = maxDisk
	})
	now := time.Now().UTC()
	// 30 batches of 2,000 logs that compress poorly, a minute apart.
	for b := range 30 {
		lines := make([]string, 2000)
		for i := range lines {
			lines[i] = tsLogLine(fmt.Sprintf("b%02d-%04d", b, i), fmt.Sprint("svc-", b%3), now.Add(time.Duration(b-60)*time.Minute),
				randomText())
		}
		s.ingest("/ingest/logs", adminKey, lines...)
	}
	waitFor(t, "the disk cap to drop logs", func() bool {
		return s.metricValue(`lightwatch_store_dropped_events_total{kind="log",reason="disk"}`) > 0
	})
	// The newest logs stay (a page of svc-2's newest are all of the last
	// batch); the oldest batch is gone.
	newest := s.logIDs("svc-2")
	if len(newest) != 1000 {
		t.Fatalf("%d svc-2 logs listed, want a page of 1000", len(newest))
	}
	for _, id := range newest {
		if !strings.HasPrefix(id, "b29-") {
			t.Fatalf("newest svc-2 logs include %s, want only the last batch's", id)
		}
	}
	r := s.get("/api/logs?service=svc-0&order=asc&limit=1&from="+url.QueryEscape(now.Add(-2*time.Hour).Format(time.RFC3339)), adminKey)
	if got := itemIDs(r.page(t)); len(got) == 1 && strings.HasPrefix(got[0], "b00-") {
		t.Errorf("the oldest batch is still there: %v", got)
	}
	waitFor(t, "the database to shrink to the cap", func() bool {
		return s.metricValue(`lightwatch_store_disk_bytes{file="database"}`) <= maxDisk*1.25
	})
}

// randomText is 52 characters that do not compress.
func randomText() string { return rand.Text() + rand.Text() }
