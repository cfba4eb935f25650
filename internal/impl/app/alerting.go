package app

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/alerting"
	"github.com/lightwatch/lightwatch/internal/impl/alerting/webhook"
	"github.com/lightwatch/lightwatch/internal/impl/supervise"
)

// WithAlerting changes the alerting engine's options after the configuration
// has set them. Tests use it for what no setting should expose: a clock they
// move by hand, short webhook backoffs, instance ids.
func WithAlerting(edit func(*alerting.Options)) Option {
	return func(a *App) { a.alertingEdits = append(a.alertingEdits, edit) }
}

// newAlerting builds the alert rule evaluator of a process serving the query
// API and returns its loop, to run for the process's life: it returns once
// its context is cancelled, after releasing its rule leases so that another
// instance takes the rules over at once.
func (a *App) newAlerting(interval, webhookRetryBudget time.Duration, anomaly bool) (func(ctx context.Context), error) {
	allow, err := webhook.ParsePolicy(a.cfg.WebhookAllow)
	if err != nil {
		return nil, err
	}
	opts := alerting.Options{
		Interval: interval, DisableAnomaly: !anomaly, Notify: alerting.NotifyOptions{Budget: webhookRetryBudget, Allow: allow,
			TenantQueue: a.cfg.WebhookTenantQueue, TenantInFlight: a.cfg.WebhookTenantInFlight},
		StreamMaxLen: a.cfg.StreamLength(), EvalTimeout: a.cfg.QueryTimeout,
		// The embedded Redis lives and dies with this process: no other
		// engine could ever take over this one's stream entries.
		SoleConsumer:     a.cfg.RedisURL == "",
		MaxSeries:        a.cfg.AlertMaxSeries,
		MaxAlertsPerRule: a.cfg.AlertMaxAlertsPerRule,
	}
	for _, edit := range a.alertingEdits {
		edit(&opts)
	}
	eng := alerting.New(
		alerting.Deps{Store: a.store, Redis: a.redis, Streams: a.log, Logger: a.logger, Registerer: a.metrics.Registry, Secrets: a.secrets,
			Supervisor: supervise.Supervisor{Logger: a.logger, Panics: a.metrics.LoopPanics}},
		opts,
	)
	return func(ctx context.Context) {
		if err := eng.Run(ctx); err != nil {
			a.logger.Error("alerting stopped", "err", err)
		}
	}, nil
}
