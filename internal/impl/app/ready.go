package app

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// readyTTL is how long one readiness check answers /readyz: load balancers
// probe often, and every probe must not cost store and Redis round trips.
const readyTTL = time.Second

// readPinger is a store that can check its read side alone. The embedded
// SQLite store has a single writer connection, which a readiness probe must
// never queue for behind a long group commit (nor delay one).
type readPinger interface {
	PingReads(ctx context.Context) error
}

// readiness is the last check of what this process depends on.
type readiness struct {
	mu      sync.Mutex
	checked time.Time
	storeOK bool
	redisOK bool

	redisUp, alertingActive prometheus.Gauge
}

func newReadiness(reg prometheus.Registerer) *readiness {
	r := &readiness{
		redisUp: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lightwatch_redis_up",
			Help: "1 when Redis answered the last readiness check; without it ingest still works, but live streams, rate limiting and alerting do not."}),
		alertingActive: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lightwatch_alerting_active",
			Help: "1 when this process evaluates alert rules (alerting on and Redis answering); alert on it staying 0 where alerting should run."}),
	}
	reg.MustRegister(r.redisUp, r.alertingActive)
	return r
}

// check refreshes the state when it is older than readyTTL; concurrent
// callers wait for one check instead of each running their own.
func (a *App) checkReadiness(ctx context.Context) (storeOK, redisOK bool) {
	r := a.readiness
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < readyTTL {
		return r.storeOK, r.redisOK
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	ping := a.store.Ping
	if rp, ok := a.store.(readPinger); ok {
		ping = rp.PingReads
	}
	storeErr := ping(ctx)
	redisErr := a.redis.Ping(ctx).Err()
	if (storeErr == nil) != r.storeOK || r.checked.IsZero() && storeErr != nil {
		if storeErr != nil {
			a.logger.Error("readiness: store unavailable; ingest and queries answer 503", "err", storeErr)
		} else if !r.checked.IsZero() {
			a.logger.Info("readiness: store available again")
		}
	}
	if (redisErr == nil) != r.redisOK || r.checked.IsZero() && redisErr != nil {
		if redisErr != nil {
			a.logger.Warn("readiness: Redis unavailable; ingest goes on, live streams, rate limiting and alerting are degraded", "err", redisErr)
		} else if !r.checked.IsZero() {
			a.logger.Info("readiness: Redis available again")
		}
	}
	r.storeOK, r.redisOK, r.checked = storeErr == nil, redisErr == nil, time.Now()
	r.redisUp.Set(b2f(r.redisOK))
	r.alertingActive.Set(b2f(r.redisOK && a.alertingRun != nil))
	return r.storeOK, r.redisOK
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ready answers 200 when the store answers: ingest needs nothing else (it
// works without Redis by design), so a Redis outage must not take an
// instance out of its load balancer. What is degraded is listed in the body,
// one "component: state" line each, without error details (they go to the
// log): the endpoint needs no key.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	storeOK, redisOK := a.checkReadiness(r.Context())
	if !storeOK {
		p := problem.New(http.StatusServiceUnavailable, "not ready: the store does not answer")
		p.RetryAfter = 1
		problem.Write(w, r, p)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	body := "ready\nstore: ok\n"
	if redisOK {
		body += "redis: ok\n"
	} else {
		body += "redis: unavailable (ingest works; live streams, rate limiting and alerting are degraded)\n"
	}
	switch {
	case a.alertingRun == nil:
		body += "alerting: off in this process\n"
	case redisOK:
		body += "alerting: active\n"
	default:
		body += "alerting: inactive (needs Redis)\n"
	}
	_, _ = io.WriteString(w, body)
}
