package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// AlertJSON is an alert as the query API shows it (the Alert schema): the
// payload of stream:alerts entries and of webhooks. It mirrors api.alertOut;
// a test checks its output against the schema.
func AlertJSON(a store.Alert) queryapi.Alert {
	out := queryapi.Alert{
		Id: a.ID, RuleId: a.RuleID, RuleName: a.RuleName, Labels: a.Labels, Severity: queryapi.AlertSeverity(a.Severity),
		State: queryapi.AlertState(a.State), StartedAt: a.StartedAt, Value: a.Value,
		FiredAt: timePtr(a.FiredAt), ResolvedAt: timePtr(a.ResolvedAt), Summary: strPtr(a.Summary), NotifyError: strPtr(a.NotifyError),
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// KindAlert is the kind field of stream:alerts entries.
const KindAlert = "alert"

// recorder writes alert changes where they are read: the store, then
// stream:alerts for live consumers.
type recorder struct {
	store   store.Alerts
	redis   *redis.Client
	maxLen  int64
	metrics *metrics
	logger  *slog.Logger
}

// record stores a and publishes it. A store failure is returned: the change
// did not happen and the caller retries it. A publish failure is logged and
// counted only: the store, the record, has the change.
func (rc *recorder) record(ctx context.Context, a store.Alert) error {
	if err := rc.store.PutAlert(ctx, a); err != nil {
		return fmt.Errorf("put alert %s: %w", a.ID, err)
	}
	b, err := json.Marshal(AlertJSON(a))
	if err == nil {
		err = rc.redis.XAdd(ctx, &redis.XAddArgs{
			Stream: stream.Alerts, MaxLen: rc.maxLen, Approx: rc.maxLen > 0, ID: "*",
			Values: []any{stream.FieldEvent, b, stream.FieldTenant, a.Tenant, stream.FieldKind, KindAlert},
		}).Err()
	}
	if err != nil {
		rc.metrics.redisErrors.WithLabelValues("publish").Inc()
		rc.logger.WarnContext(ctx, "publish alert to stream:alerts", "alert", a.ID, "state", a.State, "err", err)
	}
	return nil
}
