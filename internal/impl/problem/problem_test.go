package problem_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("X-Request-ID", "req-1")
	p := problem.New(http.StatusTooManyRequests, "slow down")
	p.RetryAfter = 3
	problem.Write(rec, httptest.NewRequest(http.MethodPost, "/ingest/logs", nil), p)

	if rec.Code != 429 || rec.Header().Get("Content-Type") != problem.ContentType || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("got %d %q retry-after %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Retry-After"))
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "about:blank", "title": "Too Many Requests", "status": 429.0, "detail": "slow down", "instance": "/ingest/logs", "request_id": "req-1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestFromError(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		field  string
	}{
		{fault.InvalidField("query.service", "at most 20 values"), 400, "query.service"},
		{fmt.Errorf("get rule r1: %w", fault.Errorf(fault.NotFound, "no such rule")), 404, ""},
		{fault.Errorf(fault.Unauthorized, "missing API key"), 401, ""},
		{&fault.Error{Code: fault.Unavailable, Message: "retry", RetryAfter: 1500 * time.Millisecond}, 503, ""},
		{errors.New("disk on fire"), 500, ""},
		{problem.New(http.StatusTeapot, "as it is"), http.StatusTeapot, ""},
	} {
		p := problem.FromError(c.err)
		if p.Status != c.status || (c.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != c.field)) {
			t.Errorf("%v: %+v, want %d naming %q", c.err, p, c.status, c.field)
		}
		if c.status == 500 && strings.Contains(p.Detail, "fire") {
			t.Errorf("a 500 shows its cause: %s", p.Detail)
		}
		if c.status == 503 && p.RetryAfter != 2 {
			t.Errorf("retry after %d, want 2", p.RetryAfter)
		}
	}
	rec := httptest.NewRecorder()
	problem.WriteError(rec, httptest.NewRequest(http.MethodGet, "/x", nil), fault.Errorf(fault.Unauthorized, "no key"))
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("401: %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}
