// Package problem writes RFC 9457 problem details (application/problem+json), the
// one shape of every client and server error Lightwatch answers with.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ContentType is the media type of problem details.
const ContentType = "application/problem+json"

// Problem is an RFC 9457 problem details object with Lightwatch's extension
// members request_id and errors.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []FieldError `json:"errors,omitempty"`
	// RetryAfter, when positive, is sent as the Retry-After header in seconds.
	RetryAfter int `json:"-"`
}

// FieldError names one invalid field, e.g. events[3].level.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// New returns a problem of type about:blank, whose title is the status text.
func New(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// Error makes a *Problem usable as an error, so handlers can return one.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// Write sends p. The request id, when the request carries one, is filled in
// so a user can quote it when asking what happened.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.RequestID == "" {
		p.RequestID = w.Header().Get("X-Request-ID")
	}
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p) // the client may be gone; nothing useful to do then
}
