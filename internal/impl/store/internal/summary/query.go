package summary

import (
	"context"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Reader feeds agg the adapter's rollups or raw samples of q in [from, to).
type Reader func(ctx context.Context, q store.MetricQuery, from, to int64, agg *Aggregator) error

// Query is QueryMetrics for any adapter: it plans q, reads rollups (whole-
// minute steps) or raw samples (shorter ones) with the adapter's readers,
// and folds them into steps here, so that every adapter builds identical
// points.
func Query(ctx context.Context, q store.MetricQuery, rollups, samples Reader) ([]store.Series, error) {
	src, err := Plan(q)
	if err != nil {
		return nil, fmt.Errorf("query metric %s: %w", q.Name, err)
	}
	agg := NewAggregator(q)
	from, to := Bounds(q)
	if from < to {
		read := samples
		if src == FromRollups {
			read = rollups
		}
		if err := read(ctx, q, from, to, agg); err != nil {
			return nil, fmt.Errorf("query metric %s: %w", q.Name, err)
		}
	}
	return agg.Result(), nil
}
