package problem_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

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
