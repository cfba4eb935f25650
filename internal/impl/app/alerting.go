package app

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting"
)

// newAlerting builds the alert rule evaluator of a process serving the query
// API and returns its loop, to run for the process's life: it returns once
// its context is cancelled, after releasing its rule leases so that another
// instance takes the rules over at once.
func (a *App) newAlerting(interval, webhookRetryBudget time.Duration, anomaly bool) func(ctx context.Context) {
	eng := alerting.New(
		alerting.Deps{Store: a.store, Redis: a.redis, Logger: a.logger, Registerer: a.metrics.Registry},
		alerting.Options{Interval: interval, DisableAnomaly: !anomaly, Notify: alerting.NotifyOptions{Budget: webhookRetryBudget}},
	)
	return func(ctx context.Context) {
		if err := eng.Run(ctx); err != nil {
			a.logger.Error("alerting stopped", "err", err)
		}
	}
}
