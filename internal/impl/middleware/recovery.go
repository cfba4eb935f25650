package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Recover turns a panic in a handler into a 500 problem and an error log line
// with the request id and the stack, instead of a dropped connection.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, info := withInfo(r)
			rec := asRecorder(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) { // the documented way to abort a response; re-panic
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic serving request",
					"request_id", info.RequestID, "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.status != 0 {
					return // the response has started; the client sees a truncated body
				}
				problem.WriteError(rec, r, fmt.Errorf("panic: %v", v)) // a 500 that says no more
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
