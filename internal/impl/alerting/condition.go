package alerting

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Reader is what evaluating conditions reads from the store.
type Reader interface {
	store.Counts
	store.Metrics
	store.Services
}

// observation is one label set of a rule whose condition holds.
type observation struct {
	labels  map[string]string
	value   float64
	summary string
}

// conditions evaluates rules' conditions against the store.
type conditions struct {
	store   Reader
	anomaly bool // anomaly rules are evaluated; when false they never hold
	// maxSeries is the most metric series one evaluation may read
	// (Options.MaxSeries): a rule over more fails its evaluation.
	maxSeries int
}

// seriesQuota refuses an evaluation over more series than the quota.
func (c *conditions) seriesQuota(r *Rule, n int) error {
	if c.maxSeries > 0 && n > c.maxSeries {
		return fmt.Errorf("metric %s matches %d series, over the quota of %d per evaluation (LIGHTWATCH_ALERT_MAX_SERIES): narrow the rule's filter", r.Filter.Name, n, c.maxSeries)
	}
	return nil
}

// evaluate returns the label sets whose condition holds at now. A disabled
// rule holds for none, so that its open alerts resolve.
func (c *conditions) evaluate(ctx context.Context, r *Rule, now time.Time) ([]observation, error) {
	if !r.Enabled {
		return nil, nil
	}
	switch r.Kind {
	case KindLogCount:
		return c.logCount(ctx, r, now)
	case KindSecurity:
		return c.securityCount(ctx, r, now)
	case KindMetricThreshold:
		return c.metricThreshold(ctx, r, now)
	case KindHeartbeat:
		return c.heartbeat(ctx, r, now)
	case KindAnomaly:
		if !c.anomaly {
			return nil, nil
		}
		return c.anomalies(ctx, r, now)
	}
	return nil, nil
}

// alertLabels are the labels of one of a rule's alerts: the rule's labels,
// then the series' (or service's) own, which win, so that two series never
// share a label set.
func alertLabels(r *Rule, service string, series map[string]string) map[string]string {
	out := make(map[string]string, len(r.Labels)+len(series)+1)
	maps.Copy(out, r.Labels)
	maps.Copy(out, series)
	if service != "" {
		out["service"] = service
	}
	return out
}

// ruleLabels are the labels of a rule's only alert (count rules).
func ruleLabels(r *Rule) map[string]string {
	out := make(map[string]string, len(r.Labels))
	maps.Copy(out, r.Labels)
	return out
}
