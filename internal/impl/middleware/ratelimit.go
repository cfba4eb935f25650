package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Limiter decides whether a key may make another request now.
type Limiter interface {
	// Allow reports whether the request may go on; when not, retryAfter says when it may.
	Allow(ctx context.Context, key string) (allowed bool, retryAfter time.Duration, err error)
}

// RateLimit answers 429 with Retry-After when the request's API key exceeds its
// rate. The counters live in Redis, so every instance shares them. When Redis
// cannot answer, the request is let through and counted: losing the limiter
// must not take ingestion down with it.
func RateLimit(l Limiter, m *telemetry.Metrics, logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key, ok := apikey.FromContext(r.Context())
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			allowed, retryAfter, err := l.Allow(r.Context(), key.ID)
			if err != nil {
				m.RateLimitErrors.Inc()
				logger.WarnContext(r.Context(), "rate limit check failed; letting the request through", "err", err)
				next.ServeHTTP(w, r)
				return
			}
			if !allowed {
				m.RateLimited.Inc()
				problem.WriteError(w, r, &fault.Error{Code: fault.RateLimited, Message: "rate limit of this API key exceeded",
					RetryAfter: max(time.Second, retryAfter)})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
