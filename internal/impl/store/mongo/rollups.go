package mongo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// rollupID is the _id of a series-minute bucket. Every part but the last is
// escaped, so no part can contain the separator and the _id is injective.
// Upserts filter on the exact _id, the one lookup FerretDB serves by index.
func rollupID(tenant, name string, minute int64, series string) string {
	return docID(tenant, tenantEscaper.Replace(name)+"/"+strconv.FormatInt(minute, 10)+"/"+series)
}

// rollupPoint is the part of a rollup document that queries read.
type rollupPoint struct {
	Series   string  `bson:"series"`
	MinuteNs int64   `bson:"minute_ns"`
	Count    int64   `bson:"count"`
	Sum      float64 `bson:"sum"`
	Min      float64 `bson:"min"`
	Max      float64 `bson:"max"`
}

// rollupIDs are the buckets a batch's rollups touch.
func rollupIDs(rollups []summary.Rollup) []string {
	ids := make([]string, len(rollups))
	for i, r := range rollups {
		ids[i] = rollupID(r.Tenant, r.Name, r.Minute, r.Series)
	}
	return ids
}

// writeRollups adds each bucket with $inc/$min/$max, which create the fields
// on insert too, and sets the descriptive fields only on insert. Each update
// matches only a bucket whose ops does not list batch yet, and adds it, so
// applying one batch's rollups again (completing a failed call, see
// outbox.go) skips the buckets already counted. Unordered: the buckets are
// independent.
func (s *Store) writeRollups(ctx context.Context, batch string, rollups []summary.Rollup) error {
	if len(rollups) == 0 {
		return nil
	}
	ids := rollupIDs(rollups)
	model := func(i int, upsert bool) driver.WriteModel {
		r := rollups[i]
		describe := bson.D{
			{Key: "tenant", Value: r.Tenant},
			{Key: "name", Value: r.Name},
			{Key: "minute", Value: check.Time(r.Minute)},
			{Key: "minute_ns", Value: r.Minute},
			{Key: "series", Value: r.Series},
			{Key: "service", Value: r.Service},
		}
		if len(r.Labels) > 0 {
			describe = append(describe, bson.E{Key: "labels", Value: pairs(r.Labels)})
		}
		filter := bson.D{{Key: "_id", Value: ids[i]}, {Key: "ops", Value: bson.D{{Key: "$ne", Value: batch}}}}
		if !s.server.ferret {
			// The shard key {tenant, name, _id: hashed} (deploy/README.md):
			// mongos routes an upsert only with the whole key in its filter.
			// Not on FerretDB, which uses an index only for a filter on _id
			// alone.
			filter = append(bson.D{{Key: "tenant", Value: r.Tenant}, {Key: "name", Value: r.Name}}, filter...)
			describe = describe[2:]
		}
		return driver.NewUpdateOneModel().
			SetFilter(filter).
			SetUpdate(bson.D{
				{Key: "$setOnInsert", Value: describe},
				{Key: "$inc", Value: bson.D{{Key: "count", Value: r.Count}, {Key: "sum", Value: r.Sum}}},
				{Key: "$min", Value: bson.D{{Key: "min", Value: r.Min}}},
				{Key: "$max", Value: bson.D{{Key: "max", Value: r.Max}}},
				{Key: "$push", Value: bson.D{{Key: "ops", Value: batch}}},
			}).
			SetUpsert(upsert)
	}
	models := make([]driver.WriteModel, len(rollups))
	for i := range rollups {
		models[i] = model(i, true)
	}
	_, err := s.summary.rollups.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err == nil {
		return nil
	}
	// A duplicate key means the bucket exists: either another writer created
	// it first, or it lists batch already (the filter missed, so the upsert
	// tried to insert). Either way, the plain update is now right: it applies
	// in the first case and matches nothing in the second.
	var bwe driver.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return fmt.Errorf("update rollups: %w", err)
	}
	retry := make([]driver.WriteModel, 0, len(bwe.WriteErrors))
	for _, we := range bwe.WriteErrors {
		if we.Code != duplicateKey || we.Index < 0 || we.Index >= len(models) {
			return fmt.Errorf("update rollups: %w", err)
		}
		retry = append(retry, model(we.Index, false))
	}
	if _, err := s.summary.rollups.BulkWrite(ctx, retry, options.BulkWrite().SetOrdered(false)); err != nil {
		return fmt.Errorf("update rollups: %w", err)
	}
	return nil
}

// nameDoc describes a metric name; label_keys and services are sets
// ($addToSet), sorted on read.
type nameDoc struct {
	Name      string   `bson:"name"`
	Type      string   `bson:"type"`
	LabelKeys []string `bson:"label_keys"`
	Services  []string `bson:"services"`
}

// writeNames merges label keys and services with $addToSet, then takes the
// batch's type only if its sample is strictly later than the stored one's (a
// second, conditional update: FerretDB has no pipeline updates). Ordered, so
// the conditional update finds the document the upsert made.
func (s *Store) writeNames(ctx context.Context, names []summary.Name) error {
	if len(names) == 0 {
		return nil
	}
	models := make([]driver.WriteModel, 0, 2*len(names))
	for _, n := range names {
		id := docID(n.Tenant, n.Name)
		models = append(models,
			driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}}).
				SetUpdate(bson.D{
					{Key: "$setOnInsert", Value: bson.D{
						{Key: "tenant", Value: n.Tenant}, {Key: "name", Value: n.Name},
						{Key: "type", Value: string(n.Type)}, {Key: "type_ts", Value: n.TypeTS},
					}},
					{Key: "$addToSet", Value: bson.D{
						{Key: "label_keys", Value: bson.D{{Key: "$each", Value: nonNil(n.LabelKeys)}}},
						{Key: "services", Value: bson.D{{Key: "$each", Value: nonNil(n.Services)}}},
					}},
				}).
				SetUpsert(true),
			driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}, {Key: "type_ts", Value: bson.D{{Key: "$lt", Value: n.TypeTS}}}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{
					{Key: "type", Value: string(n.Type)}, {Key: "type_ts", Value: n.TypeTS},
				}}}),
		)
	}
	if err := bulkWrite(ctx, s.summary.names, models, true); err != nil {
		return fmt.Errorf("update metric names: %w", err)
	}
	return nil
}

// nonNil makes an empty list encode as [] rather than null, which $each refuses.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
