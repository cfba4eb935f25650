package realtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Defaults of the admission limits (Options).
const (
	DefaultMaxConnsPerKey    = 100
	DefaultMaxConnsPerTenant = 1000
	DefaultMaxReplayAge      = time.Hour
)

// HandshakeLimiter rate-limits WebSocket handshakes per key; the app backs it
// with the Redis limiter every instance shares.
type HandshakeLimiter interface {
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// admission counts this instance's connections per key and per tenant. A
// connection costs memory and a share of every delivery for as long as it
// lasts, so one key (or one tenant's keys) must not be able to open them
// without bound: past a cap the handshake is answered 429 before the upgrade.
type admission struct {
	perKey, perTenant int

	mu      sync.Mutex
	keys    map[string]int
	tenants map[string]int
	conns   map[string]map[*websocket.Conn]struct{} // by the secret they authenticated with
}

func newAdmission(perKey, perTenant int) *admission {
	return &admission{perKey: perKey, perTenant: perTenant, keys: map[string]int{}, tenants: map[string]int{},
		conns: map[string]map[*websocket.Conn]struct{}{}}
}

// acquire takes a connection slot for key; it returns the release, or the
// problem to answer.
func (a *admission) acquire(key apikey.Key) (release func(), p *problem.Problem) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.keys[key.ID] >= a.perKey:
		p = problem.New(http.StatusTooManyRequests, fmt.Sprintf("this API key has %d live connections, the most allowed (LIGHTWATCH_WS_MAX_CONNS_PER_KEY): close one first", a.perKey))
	case a.tenants[key.Tenant] >= a.perTenant:
		p = problem.New(http.StatusTooManyRequests, fmt.Sprintf("this tenant has %d live connections, the most allowed (LIGHTWATCH_WS_MAX_CONNS_PER_TENANT): close one first", a.perTenant))
	}
	if p != nil {
		p.RetryAfter = 5
		return nil, p
	}
	a.keys[key.ID]++
	a.tenants[key.Tenant]++
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			if a.keys[key.ID]--; a.keys[key.ID] <= 0 {
				delete(a.keys, key.ID)
			}
			if a.tenants[key.Tenant]--; a.tenants[key.Tenant] <= 0 {
				delete(a.tenants, key.Tenant)
			}
		})
	}, nil
}

// allowHandshake applies the handshake rate limit of key; false when it
// answered the request.
func (s *Service) allowHandshake(w http.ResponseWriter, r *http.Request, key apikey.Key) bool {
	if s.handshakes == nil {
		return true
	}
	ok, retryAfter, err := s.handshakes.Allow(r.Context(), "ws-handshake:"+key.ID)
	if err != nil {
		// Fail open, as the request rate limit does: Redis trouble must not
		// lock every live client out.
		s.logger.WarnContext(r.Context(), "realtime: handshake rate limit", "err", err, "request_id", middleware.InfoFrom(r.Context()).RequestID)
		return true
	}
	if ok {
		return true
	}
	p := problem.New(http.StatusTooManyRequests, "too many WebSocket handshakes with this API key (LIGHTWATCH_WS_HANDSHAKE_RATE): retry later")
	p.RetryAfter = max(1, int(retryAfter.Round(time.Second)/time.Second))
	problem.Write(w, r, p)
	return false
}

// clipSince raises a resume cursor older than the replay window to its start:
// a replay reads the shared stream from the cursor on, so its depth is what a
// client could make the server read. The client is told with a reset
// (replay_limit). When the stream holds nothing older than the window anyway,
// the cursor is left alone: the replay's own reset (history_trimmed) says
// the same.
func (s *Service) clipSince(ctx context.Context, ch Channel, since *streams.ID, now time.Time) (clipped *streams.ID, reset bool) {
	if since == nil {
		return nil, false
	}
	floor := streams.ID{Ms: uint64(max(now.Add(-s.maxReplayAge).UnixMilli(), 0))}
	if !since.Less(floor) {
		return since, false
	}
	if oldest, ok, err := s.log.First(ctx, ch.stream()); err == nil && (!ok || floor.Less(oldest)) {
		return since, false
	}
	return &floor, true
}

// track registers conn under the secret it authenticated with, for
// watchKeys; the returned func forgets it.
func (a *admission) track(secret string, conn *websocket.Conn) (untrack func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	set := a.conns[secret]
	if set == nil {
		set = map[*websocket.Conn]struct{}{}
		a.conns[secret] = set
	}
	set[conn] = struct{}{}
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(set, conn)
		if len(set) == 0 {
			delete(a.conns, secret)
		}
	}
}

// secrets lists the secrets of live connections.
func (a *admission) secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.conns))
	for s := range a.conns {
		out = append(out, s)
	}
	return out
}

// connsOf lists the live connections of secret.
func (a *admission) connsOf(secret string) []*websocket.Conn {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]*websocket.Conn, 0, len(a.conns[secret]))
	for c := range a.conns[secret] {
		out = append(out, c)
	}
	return out
}

// watchKeys checks the keys of the live connections again every interval,
// once per key however many connections it holds, until ctx is done, and
// closes the connections of a key that was revoked (or is unknown, or lost
// the read scope) with 1008 (policy violation): a revoked key's connections
// end within about an interval plus the key cache's lifetime. The close goes
// out through WriteControl, which gorilla/websocket allows concurrently with
// the connection's writer; the read loop then ends the connection as usual.
func (s *Service) watchKeys(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, secret := range s.admit.secrets() {
			key, err := s.authn.Authenticate(ctx, secret)
			if err != nil && !errors.Is(err, apikey.ErrUnknown) {
				continue // cannot tell now: ask again next time
			}
			if err == nil && key.Has(apikey.ScopeRead) {
				continue
			}
			msg := websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "API key revoked")
			for _, conn := range s.admit.connsOf(secret) {
				_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.writer.writeTimeout))
				_ = conn.Close()
			}
		}
	}
}

// resetReplayLimit is the reason of a reset sent because since lay before
// the replay window.
const resetReplayLimit = "replay_limit"

// replayLimitMessage reports that delivery continues from oldest because the
// client's cursor lay before the replay window (Options.MaxReplayAge).
func replayLimitMessage(oldest streams.ID) []byte {
	return []byte(`{"type":"reset","reason":"` + resetReplayLimit + `","oldest":"` + oldest.String() + `"}`)
}
