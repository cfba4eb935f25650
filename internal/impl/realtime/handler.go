package realtime

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// PathPrefix is where the Service is mounted: /ws/{channel}.
const PathPrefix = "/ws/"

// ServeHTTP answers /ws/{channel}. Everything a client can get wrong is
// answered before the upgrade, as application/problem+json, so that a plain
// HTTP client (and a browser's network tab) can read why: 404 unknown
// channel, 405 not GET, 401/403 key, 400 filters or since, 426 not a
// WebSocket handshake, 503 while the stream position is not known yet.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ch := Channel(strings.TrimPrefix(r.URL.Path, PathPrefix))
	if ch.index() < 0 || !strings.HasPrefix(r.URL.Path, PathPrefix) {
		problem.Write(w, r, problem.New(http.StatusNotFound, "no such channel; the channels are /ws/logs, /ws/security-events, /ws/metrics and /ws/alerts"))
		return
	}
	info := middleware.InfoFrom(r.Context())
	info.Route = PathPrefix + string(ch)
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		problem.Write(w, r, problem.New(http.StatusMethodNotAllowed, "a WebSocket handshake is a GET"))
		return
	}
	key, secret, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	info.KeyID, info.Tenant = key.ID, key.Tenant
	if !s.allowHandshake(w, r, key) {
		return
	}
	if err := middleware.CheckQuery(r.URL.RawQuery); err != nil {
		problem.WriteError(w, r, err) // URL.Query would drop the pair and leave the filter off
		return
	}
	q := r.URL.Query()
	fv, perr := queryFilters(ch, q)
	var f *subscription
	if perr == nil {
		f, perr = parseFilter(ch, fv)
	}
	if perr != nil {
		badParam(w, r, perr)
		return
	}
	since, perr := sinceParam(q[paramSince])
	if perr != nil {
		badParam(w, r, perr)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		w.Header().Set("Upgrade", "websocket")
		problem.Write(w, r, problem.New(http.StatusUpgradeRequired, "this is a WebSocket endpoint: send a WebSocket handshake"))
		return
	}
	release, p := s.admit.acquire(key)
	if p != nil {
		problem.Write(w, r, p)
		return
	}
	if !s.waitReady(r) {
		release()
		p := problem.New(http.StatusServiceUnavailable, "the live streams are not readable yet; retry shortly")
		p.RetryAfter = 1
		problem.Write(w, r, p)
		return
	}
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		release()
		return // the upgrader has answered (handshakeError)
	}
	since, clipped := s.clipSince(r.Context(), ch, since, time.Now())
	// The connection gets goroutines of its own and this handler returns:
	// net/http keeps its 4 KiB read and write buffers, and the handshake's
	// grown stack, for as long as the handler runs, which would more than
	// double what an idle connection costs.
	untrack := s.admit.track(secret, conn)
	go func() {
		defer release()
		defer untrack()
		s.serveConn(r.Context(), conn, ch, key.Tenant, f, since, clipped)
	}()
}

// authenticate requires a key with the read scope, from the Authorization
// header or, for browsers (which cannot set headers on a WebSocket), from the
// Sec-WebSocket-Protocol header (protocols "lightwatch" and
// "lightwatch.bearer.<key>"; the server answers "lightwatch", never the key)
// or access_token, in that order. It answers the request itself when it
// returns false; it returns the secret, which watchKeys checks again.
func (s *Service) authenticate(w http.ResponseWriter, r *http.Request) (apikey.Key, string, bool) {
	secret, ok := "", false
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, found := strings.Cut(h, " ")
		secret = strings.TrimSpace(rest)
		ok = found && strings.EqualFold(scheme, "Bearer") && secret != ""
	} else if sp, found := protocolKey(r); found {
		secret, ok = sp, sp != ""
	} else if vs := r.URL.Query()[paramAccessToken]; len(vs) == 1 && vs[0] != "" {
		secret, ok = vs[0], true
	}
	if !ok {
		unauthorized(w, r, "missing API key: send Authorization: Bearer <key>, or from a browser the WebSocket protocols lightwatch and lightwatch.bearer.<key> (or access_token=<key>)")
		return apikey.Key{}, "", false
	}
	key, err := s.authn.Authenticate(r.Context(), secret)
	switch {
	case errors.Is(err, apikey.ErrUnknown):
		unauthorized(w, r, "unknown or revoked API key")
		return apikey.Key{}, "", false
	case errors.As(err, new(*apikey.TooManyFailures)):
		p := problem.New(http.StatusTooManyRequests, "too many failed authentications from this address; retry later")
		p.RetryAfter = 60
		problem.Write(w, r, p)
		return apikey.Key{}, "", false
	case err != nil:
		s.logger.ErrorContext(r.Context(), "realtime: authenticate", "err", err, "request_id", middleware.InfoFrom(r.Context()).RequestID)
		p := problem.New(http.StatusServiceUnavailable, "cannot check the API key now; retry shortly")
		p.RetryAfter = 1
		problem.Write(w, r, p)
		return apikey.Key{}, "", false
	case !key.Has(apikey.ScopeRead):
		problem.Write(w, r, problem.New(http.StatusForbidden, "the API key lacks the read scope"))
		return apikey.Key{}, "", false
	}
	return key, secret, true
}

// Subprotocol is the WebSocket protocol the server selects; ProtocolKeyPrefix
// starts the protocol that carries a browser's key.
const (
	Subprotocol       = "lightwatch"
	ProtocolKeyPrefix = "lightwatch.bearer."
)

// protocolKey finds a key offered as a WebSocket protocol.
func protocolKey(r *http.Request) (string, bool) {
	for _, p := range websocket.Subprotocols(r) {
		if k, ok := strings.CutPrefix(p, ProtocolKeyPrefix); ok {
			return k, true
		}
	}
	return "", false
}

func unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="lightwatch"`)
	problem.Write(w, r, problem.New(http.StatusUnauthorized, detail))
}

// badParam is a 400 naming the query parameter, in the query API's form.
func badParam(w http.ResponseWriter, r *http.Request, e *filter.ParamError) {
	p := problem.New(http.StatusBadRequest, "query."+e.Param+": "+e.Message)
	p.Errors = []problem.FieldError{{Field: "query." + e.Param, Message: e.Message}}
	problem.Write(w, r, p)
}

// sinceParam reads the resume cursor: nil when absent.
func sinceParam(vs []string) (*streams.ID, *filter.ParamError) {
	switch len(vs) {
	case 0:
		return nil, nil
	case 1:
		// streams.ParseID refuses a bare <ms>, which Redis also accepts
		// in ranges: as an exclusive start it would be ambiguous.
		id, err := streams.ParseID(vs[0])
		if err != nil {
			return nil, &filter.ParamError{Param: paramSince, Message: "want a stream entry id <milliseconds>-<sequence>, as in a message's cursor"}
		}
		return &id, nil
	}
	return nil, &filter.ParamError{Param: paramSince, Message: "give it at most once"}
}

// waitReady waits, for a while, until the reader knows where it starts.
func (s *Service) waitReady(r *http.Request) bool {
	select {
	case <-s.reader.ready:
		return true
	default:
	}
	t := time.NewTimer(readyWait)
	defer t.Stop()
	select {
	case <-s.reader.ready:
		return true
	case <-t.C:
	case <-r.Context().Done():
	}
	return false
}

// handshakeError answers a handshake the upgrader refused (a wrong
// Sec-WebSocket-Version, say) as a problem, like every other error.
func (s *Service) handshakeError(w http.ResponseWriter, r *http.Request, status int, reason error) {
	problem.Write(w, r, problem.New(status, reason.Error()))
}
