// Package middleware holds the HTTP middleware every Lightwatch surface shares,
// one concern per file. A middleware is func(http.Handler) http.Handler; Chain
// applies them outermost first, in the order the README's request path lists.
package middleware

import (
	"context"
	"net/http"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain wraps h so that mws[0] sees a request first.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Info is what inner layers learn about a request and outer layers report: the
// access log and the request metrics read it after the handler returns.
type Info struct {
	RequestID string
	Route     string // the spec's path template, e.g. /ingest/logs
	KeyID     string
	Tenant    string
}

type infoKey struct{}

// InfoFrom returns the request's Info, or a throwaway one when the request did
// not pass through AccessLog (so callers never check for nil).
func InfoFrom(ctx context.Context) *Info {
	if i, ok := ctx.Value(infoKey{}).(*Info); ok {
		return i
	}
	return &Info{}
}

func withInfo(r *http.Request) (*http.Request, *Info) {
	if i, ok := r.Context().Value(infoKey{}).(*Info); ok {
		return r, i
	}
	i := &Info{}
	return r.WithContext(context.WithValue(r.Context(), infoKey{}, i)), i
}
