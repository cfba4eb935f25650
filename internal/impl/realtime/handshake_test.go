package realtime

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Everything a client can get wrong is refused before the upgrade, as a
// problem a plain HTTP client can read.
func TestRefusalsComeBeforeTheUpgrade(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	for _, tc := range []struct {
		name, path, key string
		status          int
		field           string // errors[0].field of a 400
		detail          string // part of the detail
	}{
		{"no key", "/ws/logs", "", 401, "", "missing API key"},
		{"unknown key", "/ws/logs", "lw_nope", 401, "", "unknown or revoked"},
		{"unknown access_token", "/ws/logs?access_token=lw_nope", "", 401, "", "unknown or revoked"},
		{"no read scope", "/ws/logs", ingestKey, 403, "", "read scope"},
		{"unknown channel", "/ws/heartbeats", acmeKey, 404, "", "no such channel"},
		{"unknown level", "/ws/logs?level=loud", acmeKey, 400, "query.level", "want one of trace"},
		{"alias level", "/ws/logs?level=WARNING", acmeKey, 400, "query.level", ""},
		{"bad attr", "/ws/logs?attr=nokey", acmeKey, 400, "query.attr", "key=value"},
		{"host twice", "/ws/logs?host=a&host=b", acmeKey, 400, "query.host", "at most once"},
		{"empty q", "/ws/logs?q=", acmeKey, 400, "query.q", ""},
		{"filter of another channel", "/ws/logs?min_severity=high", acmeKey, 400, "query.min_severity", "unknown filter"},
		{"unknown severity", "/ws/security-events?min_severity=severe", acmeKey, 400, "query.min_severity", ""},
		{"bad outcome", "/ws/security-events?outcome=maybe", acmeKey, 400, "query.outcome", ""},
		{"bad metric name", "/ws/metrics?name=1abc", acmeKey, 400, "query.name", ""},
		{"metrics service twice", "/ws/metrics?service=a&service=b", acmeKey, 400, "query.service", ""},
		{"bad alert state", "/ws/alerts?state=open", acmeKey, 400, "query.state", ""},
		{"bad alert severity", "/ws/alerts?severity=high", acmeKey, 400, "query.severity", ""},
		{"alert severity twice", "/ws/alerts?severity=info&severity=critical", acmeKey, 400, "query.severity", "at most once"},
		// The spec's maxItems counts values as sent, as /api/logs does.
		{"21 copies of one service", "/ws/logs?" + strings.Repeat("service=a&", 21), acmeKey, 400, "query.service", "at most 20"},
		{"malformed since", "/ws/logs?since=yesterday", acmeKey, 400, "query.since", ""},
		{"since without sequence", "/ws/logs?since=1700000000000", acmeKey, 400, "query.since", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, resp, err := h.tryDial(tc.path, tc.key, nil)
			if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil {
				t.Fatalf("dial: %v, want a refused handshake", err)
			}
			defer resp.Body.Close()
			p := readProblem(t, resp)
			if resp.StatusCode != tc.status || p.Status != tc.status {
				t.Fatalf("status %d (problem %d), want %d: %+v", resp.StatusCode, p.Status, tc.status, p)
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors %+v, want field %s", p.Errors, tc.field)
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tc.detail)
			}
		})
	}

	t.Run("not a websocket handshake", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, "http"+strings.TrimPrefix(h.wsURL, "ws")+"/ws/logs", nil)
		req.Header.Set("Authorization", "Bearer "+acmeKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if p := readProblem(t, resp); resp.StatusCode != http.StatusUpgradeRequired || p.Status != 426 {
			t.Fatalf("status %d, want 426", resp.StatusCode)
		}
	})

	t.Run("access_token authenticates browsers", func(t *testing.T) {
		c, _, err := h.tryDial("/ws/logs?access_token="+acmeKey+"&service=checkout", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		// access_token is not a filter.
		if m := c.expect(msgSubscribed); string(m.Filters) != `{"service":["checkout"]}` {
			t.Fatalf("subscribed %s", m.raw)
		}
		h.publish(logEvent("acme", "x", "checkout", "info", "x", nil))
		c.eventsUntil("x")
	})
}

func readProblem(t *testing.T, resp *http.Response) problem.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("content type %q, want %s", ct, problem.ContentType)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var p problem.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("problem %s: %v", b, err)
	}
	return p
}
