package problem

import (
	"errors"
	"math"
	"net/http"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

// statusOf is the one table from a fault code to an HTTP status.
func statusOf(c fault.Code) int {
	switch c {
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict:
		return http.StatusConflict
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.Unsupported:
		return http.StatusUnsupportedMediaType
	case fault.RateLimited:
		return http.StatusTooManyRequests
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// FromError is the problem that answers err: a *Problem in its chain as it
// is; a *fault.Error by the table, its message as the detail and its field
// in errors; anything else a 500 that says no more (log it: Internal reports
// whether it is one).
func FromError(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code == fault.Internal {
		return New(http.StatusInternalServerError, "internal error; quote the request id when reporting it")
	}
	detail := fe.Message
	if fe.Field != "" {
		detail = fe.Field + ": " + fe.Message
	}
	p = New(statusOf(fe.Code), detail)
	if fe.Field != "" {
		p.Errors = []FieldError{{Field: fe.Field, Message: fe.Message}}
	}
	if fe.RetryAfter > 0 {
		p.RetryAfter = int(math.Ceil(fe.RetryAfter.Seconds()))
	}
	return p
}

// Internal reports whether err answers as a 500: a failure to log, not the
// caller's doing.
func Internal(err error) bool {
	var p *Problem
	if errors.As(err, &p) {
		return p.Status >= 500 && p.Status != http.StatusServiceUnavailable
	}
	return fault.CodeOf(err) == fault.Internal
}

// WriteError writes the problem that answers err (FromError). A 401 gets
// the WWW-Authenticate challenge that RFC 9110 requires.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := FromError(err)
	if p.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lightwatch"`)
	}
	Write(w, r, p)
}
