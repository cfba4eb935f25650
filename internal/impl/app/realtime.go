package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/ratelimit"
	"github.com/lightwatch/lightwatch/internal/impl/realtime"
)

// realtimeHandler mounts the realtime service (live events over WebSocket)
// at /ws/ and returns its stream reader, to run for the process's life, and
// its shutdown, which sends every client a close frame: http.Server.Shutdown
// neither closes nor waits for upgraded connections.
func (a *App) realtimeHandler(mux *http.ServeMux) (run func(ctx context.Context), shutdown func(ctx context.Context), err error) {
	opts := realtime.Options{
		Streams:           a.log,
		Authenticator:     a.authn,
		Metrics:           realtime.NewMetrics(a.metrics.Registry),
		Logger:            a.logger,
		FlushInterval:     flushInterval(a.cfg.WSFlushInterval),
		MaxConnsPerKey:    a.cfg.WSMaxConnsPerKey,
		MaxConnsPerTenant: a.cfg.WSMaxConnsPerTenant,
		MaxReplayAge:      a.cfg.WSReplayMaxAge,
	}
	if rate := a.cfg.WSHandshakeRate; rate > 0 {
		l, err := ratelimit.New(ratelimit.Limit{Rate: rate, Burst: 4 * rate, Period: time.Second}, ratelimit.Options{Redis: a.redis})
		if err != nil {
			return nil, nil, fmt.Errorf("handshake rate limiter: %w", err)
		}
		opts.Handshakes = limiterAdapter{l}
	}
	for _, edit := range a.realtimeEdits {
		edit(&opts)
	}
	svc, err := realtime.New(opts)
	if err != nil {
		return nil, nil, err
	}
	mux.Handle(realtime.PathPrefix, svc)
	// Events the forwarder cannot publish reach live clients as lagged notices.
	a.forwarder.OnMissed(svc.Missed)
	run = func(ctx context.Context) {
		if err := svc.Run(ctx); err != nil {
			a.logger.Error("realtime reader stopped", "err", err)
		}
	}
	shutdown = func(ctx context.Context) {
		if err := svc.Shutdown(ctx); err != nil {
			a.logger.Warn("realtime shutdown", "err", err)
		}
	}
	return run, shutdown, nil
}

// WithRealtime changes the realtime service's options after the
// configuration has set them. Tests use it for what no setting should
// expose, such as a ping interval of milliseconds.
func WithRealtime(edit func(*realtime.Options)) Option {
	return func(a *App) { a.realtimeEdits = append(a.realtimeEdits, edit) }
}

// flushInterval maps the configured interval to realtime.Options', where 0
// means the default and negative means none.
func flushInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}
