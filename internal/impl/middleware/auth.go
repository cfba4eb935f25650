package middleware

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Authenticator resolves a bearer secret to an API key.
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (apikey.Key, error)
}

// ScopeFunc tells which scope a request needs; ok is false when it needs none
// beyond a valid key (e.g. an unknown route, answered 404 further in).
type ScopeFunc func(r *http.Request) (scope apikey.Scope, ok bool)

// ClientAddress records the client's address in the request context, where
// the authenticator counts failed authentications per address.
func ClientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(apikey.WithClient(r.Context(), r.RemoteAddr)))
	})
}

// Auth requires `Authorization: Bearer <key>`: 401 when it is missing or
// unknown, 403 when the key lacks the scope the route needs. The key goes into
// the request context; the tenant of everything the request touches is the key's.
func Auth(authn Authenticator, scopeFor ScopeFunc, logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secret, ok := bearer(r.Header.Get("Authorization"))
			if !ok {
				unauthorized(w, r, "missing API key: send Authorization: Bearer <key>")
				return
			}
			key, err := authn.Authenticate(r.Context(), secret)
			if errors.Is(err, apikey.ErrUnknown) {
				unauthorized(w, r, "unknown or revoked API key")
				return
			}
			if tooMany, ok := errors.AsType[*apikey.TooManyFailures](err); ok {
				p := problem.New(http.StatusTooManyRequests, "too many failed authentications from this address; retry later")
				p.RetryAfter = int(math.Ceil(tooMany.RetryAfter.Seconds()))
				problem.Write(w, r, p)
				return
			}
			if err != nil {
				logger.ErrorContext(r.Context(), "authenticate", "err", err, "request_id", InfoFrom(r.Context()).RequestID)
				p := problem.New(http.StatusServiceUnavailable, "cannot check the API key now; retry shortly")
				p.RetryAfter = 1
				problem.Write(w, r, p)
				return
			}
			info := InfoFrom(r.Context())
			info.KeyID, info.Tenant = key.ID, key.Tenant
			if scope, ok := scopeFor(r); ok && !key.Has(scope) {
				problem.Write(w, r, problem.New(http.StatusForbidden, "the API key lacks the "+string(scope)+" scope"))
				return
			}
			next.ServeHTTP(w, r.WithContext(apikey.WithKey(r.Context(), key)))
		})
	}
}

func bearer(h string) (string, bool) {
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	secret = strings.TrimSpace(secret)
	return secret, secret != ""
}

func unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="lightwatch"`)
	problem.Write(w, r, problem.New(http.StatusUnauthorized, detail))
}
