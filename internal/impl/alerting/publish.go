package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// KindAlert is the kind field of stream:alerts entries.
const KindAlert = "alert"

// recorder writes alert changes where they are read: the store, then
// stream:alerts for live consumers.
type recorder struct {
	store   store.Alerts
	log     streams.Streams
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
	b, err := json.Marshal(NewAlertMessage(a))
	if err == nil {
		err = rc.log.Add(ctx, rc.maxLen, []streams.Record{{Stream: stream.Alerts,
			Entry: streams.Entry{Event: b, Tenant: a.Tenant, Kind: KindAlert}}})
	}
	if err != nil {
		rc.metrics.redisErrors.WithLabelValues("publish").Inc()
		rc.logger.WarnContext(ctx, "publish alert to stream:alerts", "alert", a.ID, "state", a.State, "err", err)
	}
	return nil
}
