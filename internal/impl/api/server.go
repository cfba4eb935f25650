// Package api implements the query API (openapi/api.yaml): history of events,
// metric series, the service registry, alerts, alert rules and API keys.
// Handlers return *fault.Error errors, which ProblemHandler writes through
// package problem's one table; everything is scoped to the caller's tenant.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Server implements the generated strict server interface.
type Server struct {
	store  store.Store
	logger *slog.Logger
	now    func() time.Time
	// revoked is told about every revoked key, so that cached authentications end.
	revoked func()
	// maxRules is each tenant's alert rule quota; 0: none (LimitRules).
	maxRules int
	// secrets seals webhook secrets before they are stored (SealSecrets).
	secrets *secretbox.Box
}

var _ queryapi.StrictServerInterface = (*Server)(nil)

// New returns the query API server over st. Requests reach it validated
// against the spec (contract.Spec's middleware); revoked is called after a
// key is revoked (the authenticator's cache drop).
func New(st store.Store, logger *slog.Logger, revoked func()) *Server {
	return &Server{store: st, logger: logger, now: time.Now, revoked: revoked}
}

// caller is the authenticated key; middleware.Auth guarantees one.
func caller(ctx context.Context) apikey.Key {
	k, _ := apikey.FromContext(ctx)
	return k
}

// storeError turns a store failure into the problem the client sees.
func (s *Server) storeError(ctx context.Context, op string, err error) error {
	switch fault.CodeOf(err) {
	case fault.NotFound:
		return fault.Errorf(fault.NotFound, "no such item")
	case fault.Invalid:
		return err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// QueryLimits' deadline: the client did not leave, the query was too slow.
		return &fault.Error{Code: fault.Unavailable, RetryAfter: 5 * time.Second,
			Message: "the query took longer than the server allows (LIGHTWATCH_QUERY_TIMEOUT); narrow its time range or filters, or retry later"}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s.logger.ErrorContext(ctx, op, "err", err, "request_id", middleware.InfoFrom(ctx).RequestID)
	return &fault.Error{Code: fault.Unavailable, Message: "the store cannot answer now; retry shortly", RetryAfter: time.Second, Err: err}
}

// ProblemHandler writes the errors handlers return through package
// problem's one table (problem.WriteError); a 500 is logged.
func ProblemHandler(logger *slog.Logger) func(w http.ResponseWriter, r *http.Request, err error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, context.Canceled) {
			return // the client left
		}
		if problem.Internal(err) {
			logger.ErrorContext(r.Context(), "handler failed", "err", err, "request_id", middleware.InfoFrom(r.Context()).RequestID)
		}
		problem.WriteError(w, r, err)
	}
}

// RequestError answers a request the generated server could not bind (a
// parameter or body it cannot parse) with a 400 naming what it could not.
func RequestError(w http.ResponseWriter, r *http.Request, err error) {
	if middleware.TooLarge(err) {
		problem.WriteError(w, r, fault.Errorf(fault.TooLarge, "body exceeds 1 MiB"))
		return
	}
	problem.WriteError(w, r, &fault.Error{Code: fault.Invalid, Message: err.Error()})
}
