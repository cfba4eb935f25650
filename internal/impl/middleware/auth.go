package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Authenticator resolves a bearer secret to an API key; an unknown or
// revoked secret is an error with code fault.Unauthorized.
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
// unknown, 403 when the key lacks the scope the route needs. On the requests
// basicFor accepts it also takes HTTP Basic credentials whose password is the
// key (any user name): the standard-protocol endpoints, for shippers
// (Promtail, Filebeat, Fluent Bit) that offer only Basic auth; a nil basicFor
// accepts Basic nowhere. The key goes into the request context; the tenant of
// everything the request touches is the key's.
func Auth(authn Authenticator, scopeFor ScopeFunc, basicFor func(*http.Request) bool, logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secret, ok := bearer(r.Header.Get("Authorization"))
			if !ok && basicFor != nil && basicFor(r) {
				_, secret, ok = r.BasicAuth()
				ok = ok && secret != ""
			}
			if !ok {
				problem.WriteError(w, r, fault.Errorf(fault.Unauthorized, "missing API key: send Authorization: Bearer <key>"))
				return
			}
			key, err := authn.Authenticate(r.Context(), secret)
			switch fault.CodeOf(err) {
			case "":
			case fault.Unauthorized, fault.RateLimited: // unknown key; too many failures from this address
				problem.WriteError(w, r, err)
				return
			default:
				logger.ErrorContext(r.Context(), "authenticate", "err", err, "request_id", InfoFrom(r.Context()).RequestID)
				problem.WriteError(w, r, &fault.Error{Code: fault.Unavailable,
					Message: "cannot check the API key now; retry shortly", RetryAfter: time.Second})
				return
			}
			info := InfoFrom(r.Context())
			info.KeyID, info.Tenant = key.ID, key.Tenant
			if scope, ok := scopeFor(r); ok && !key.Has(scope) {
				problem.WriteError(w, r, fault.Errorf(fault.Forbidden, "the API key lacks the %s scope", scope))
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
