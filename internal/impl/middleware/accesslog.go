package middleware

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// AccessLog writes one structured line per request and records the request
// metrics. It must run outside RequestID's inner layers so that it sees the
// route, key and tenant they learn; the Authorization header is never logged.
func AccessLog(logger *slog.Logger, m *telemetry.Metrics) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			r, info := withInfo(r)
			rec := asRecorder(w)
			defer func() {
				status := rec.status
				if v := recover(); v != nil {
					status = http.StatusInternalServerError // Recover, further out, answers it
					defer panic(v)
				} else if status == 0 {
					status = http.StatusOK
				}
				logRequest(logger, m, r, info, status, rec.bytes, time.Since(start))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

func logRequest(logger *slog.Logger, m *telemetry.Metrics, r *http.Request, info *Info, status int, bytes int64, elapsed time.Duration) {
	route := info.Route
	if route == "" {
		route = "unmatched"
	}
	m.HTTPRequests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(status)).Inc()
	m.HTTPDuration.WithLabelValues(route).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	logger.LogAttrs(r.Context(), level, "request",
		slog.String("request_id", info.RequestID),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int64("bytes", bytes),
		slog.Duration("duration", elapsed),
		slog.String("remote", r.RemoteAddr),
		slog.String("key_id", info.KeyID),
		slog.String("tenant", info.Tenant),
	)
}

// methodLabel is the method as a metric label: the standard methods by name,
// anything else as "other". A method is any token a client sends, and each
// new label value is a time series kept for the life of the process.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "other"
}

// asRecorder reuses the recorder an outer middleware installed, so that all of
// them see one status.
func asRecorder(w http.ResponseWriter) *recorder {
	if rec, ok := w.(*recorder); ok {
		return rec
	}
	return &recorder{ResponseWriter: w}
}

// recorder remembers the status and size of a response. It keeps the optional
// interfaces (Flusher, Hijacker for WebSocket upgrades) reachable.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush implements http.Flusher.
func (r *recorder) Flush() { _ = http.NewResponseController(r.ResponseWriter).Flush() }

// Hijack implements http.Hijacker, which WebSocket upgrades need.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer cannot be hijacked")
	}
	r.status = http.StatusSwitchingProtocols
	return h.Hijack()
}
