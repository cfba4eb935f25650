package app

import (
	"context"
	"net/http"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/realtime"
)

// realtimeHandler mounts the realtime service (live events over WebSocket)
// at /ws/ and returns its stream reader, to run for the process's life, and
// its shutdown, which sends every client a close frame: http.Server.Shutdown
// neither closes nor waits for upgraded connections.
func (a *App) realtimeHandler(mux *http.ServeMux) (run func(ctx context.Context), shutdown func(ctx context.Context), err error) {
	svc, err := realtime.New(realtime.Options{
		Streams:       a.log,
		Authenticator: a.authn,
		Metrics:       realtime.NewMetrics(a.metrics.Registry),
		Logger:        a.logger,
		FlushInterval: flushInterval(a.cfg.WSFlushInterval),
	})
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

// flushInterval maps the configured interval to realtime.Options', where 0
// means the default and negative means none.
func flushInterval(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}
