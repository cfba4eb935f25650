package mongo

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// QueryMetrics finds the rollups (whole-minute steps) or raw samples (shorter
// steps) with a plain find on tenant, name, time range and service, and folds
// them into steps in Go: FerretDB's $group lacks $min and $max, and with more
// than one accumulator returns wrong results.
func (s *Store) QueryMetrics(ctx context.Context, q store.MetricQuery) ([]store.Series, error) {
	return summary.Query(ctx, q, s.readRollups, s.readSamples)
}

// metricFilter selects a metric's documents with timeField in [from, to),
// served on MongoDB by the (tenant, name, time) indexes.
func metricFilter(q store.MetricQuery, timeField string, from, to int64) bson.D {
	f := bson.D{
		{Key: "tenant", Value: q.Tenant},
		{Key: "name", Value: q.Name},
		{Key: timeField, Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}},
	}
	if q.Service != "" {
		f = append(f, bson.E{Key: "service", Value: q.Service})
	}
	return f
}

// readRollups identifies series by their stored key, parsed once per series.
func (s *Store) readRollups(ctx context.Context, q store.MetricQuery, from, to int64, agg *summary.Aggregator) error {
	proj := bson.D{{Key: "_id", Value: 0}, {Key: "series", Value: 1}, {Key: "minute_ns", Value: 1},
		{Key: "count", Value: 1}, {Key: "sum", Value: 1}, {Key: "min", Value: 1}, {Key: "max", Value: 1}}
	cur, err := s.summary.rollups.Find(ctx, metricFilter(q, "minute_ns", from, to), options.Find().SetProjection(proj))
	if err != nil {
		return fmt.Errorf("read rollups: %w", err)
	}
	return eachDoc(ctx, cur, func(p *rollupPoint) error {
		acc, known := agg.Lookup(p.Series)
		if !known {
			service, labels, err := summary.ParseSeriesKey(p.Series)
			if err != nil {
				return err
			}
			acc = agg.Define(p.Series, service, labels)
		}
		if acc != nil {
			acc.Add(p.MinuteNs, p.Count, p.Sum, p.Min, p.Max)
		}
		return nil
	})
}

// sampleDoc is the part of a metric document that raw queries read.
type sampleDoc struct {
	TSNanos int64   `bson:"ts_ns"`
	Service string  `bson:"service"`
	Labels  []kv    `bson:"labels"`
	Value   float64 `bson:"value"`
}

// readSamples identifies series by their series key, computed per sample:
// raw steps serve short windows.
func (s *Store) readSamples(ctx context.Context, q store.MetricQuery, from, to int64, agg *summary.Aggregator) error {
	proj := bson.D{{Key: "_id", Value: 0}, {Key: "ts_ns", Value: 1}, {Key: "service", Value: 1},
		{Key: "labels", Value: 1}, {Key: "value", Value: 1}}
	cur, err := s.events[kindIndex(event.KindMetric)].Find(ctx, metricFilter(q, "ts_ns", from, to), options.Find().SetProjection(proj))
	if err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	return eachDoc(ctx, cur, func(d *sampleDoc) error {
		var labels map[string]string
		if len(d.Labels) > 0 {
			labels = make(map[string]string, len(d.Labels))
			for _, p := range d.Labels {
				v, _ := p.V.(string)
				labels[p.K] = v
			}
		}
		id := summary.SeriesKey(d.Service, labels)
		acc, known := agg.Lookup(id)
		if !known {
			acc = agg.Define(id, d.Service, labels)
		}
		if acc != nil {
			acc.AddSample(d.TSNanos, d.Value)
		}
		return nil
	})
}

// eachDoc decodes the cursor's documents one at a time, so a long range is
// never held in memory twice.
func eachDoc[D any](ctx context.Context, cur *driver.Cursor, fn func(*D) error) error {
	defer func() { _ = cur.Close(ctx) }()
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if err := fn(&d); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("cursor: %w", err)
	}
	return nil
}

// MetricNames sorts names on the server and each name's sets in Go.
func (s *Store) MetricNames(ctx context.Context, tenant string) ([]store.MetricName, error) {
	cur, err := s.summary.names.Find(ctx, bson.D{{Key: "tenant", Value: tenant}},
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("metric names: %w", err)
	}
	out := []store.MetricName{}
	err = eachDoc(ctx, cur, func(d *nameDoc) error {
		slices.Sort(d.LabelKeys)
		slices.Sort(d.Services)
		out = append(out, store.MetricName{Name: d.Name, Type: event.MetricType(d.Type), LabelKeys: nonNil(d.LabelKeys), Services: nonNil(d.Services)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("metric names: %w", err)
	}
	return out, nil
}
